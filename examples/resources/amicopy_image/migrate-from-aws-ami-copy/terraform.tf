terraform {
  # A moved block between resource types of different providers needs
  # Terraform 1.8 or later.
  required_version = ">= 1.8"

  required_providers {
    amicopy = {
      source = "amicopy/amicopy"
    }
  }
}
