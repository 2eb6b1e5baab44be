# A time-based copy: EC2 completes the snapshot copies within the requested
# duration (a multiple of 15 minutes, from 15 to 2880).
provider "amicopy" {
  region = "eu-central-1"
}

resource "amicopy_image" "time_based" {
  name            = "web-server-time-based"
  source_image_id = "ami-0abcdef1234567890"
  source_region   = "us-east-1"

  snapshot_copy_completion_duration_minutes = 120

  # The default create timeout already grows to the duration plus 20
  # minutes; set one only to wait longer than that.
  timeouts = {
    create = "3h"
  }
}
