// Command terraform-provider-minimal serves the benchmark's minimal provider
// as registry.terraform.io/bench/minimal, for use with dev_overrides.
package main

import (
	"context"
	"flag"
	"log"

	"github.com/amicopy/terraform-provider-amicopy/internal/bench/minimalprovider"
)

// version is reported to Terraform.
var version = "dev"

func main() {
	var debug bool
	flag.BoolVar(&debug, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()

	if err := minimalprovider.Serve(context.Background(), version, debug); err != nil {
		log.Fatal(err)
	}
}
