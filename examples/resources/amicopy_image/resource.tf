# Copy an AMI from us-east-1 into eu-central-1, the provider's Region.
provider "amicopy" {
  region = "eu-central-1"
}

resource "amicopy_image" "example" {
  name            = "web-server-2026-01-15"
  description     = "Web server image, copied from us-east-1"
  source_image_id = "ami-0abcdef1234567890"
  source_region   = "us-east-1"

  tags = {
    Name = "web-server"
  }
}

output "image_id" {
  value = amicopy_image.example.id
}
