# Copy the golden image to three Regions and share each copy with two
# accounts. The copies are encrypted with a customer managed multi-Region
# key (the AWS managed key aws/ebs cannot be shared); its key policy must
# allow the two accounts to use it. The accounts may also create volumes
# from the copies' snapshots, so that they can copy the AMI on.
variable "regions" {
  description = "Regions that receive the golden image."
  type        = set(string)
  default     = ["eu-west-1", "eu-central-1", "ap-southeast-2"]
}

variable "consumer_account_ids" {
  description = "Accounts that launch the golden image."
  type        = set(string)
  default     = ["111122223333", "444455556666"]
}

provider "amicopy" {
  region = "us-east-1"
}

resource "amicopy_image" "golden" {
  for_each = var.regions

  region          = each.key
  name            = "golden-2025.06"
  source_image_id = "ami-0abcdef1234567890"
  source_region   = "us-east-1"

  encrypted  = true
  kms_key_id = "arn:aws:kms:${each.key}:999999999999:key/mrk-1234abcd12ab34cd56ef1234567890ab"

  launch_permission = {
    account_ids = var.consumer_account_ids
  }
  snapshot_create_volume_permission_account_ids = var.consumer_account_ids
}
