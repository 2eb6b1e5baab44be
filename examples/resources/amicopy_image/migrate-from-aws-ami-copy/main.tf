# This replaces the resource "aws_ami_copy" "web" block, which is deleted.

# The Region that holds the AMI: the aws provider block's region or, with
# the AWS provider v6, the aws_ami_copy's own region argument.
provider "amicopy" {
  region = "eu-central-1"
}

# Hands the existing AMI over to amicopy_image: the plan shows a move, not a
# destroy and a new copy.
moved {
  from = aws_ami_copy.web
  to   = amicopy_image.web
}

resource "amicopy_image" "web" {
  name            = "web-server"
  source_image_id = "ami-0abcdef1234567890" # was source_ami_id
  source_region   = "us-east-1"             # was source_ami_region
  encrypted       = true
  kms_key_id      = "alias/ami-copies"

  tags = {
    Name = "web-server"
  }
}
