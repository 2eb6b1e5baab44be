# Copies into many Regions that do not hold the apply: each create ends as
# soon as EC2 has started the copy. Run `terraform apply` again once the
# copies are available: it applies the deprecation time then.
variable "release_regions" {
  description = "Regions that receive the release image."
  type        = set(string)
  default     = ["eu-west-1", "eu-central-1", "ap-southeast-2"]
}

provider "amicopy" {
  region = "us-east-1"
}

resource "amicopy_image" "release" {
  for_each = var.release_regions

  region             = each.key
  name               = "web-server-1.4.0"
  source_image_id    = "ami-0abcdef1234567890"
  source_region      = "us-east-1"
  deprecation_time   = "2027-06-01T00:00:00Z"
  wait_for_available = false
}

# Warns, without failing the apply, while a copy is still in progress.
check "release_images_available" {
  assert {
    condition     = alltrue([for image in amicopy_image.release : image.state == "available"])
    error_message = "Some release images are still being copied; run terraform apply again once they are available."
  }
}

# A consumer that needs the image available fails at plan until it is.
output "eu_west_1_image_id" {
  description = "The copy in eu-west-1, once it is available."
  value       = amicopy_image.release["eu-west-1"].id
  precondition {
    condition     = amicopy_image.release["eu-west-1"].state == "available"
    error_message = "The eu-west-1 copy is not available yet (state ${amicopy_image.release["eu-west-1"].state})."
  }
}
