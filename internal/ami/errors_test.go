package ami

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"testing"

	awshttp "github.com/aws/aws-sdk-go-v2/aws/transport/http"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

func TestIsDeregistrationProtected(t *testing.T) {
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{name: "protected", err: &smithy.GenericAPIError{Code: "OperationNotPermitted", Message: "The AMI can't be deregistered"}, want: true},
		{name: "protected, wrapped", err: fmt.Errorf("deregistering: %w", &smithy.GenericAPIError{Code: "OperationNotPermitted"}), want: true},
		{name: "not found", err: &smithy.GenericAPIError{Code: "InvalidAMIID.NotFound"}},
		{name: "not authorized", err: &smithy.GenericAPIError{Code: "UnauthorizedOperation"}},
		{name: "the words without the code", err: errors.New("deregistration protection is enabled")},
		{name: "no error", err: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := IsDeregistrationProtected(tt.err); got != tt.want {
				t.Errorf("IsDeregistrationProtected(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

// ec2Answer is the error the SDK returns for an EC2 answer with the given
// HTTP status and error code ("" when the body named none).
func ec2Answer(status int, code string) error {
	cause := errors.New("failed to decode response body")
	if code != "" {
		cause = &smithy.GenericAPIError{Code: code, Message: code + " from EC2"}
	}
	return &smithy.OperationError{ServiceID: "EC2", OperationName: "DescribeImages",
		Err: &awshttp.ResponseError{RequestID: "req-1", ResponseError: &smithyhttp.ResponseError{
			Response: &smithyhttp.Response{Response: &http.Response{StatusCode: status}}, Err: cause}}}
}

// TestErrorClassification pins how the errors that matter are classified:
// transient (a warning and a later retry), worth another poll, ambiguous
// for CopyImage (a copy may have started), or a missing image.
func TestErrorClassification(t *testing.T) {
	t.Parallel()
	unresolvedName := &smithy.OperationError{ServiceID: "EC2", OperationName: "DescribeImages",
		Err: &smithyhttp.RequestSendError{Err: &net.DNSError{Err: "no such host", Name: "ec2.example", IsNotFound: true}}}
	tests := []struct {
		name      string
		err       error
		transient bool // IsTransient
		pollAgain bool // isTransientLookupError
		ambiguous bool // IsAmbiguousCopyError
		notFound  bool // isNotFoundCode
	}{
		{name: "throttled", err: ec2Answer(503, "RequestLimitExceeded"), transient: true, pollAgain: true, ambiguous: true},
		{name: "throttled, no status", err: apiError("RequestLimitExceeded"), transient: true, pollAgain: true, ambiguous: true},
		{name: "Throttling", err: ec2Answer(400, "Throttling"), transient: true, pollAgain: true, ambiguous: true},
		{name: "internal error", err: ec2Answer(500, "InternalError"), transient: true, pollAgain: true, ambiguous: true},
		{name: "internal error, no status", err: apiError("InternalError"), transient: true, pollAgain: true, ambiguous: true},
		{name: "service unavailable", err: ec2Answer(503, "ServiceUnavailable"), transient: true, pollAgain: true, ambiguous: true},
		{name: "unavailable, no status", err: apiError("Unavailable"), transient: true, pollAgain: true, ambiguous: true},
		{name: "connection reset", err: lostAnswer(), transient: true, pollAgain: true, ambiguous: true},
		{name: "name did not resolve", err: unresolvedName, transient: true, pollAgain: true, ambiguous: true},
		{name: "503 without a code", err: ec2Answer(503, ""), transient: true, pollAgain: true, ambiguous: true},
		{name: "interrupted", err: fmt.Errorf("operation error EC2: CopyImage, %w", context.Canceled), pollAgain: true, ambiguous: true},
		{name: "timed out", err: fmt.Errorf("operation error EC2: CopyImage, %w", context.DeadlineExceeded), transient: true, pollAgain: true, ambiguous: true},
		{name: "image not found", err: ec2Answer(400, "InvalidAMIID.NotFound"), notFound: true},
		{name: "not authorized", err: ec2Answer(403, "UnauthorizedOperation")},
		{name: "bad parameter", err: ec2Answer(400, "InvalidParameterValue")},
		{name: "concurrent-copy limit", err: ec2Answer(400, "ResourceLimitExceeded")},
		{name: "no error", err: nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := IsTransient(tt.err); got != tt.transient {
				t.Errorf("IsTransient(%v) = %v, want %v", tt.err, got, tt.transient)
			}
			if tt.err != nil {
				if got := isTransientLookupError(tt.err); got != tt.pollAgain {
					t.Errorf("isTransientLookupError(%v) = %v, want %v", tt.err, got, tt.pollAgain)
				}
			}
			if got := IsAmbiguousCopyError(tt.err); got != tt.ambiguous {
				t.Errorf("IsAmbiguousCopyError(%v) = %v, want %v", tt.err, got, tt.ambiguous)
			}
			if got := isNotFoundCode(tt.err); got != tt.notFound {
				t.Errorf("isNotFoundCode(%v) = %v, want %v", tt.err, got, tt.notFound)
			}
		})
	}
}
