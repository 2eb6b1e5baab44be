# EC2 copies an AMI into a Local Zone only from the zone's parent Region,
# which is also the Region the copy is made in.
provider "amicopy" {
  region = "us-west-2"
}

# The Local Zone by name.
resource "amicopy_image" "los_angeles" {
  name                          = "web-server-lax-1a"
  source_image_id               = "ami-0abcdef1234567890"
  source_region                 = "us-west-2"
  destination_availability_zone = "us-west-2-lax-1a"
}

# The same kind of copy, naming the Local Zone by its zone ID instead.
resource "amicopy_image" "los_angeles_by_zone_id" {
  name                             = "web-server-lax-1b"
  source_image_id                  = "ami-0abcdef1234567890"
  source_region                    = "us-west-2"
  destination_availability_zone_id = "usw2-lax1-az2"
}
