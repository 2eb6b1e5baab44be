# An AMI in the provider's Region, by its ID:
terraform import amicopy_image.example ami-0123456789abcdef0

# An AMI in another Region: its ID, "@", and the Region:
terraform import amicopy_image.example ami-0123456789abcdef0@eu-central-1
