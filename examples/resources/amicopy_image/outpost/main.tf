# EC2 copies an AMI to an Outpost only from the Outpost's parent Region.
# An image in another Region is first copied to the parent Region, then
# from there to the Outpost.
provider "amicopy" {
  region = "us-west-2" # the Outpost's parent Region
}

resource "amicopy_image" "regional" {
  name            = "web-server"
  source_image_id = "ami-0abcdef1234567890"
  source_region   = "us-east-1"
}

resource "amicopy_image" "outpost" {
  name                    = "web-server-outpost"
  source_image_id         = amicopy_image.regional.id
  source_region           = "us-west-2"
  destination_outpost_arn = "arn:aws:outposts:us-west-2:111122223333:outpost/op-0123456789abcdef0"

  # Copies to an Outpost are always encrypted; a key of the parent Region
  # may be named.
  encrypted  = true
  kms_key_id = "alias/outpost-ebs"
}
