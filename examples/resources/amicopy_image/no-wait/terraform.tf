terraform {
  required_providers {
    amicopy = {
      source = "amicopy/amicopy"
    }
  }
}
