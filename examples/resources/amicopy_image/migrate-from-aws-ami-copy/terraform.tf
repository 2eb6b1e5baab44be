terraform {
  # A moved block between resource types of different providers needs
  # Terraform 1.8 or later (a removed block, 1.7).
  required_version = ">= 1.8"

  required_providers {
    amicopy = {
      source = "amicopy/amicopy"
    }
    # Keep the aws provider until the move is applied: Terraform needs it
    # to read the state it moves and to forget the removed resources.
    aws = {
      source = "hashicorp/aws"
    }
  }
}
