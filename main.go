// Command terraform-provider-amicopy serves the amicopy Terraform provider.
package main

import (
	"flag"
	"log"
	"os"
	"runtime/debug"

	"github.com/hashicorp/terraform-plugin-go/tfprotov6/tf6server"

	"github.com/amicopy/terraform-provider-amicopy/internal/provider"
)

// version is set by the release build (goreleaser ldflags).
var version = "dev"

func main() {
	var debugMode bool
	flag.BoolVar(&debugMode, "debug", false, "run the provider with support for debuggers such as delve")
	flag.Parse()

	if !debugMode {
		if err := quietUnreadLogs(os.Getenv, os.Setenv); err != nil {
			log.Fatal(err.Error())
		}
		if os.Getenv("GOGC") == "" {
			// Terraform starts the provider for one command and stops it
			// after; collecting garbage less often saves CPU on a large
			// plan. Less often still costs more on a small one: a heap that
			// only grows touches fresh pages, each a page fault. Measured
			// over plan -refresh=false (the plan process's CPU, medians of
			// 7 to 15 interleaved runs, 2026-12-08): 100 copies 176, 187,
			// 200 ms at 100, 200, 400; 1,000 copies 1,022, 929, 920 ms.
			debug.SetGCPercent(shortLivedGCPercent)
		}
	}

	var opts []tf6server.ServeOpt
	if debugMode {
		opts = append(opts, tf6server.WithManagedDebug())
	}
	err := tf6server.Serve("registry.terraform.io/amicopy/amicopy", provider.NewServer(version), opts...)
	if err != nil {
		log.Fatal(err.Error())
	}
}

// shortLivedGCPercent is the garbage collector's target when GOGC is unset.
const shortLivedGCPercent = 200

// logRequests are the variables that ask Terraform, or a test harness, for
// provider logs. Unless one is set, Terraform drops every log line the
// provider sends.
var logRequests = []string{
	"TF_LOG", "TF_LOG_PROVIDER", "TF_LOG_PROVIDER_AMICOPY", "TF_LOG_PATH_MASK", "TF_ACC_LOG_PATH",
	"TF_LOG_SDK", "TF_LOG_SDK_PROTO", "TF_LOG_SDK_FRAMEWORK",
}

// quietUnreadLogs turns the plugin libraries' own logs off when nobody asked
// for logs. terraform-plugin-go and the framework write every RPC and every
// attribute of every plan at TRACE whatever TF_LOG says, for Terraform to
// filter; in a plan of 100 copies, writing lines that Terraform then
// dropped took a third of the provider's CPU. The provider's own log lines
// are few and stay on.
func quietUnreadLogs(getenv func(string) string, setenv func(string, string) error) error {
	for _, name := range logRequests {
		if getenv(name) != "" {
			return nil
		}
	}
	return setenv("TF_LOG_SDK", "off")
}
