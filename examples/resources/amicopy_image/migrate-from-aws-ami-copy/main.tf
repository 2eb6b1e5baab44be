# This replaces the aws_ami_copy "web" block and its two permission
# resources, which are deleted.

# The Region that holds the AMI: the aws provider block's region or, with
# the AWS provider v6, the aws_ami_copy's own region argument. The two
# providers' default_tags are separate: give this block the default_tags
# that the aws provider applied, or the plan removes them from the AMI.
provider "amicopy" {
  region = "eu-central-1"

  default_tags {
    tags = {
      managed-by = "terraform"
    }
  }
}

# Hands the existing AMI over to amicopy_image: the plan shows a move, not a
# destroy and a new copy.
moved {
  from = aws_ami_copy.web
  to   = amicopy_image.web
}

# Terraform forgets the permission resources without destroying them, so
# their grants stay in EC2 while launch_permission and
# snapshot_create_volume_permission_account_ids take them over.
removed {
  from = aws_ami_launch_permission.partner
  lifecycle {
    destroy = false
  }
}

removed {
  from = aws_ami_launch_permission.org
  lifecycle {
    destroy = false
  }
}

removed {
  from = aws_snapshot_create_volume_permission.partner
  lifecycle {
    destroy = false
  }
}

resource "amicopy_image" "web" {
  name            = "web-server"
  source_image_id = "ami-0abcdef1234567890" # was source_ami_id
  source_region   = "us-east-1"             # was source_ami_region
  encrypted       = true

  # The key aws_ami_copy named by ARN. The alias of the same key keeps the
  # copy: the plan asks kms:DescribeKey and records the alias in place.
  kms_key_id = "alias/ami-copies"

  # Was aws_ami_launch_permission.partner and .org.
  launch_permission = {
    account_ids       = ["444455556666"]
    organization_arns = ["arn:aws:organizations::111122223333:organization/o-exampleorgid"]
  }

  # Was aws_snapshot_create_volume_permission.partner.
  snapshot_create_volume_permission_account_ids = ["444455556666"]

  tags = {
    Name = "web-server"
  }

  # aws_ami_copy's defaults for update and delete. Without them,
  # amicopy_image's apply: 10 and 20 minutes instead of 40 and 90.
  timeouts = {
    update = "40m"
    delete = "90m"
  }
}
