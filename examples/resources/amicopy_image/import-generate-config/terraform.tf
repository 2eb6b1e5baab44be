terraform {
  # Import blocks and -generate-config-out need Terraform 1.5 or later.
  required_version = ">= 1.5"

  required_providers {
    amicopy = {
      source = "amicopy/amicopy"
    }
  }
}
