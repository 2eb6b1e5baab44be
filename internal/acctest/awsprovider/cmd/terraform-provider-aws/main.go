// Command terraform-provider-aws serves the aws_ami_copy stand-in as
// registry.terraform.io/hashicorp/aws, for tests that use dev_overrides.
package main

import (
	"flag"
	"log"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest/awsprovider"
)

// version is reported to Terraform; it is not the real provider's version.
var version = "dev"

// shape is the default schema shape ("v5" or "v6"); Build sets it with
// -ldflags -X, and AMICOPY_STANDIN_AWS_SCHEMA overrides it at run time.
var shape = string(awsprovider.ShapeV6)

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "start the provider with support for debuggers like delve")
	flag.Parse()

	defaultShape, err := awsprovider.ParseShape(shape)
	if err != nil {
		log.Fatal(err)
	}

	if err := awsprovider.Serve(version, defaultShape, debug); err != nil {
		log.Fatal(err)
	}
}
