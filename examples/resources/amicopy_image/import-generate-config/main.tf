# Adopt an existing AMI without writing its configuration first:
#
#   terraform plan -generate-config-out=generated.tf
#
# Terraform writes an amicopy_image "adopted" block to generated.tf from
# what EC2 reports. Review it, then terraform apply to import.
import {
  to = amicopy_image.adopted
  id = "ami-0123456789abcdef0@eu-central-1"
}
