# The configuration `make demo` applies against a local EC2 (moto).
# It copies one public AMI from us-east-1 into two Regions with for_each,
# tags the copies and their snapshots, and prints where they landed.

terraform {
  required_providers {
    amicopy = {
      source = "amicopy/amicopy"
    }
  }
}

variable "source_image_id" {
  description = "The AMI to copy."
  type        = string
  default     = "ami-03cf127a"
}

variable "destination_regions" {
  description = "Where the copies land."
  type        = set(string)
  default     = ["us-west-2", "eu-central-1"]
}

provider "amicopy" {
  region = "us-west-2"

  default_tags {
    tags = {
      managed-by = "terraform"
    }
  }
}

resource "amicopy_image" "demo" {
  for_each = var.destination_regions

  region          = each.key
  name            = "amicopy-demo-${each.key}"
  description     = "Demo copy of ${var.source_image_id} in ${each.key}"
  source_image_id = var.source_image_id
  source_region   = "us-east-1"

  tags = {
    Name = "amicopy-demo"
  }
  snapshot_tags = {
    Name = "amicopy-demo-snapshot"
  }
}

output "copies" {
  description = "Each copy's Region and AMI ID."
  value       = { for region, image in amicopy_image.demo : region => image.id }
}

output "snapshots" {
  description = "The snapshots each copy created."
  value       = { for region, image in amicopy_image.demo : region => image.snapshot_ids }
}
