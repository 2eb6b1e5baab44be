// Command local-ec2 runs the test harness's EC2 by hand: moto on a free
// loopback port, behind the proxy that fills in the EC2 behaviour moto lacks
// and injects the faults asked for on the command line. It prints the
// endpoint and the environment to use, then serves until interrupted.
//
//	go run ./internal/acctest/cmd/local-ec2 -throttle 0.25 -lose-copy-answers 2 -pending-polls 20
package main

import (
	"flag"
	"fmt"
	"log"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
)

func main() {
	var (
		faults     acctest.Faults
		failCopies string
		logCalls   bool
	)
	flag.Int64Var(&faults.Seed, "seed", 1, "seed for every random fault, so runs repeat")
	flag.Float64Var(&faults.ThrottleRate, "throttle", 0, "share of calls answered 503 RequestLimitExceeded (0 to 1)")
	flag.Float64Var(&faults.ServerErrorRate, "server-errors", 0, "share of calls answered 500 InternalError (0 to 1)")
	flag.DurationVar(&faults.Latency, "latency", 0, "delay added to every call")
	flag.Float64Var(&faults.DropRate, "drop", 0, "share of connections closed without an answer (0 to 1)")
	flag.IntVar(&faults.LoseCopyImageAnswers, "lose-copy-answers", 0, "lose the answers of the next N CopyImage calls, after the copy is made")
	flag.IntVar(&faults.FailCopyImageAnswers, "fail-copy-answers", 0, "answer the next N CopyImage calls 500 InternalError, after the copy is made")
	flag.IntVar(&faults.CopyLimitExceeded, "copy-limit", 0, "refuse the next N CopyImage calls with ResourceLimitExceeded")
	flag.IntVar(&faults.PendingPolls, "pending-polls", 0, "report each new copy as pending for its first N DescribeImages")
	flag.StringVar(&failCopies, "fail-copies", "", `end every new copy "failed" with this StateReason, as CODE:MESSAGE`)
	flag.BoolVar(&faults.UnauthorizedDryRun, "unauthorized-dry-run", false, "answer CopyImage with DryRun UnauthorizedOperation")
	flag.IntVar(&faults.NotFoundAfterCopy, "not-found-after-copy", 0, "hide each new copy from its first N DescribeImages, as EC2's eventual consistency does")
	flag.BoolVar(&logCalls, "log-calls", true, "print every call the proxy sees")
	flag.Parse()

	if failCopies != "" {
		code, message, _ := strings.Cut(failCopies, ":")
		faults.FailCopies = &acctest.StateReason{Code: code, Message: message}
	}

	moto, err := acctest.StartMoto()
	if err != nil {
		log.Fatal(err)
	}
	defer moto.Stop()
	proxy, err := moto.StartProxy()
	if err != nil {
		moto.Stop()
		log.Fatal(err)
	}
	defer proxy.Close()
	proxy.SetFaults(faults)

	fmt.Printf("Local EC2 (moto %s behind the proxy) is at %s\n\n", moto.URL(), proxy.URL())
	fmt.Printf("  export AWS_ENDPOINT_URL_EC2=%s\n", proxy.URL())
	fmt.Printf("  export AWS_ENDPOINT_URL_KMS=%s AWS_ENDPOINT_URL_STS=%s\n", moto.URL(), moto.URL())
	fmt.Printf("  export AWS_ACCESS_KEY_ID=testing AWS_SECRET_ACCESS_KEY=testing AWS_REGION=us-east-1 AWS_EC2_METADATA_DISABLED=true\n\n")
	fmt.Println("Public AMIs to copy: ami-03cf127a (in every Region). Press Ctrl-C to stop.")

	stop := make(chan os.Signal, 1)
	signal.Notify(stop, os.Interrupt, syscall.SIGTERM)
	seen := 0
	ticker := time.NewTicker(500 * time.Millisecond)
	defer ticker.Stop()
	for {
		select {
		case <-stop:
			fmt.Println("Stopping.")
			return
		case <-ticker.C:
			if !logCalls {
				continue
			}
			calls := proxy.Calls()
			for _, c := range calls[seen:] {
				fmt.Printf("%s %-12s %-28s status=%d %s %s\n", c.Time.Format("15:04:05.000"), c.Region, c.Action, c.Status,
					strings.Join(c.ImageIDs, ","), c.Fault)
			}
			seen = len(calls)
		}
	}
}
