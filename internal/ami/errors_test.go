package ami

import (
	"errors"
	"fmt"
	"testing"

	"github.com/aws/smithy-go"
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
