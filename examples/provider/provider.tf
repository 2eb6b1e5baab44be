terraform {
  required_version = ">= 1.5"

  required_providers {
    amicopy = {
      source  = "amicopy/amicopy"
      version = "~> 0.1"
    }
  }
}

# Credentials come from the usual AWS chain (environment, shared files,
# SSO, container or instance role), as for the AWS provider and the AWS CLI.
provider "amicopy" {
  # Where copies land unless an amicopy_image sets its own region.
  region = "eu-central-1"

  # Added to every AMI and snapshot this provider copies.
  default_tags {
    tags = {
      ManagedBy = "terraform"
      Team      = "platform"
    }
  }

  # Copy as a dedicated role instead of the caller's own identity.
  # assume_role {
  #   role_arn     = "arn:aws:iam::111122223333:role/ami-publisher"
  #   session_name = "terraform-ami-release"
  # }
}
