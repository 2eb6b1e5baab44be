package ami

import (
	"errors"
	"net/http"
	"strings"

	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// AccessDeniedError is a call that AWS refused: the identity may not call
// the action (EC2's UnauthorizedOperation, AccessDenied, KMS's
// AccessDeniedException, or a bare HTTP 403) or AWS did not accept its
// credentials (AuthFailure). It carries what a reader needs to fix it;
// the provider fills it in where the call failed and words it.
type AccessDeniedError struct {
	// Action is the IAM action refused, for example "ec2:CopyImage".
	Action string
	// AlsoNeeded are the other actions the call needs, any of which may
	// be the one refused: ec2:CreateTags for a CopyImage that tags the
	// copy (EC2 User Guide, "Grant permissions to copy Amazon EC2 AMIs").
	AlsoNeeded []string
	// Region is the Region the call was made in.
	Region string
	// Resources are the AMIs, snapshots and keys the request named.
	Resources []string
	// Code is AWS's error code, or "HTTP 403" for a 403 without one.
	Code string
	// Message is AWS's message without its encoded part.
	Message string
	// Encoded is the encoded authorization failure message EC2 appends to
	// an UnauthorizedOperation, or "".
	Encoded string
	// Caller is the ARN of the identity that made the call, or "" when STS
	// could not say.
	Caller string
	// Decoded is Encoded as STS DecodeAuthorizationMessage decoded it, or
	// "" when it was not decoded; DecodeErr says why not.
	Decoded   string
	DecodeErr error
	// Err is the SDK's error.
	Err error
}

func (e *AccessDeniedError) Error() string { return e.Err.Error() }

// Unwrap returns the SDK's error, so ErrorCode and errors.As see through.
func (e *AccessDeniedError) Unwrap() error { return e.Err }

// CredentialsRejected reports whether AWS refused the credentials
// themselves rather than the action.
func (e *AccessDeniedError) CredentialsRejected() bool {
	return credentialCodes[e.Code]
}

// permissionCodes are the codes of a refused action: EC2 API Reference,
// "Error codes": UnauthorizedOperation ("You are not authorized to perform
// this operation"); AccessDenied (STS, and EC2 for some callers);
// KMS API Reference: AccessDeniedException.
var permissionCodes = map[string]bool{
	"UnauthorizedOperation": true,
	"AccessDenied":          true,
	"AccessDeniedException": true,
}

// credentialCodes are the codes of refused credentials: EC2's AuthFailure
// ("The provided credentials could not be validated"), STS's
// InvalidClientTokenId, KMS's UnrecognizedClientException, and
// SignatureDoesNotMatch.
var credentialCodes = map[string]bool{
	"AuthFailure":                 true,
	"InvalidClientTokenId":        true,
	"UnrecognizedClientException": true,
	"SignatureDoesNotMatch":       true,
}

// encodedMessageMarker starts the encoded part of an
// UnauthorizedOperation's message (EC2 API Reference, "Error codes":
// "Encoded authorization failure message: ...").
const encodedMessageMarker = "Encoded authorization failure message:"

// AccessRefusal reports whether err is a refusal of the action or of the
// credentials, with its code and message split from the encoded part.
// A 403 whose body carries no code (a KMS endpoint or proxy answering
// HTML, say) counts as a refusal with code "HTTP 403".
func AccessRefusal(err error) (code, message, encoded string, ok bool) {
	if err == nil {
		return "", "", "", false
	}
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		code = apiErr.ErrorCode()
		message = apiErr.ErrorMessage()
	}
	if !permissionCodes[code] && !credentialCodes[code] {
		var respErr *smithyhttp.ResponseError
		if !errors.As(err, &respErr) || respErr.HTTPStatusCode() != http.StatusForbidden {
			return "", "", "", false
		}
		if code == "" || code == "UnknownError" || code == "UnknownOperationException" {
			code, message = "HTTP 403", "the answer had no error code (its body is not an AWS error document)"
		}
	}
	if i := strings.Index(message, encodedMessageMarker); i >= 0 {
		encoded = strings.TrimSpace(message[i+len(encodedMessageMarker):])
		message = strings.TrimSpace(message[:i])
	}
	return code, message, encoded, true
}
