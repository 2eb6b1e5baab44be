# Point the provider at an EC2-compatible endpoint, here a local moto_server
# started with `moto_server -p 5000`. moto accepts any credentials.
provider "amicopy" {
  region     = "us-east-1"
  access_key = "test"
  secret_key = "test"

  endpoints {
    ec2 = "http://127.0.0.1:5000"
    kms = "http://127.0.0.1:5000"
    sts = "http://127.0.0.1:5000"
  }
}
