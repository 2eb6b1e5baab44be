// Package bench measures the provider against its performance goals: how
// many DescribeImages calls waiting and refreshing cost, how much a plan
// costs over Terraform's own work and over a minimal framework provider, and
// how large the binary is and how fast it starts.
//
// The measurements run in TestBench, against moto behind the acceptance
// harness's fault proxy, when AMICOPY_BENCH=1 and TF_ACC=1 are set (`make
// bench`). This file's package holds the pieces the test composes: building
// binaries, timing commands, describing the machine, writing the
// configurations and printing the results table.
//
// TestSoak (`make soak`, AMICOPY_SOAK=1) copies an image 1,000 times over
// 10 Regions through the fault proxy, with throttling, lost CopyImage
// answers and an interrupted apply, then applies again and destroys, and
// checks what is left and how the ClientTokens were spent.
package bench
