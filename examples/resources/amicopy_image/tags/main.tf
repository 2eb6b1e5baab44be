# Tags on the AMI and on its snapshots, added by CopyImage itself, so the
# copy is never untagged, even for a moment.
provider "amicopy" {
  region = "eu-central-1"

  default_tags {
    tags = {
      ManagedBy = "terraform"
    }
  }
}

resource "amicopy_image" "tagged" {
  name            = "web-server-tagged"
  source_image_id = "ami-0abcdef1234567890"
  source_region   = "us-east-1"

  # On the AMI, together with the provider's default_tags.
  tags = {
    Name        = "web-server"
    Environment = "production"
  }

  # On every snapshot the copy creates, together with the default_tags.
  snapshot_tags = {
    Name   = "web-server-root"
    Backup = "weekly"
  }

  # Also bring the source AMI's own tags; they show in tags_all only.
  copy_image_tags = true
}

output "all_tags" {
  description = "The AMI's tags: default_tags, tags and the copied source tags."
  value       = amicopy_image.tagged.tags_all
}
