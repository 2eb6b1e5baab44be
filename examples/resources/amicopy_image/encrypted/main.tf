# Encrypt the copy's snapshots with a customer managed KMS key. The key must
# be in the destination Region (eu-central-1), and kms_key_id needs
# encrypted = true.
provider "amicopy" {
  region = "eu-central-1"
}

resource "amicopy_image" "encrypted" {
  name            = "web-server-encrypted"
  source_image_id = "ami-0abcdef1234567890"
  source_region   = "us-east-1"

  encrypted  = true
  kms_key_id = "arn:aws:kms:eu-central-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab"
  # Also accepted: a key ID, "alias/ami-copies", or an alias ARN.
}
