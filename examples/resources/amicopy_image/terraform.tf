terraform {
  required_version = ">= 1.5"

  required_providers {
    amicopy = {
      source = "amicopy/amicopy"
    }
  }
}
