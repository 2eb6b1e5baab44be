# A large image whose cross-Region copy may take hours.
resource "amicopy_image" "large" {
  name            = "data-warehouse-2026-01"
  source_image_id = "ami-0abcdef1234567890"
  source_region   = "us-east-1"

  timeouts = {
    create = "3h"
    update = "15m"
    delete = "30m"
  }
}
