// Package acctest is the harness for the provider's acceptance tests. It
// starts moto_server on loopback as a local EC2 API, puts a proxy in front of
// it that fills in the EC2 behaviour moto lacks and injects the faults a test
// asks for, and points the AWS SDK and Terraform at it. With
// AMICOPY_TEST_TARGET=aws the same tests run against real AWS instead.
package acctest
