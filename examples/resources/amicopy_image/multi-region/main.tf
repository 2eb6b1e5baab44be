# One provider block, one source image, one copy per Region: each copy sets
# its own region.
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

  region          = each.key
  name            = "web-server-1.4.0"
  source_image_id = "ami-0abcdef1234567890"
  source_region   = "us-east-1"

  tags = {
    Name    = "web-server"
    Version = "1.4.0"
  }
}

output "image_ids" {
  description = "The copy's AMI ID in each Region."
  value       = { for region, image in amicopy_image.release : region => image.id }
}
