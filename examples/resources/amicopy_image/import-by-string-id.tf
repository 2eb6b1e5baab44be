import {
  to = amicopy_image.example
  id = "ami-0123456789abcdef0@eu-central-1"
}
