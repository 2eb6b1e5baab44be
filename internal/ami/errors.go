// Package ami holds the EC2 side of the provider: finding, copying, waiting
// for and deregistering AMIs. It knows nothing about Terraform, so every
// piece can be unit-tested against a fake EC2API or a local EC2 endpoint.
package ami

import (
	"context"
	"errors"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// NotFoundError says that an image (or snapshot) does not exist, or no longer
// does. Read turns it into "remove from state", Delete into success.
type NotFoundError struct {
	// ID is the image or snapshot that was asked for.
	ID string
	// Reason is why the resource counts as gone, for logs and diagnostics.
	Reason string
}

func (e *NotFoundError) Error() string {
	if e.Reason == "" {
		return fmt.Sprintf("%s not found", e.ID)
	}
	return fmt.Sprintf("%s not found: %s", e.ID, e.Reason)
}

// IsNotFound reports whether err is, or wraps, a *NotFoundError.
func IsNotFound(err error) bool {
	var nf *NotFoundError
	return errors.As(err, &nf)
}

// ErrorCode returns EC2's error code (for example "InvalidAMIID.NotFound"),
// or "" when err is not an API error.
func ErrorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// IsDeregistrationProtected reports whether EC2 refused to deregister an
// image because of its deregistration protection (EC2 User Guide, "Protect
// an AMI from deregistration": a protected AMI can't be deregistered). EC2
// refuses what a protection setting forbids with OperationNotPermitted, as
// it does for instances with termination protection.
func IsDeregistrationProtected(err error) bool {
	return ErrorCode(err) == "OperationNotPermitted"
}

// notFoundCodes are the EC2 error codes that mean "this ID does not exist".
// EC2 answers InvalidAMIID.Unavailable for an image that is being removed.
var notFoundCodes = map[string]bool{
	"InvalidAMIID.NotFound":      true,
	"InvalidAMIID.Unavailable":   true,
	"InvalidSnapshot.NotFound":   true,
	"InvalidSnapshotID.NotFound": true,
}

// isNotFoundCode reports whether err is an EC2 error whose code means the ID
// does not exist.
func isNotFoundCode(err error) bool {
	return notFoundCodes[ErrorCode(err)]
}

// IsTransient reports whether err is throttling, a failure on EC2's side
// or a broken connection: worth a warning and a later retry, not a verdict.
func IsTransient(err error) bool {
	return err != nil && isTransientLookupError(err) && !errors.Is(err, context.Canceled)
}

// IsAmbiguousCopyError reports whether a failed CopyImage may nevertheless
// have started a copy: the answer was lost, EC2 failed on its side, or the
// caller gave up (an interrupt or a timeout) while a request may already
// have reached EC2. EC2's refusals of the request (4xx codes) are not
// ambiguous.
func IsAmbiguousCopyError(err error) bool {
	if err == nil {
		return false
	}
	return ErrorCode(err) == "" || isRetryableAnswer(err)
}

// ec2ServerErrorCodes are the codes EC2 answers for a failure on its side
// (Amazon EC2 API Reference, "Error codes for the Amazon EC2 API", server
// errors, and the common InternalFailure): the request may or may not have
// been carried out, and trying again later may work. The SDK recognises
// such an answer only by its 5xx HTTP status, so the codes keep the
// classification when the status is not attached to the error.
var ec2ServerErrorCodes = map[string]struct{}{
	"InternalError":      {},
	"InternalFailure":    {},
	"ServiceUnavailable": {},
	"Unavailable":        {},
}

// retryableAnswers is the AWS SDK's own judgement of which failures are
// worth another attempt (its standard retryer's checks: retryable errors,
// broken connections, 5xx statuses, throttling and timeout codes), plus
// EC2's server-side codes.
var retryableAnswers = retry.IsErrorRetryables(append(
	append([]retry.IsErrorRetryable{}, retry.DefaultRetryables...),
	retry.RetryableErrorCode{Codes: ec2ServerErrorCodes},
))

// isRetryableAnswer reports whether the SDK (or EC2's server-side codes)
// counts err as worth trying again.
func isRetryableAnswer(err error) bool {
	return retryableAnswers.IsErrorRetryable(err) == aws.TrueTernary
}

// isTransientLookupError reports whether a failed poll is worth repeating
// rather than ending a wait: EC2 throttled or failed on its side after the
// SDK's retries, the connection broke, or the shared DescribeImages call ran
// out of its own time. Ending a wait taints a copy that may be nearly done,
// so only errors that say something about the image or the caller's rights
// end it. The caller checks its own context first.
func isTransientLookupError(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	// A request that could not be sent says nothing about the image, even
	// when the SDK would not resend it (it gives up on a name that does
	// not resolve, which during a long wait is a resolver's hiccup).
	var sendErr *smithyhttp.RequestSendError
	if errors.As(err, &sendErr) {
		return true
	}
	return isRetryableAnswer(err)
}
