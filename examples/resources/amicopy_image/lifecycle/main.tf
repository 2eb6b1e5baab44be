# A golden image that is deprecated on a schedule, protected from
# deregistration, and kept in EC2 when Terraform destroys or replaces it.
provider "amicopy" {
  region = "eu-central-1"
}

resource "amicopy_image" "golden" {
  name            = "golden-base-2026-01"
  source_image_id = "ami-0abcdef1234567890"
  source_region   = "us-east-1"

  # Updated in place; remove it to cancel the deprecation.
  deprecation_time = "2027-01-31T00:00:00Z"

  # EC2 refuses to deregister the AMI while this is on; with the cooldown it
  # stays protected for 24 hours after it is disabled.
  deregistration_protection = "enabled-with-cooldown"

  # Destroy only removes the AMI from state: the AMI and its snapshots stay.
  skip_destroy = true
}
