# The credentials found by the chain (here the "ci" profile) assume the
# role; every EC2 and KMS call is then made as the role.
provider "amicopy" {
  region  = "eu-central-1"
  profile = "ci"

  assume_role {
    role_arn     = "arn:aws:iam::111122223333:role/ami-publisher"
    session_name = "terraform-ami-release"
    external_id  = "ami-release-pipeline"
    duration     = "1h"
  }
}
