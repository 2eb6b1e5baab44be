// Package ami holds the EC2 side of the provider: finding, copying, waiting
// for and deregistering AMIs. It knows nothing about Terraform, so every
// piece can be unit-tested against a fake EC2API or a local EC2 endpoint.
package ami

import (
	"errors"
	"fmt"

	"github.com/aws/smithy-go"
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
