package provider

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/kms"
	"github.com/hashicorp/terraform-plugin-framework/types"

	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// refusalEndpoint plays EC2, KMS and STS on one port: EC2 and KMS answer
// every call with the refusal under test; STS answers GetCallerIdentity,
// and DecodeAuthorizationMessage when decodeAllowed.
type refusalEndpoint struct {
	refusalAnswer

	mu    sync.Mutex
	calls []string
}

// refusalAnswer is what a refusalEndpoint answers.
type refusalAnswer struct {
	status        int
	contentType   string
	body          string
	decodeAllowed bool
}

func (e *refusalEndpoint) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	raw, _ := io.ReadAll(r.Body)
	form, _ := url.ParseQuery(string(raw))
	action := form.Get("Action")
	if target := r.Header.Get("X-Amz-Target"); target != "" {
		action = target
	}
	e.mu.Lock()
	e.calls = append(e.calls, action)
	e.mu.Unlock()
	switch action {
	case "GetCallerIdentity":
		w.Header().Set("Content-Type", "text/xml")
		fmt.Fprint(w, `<GetCallerIdentityResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><GetCallerIdentityResult>`+
			`<Arn>arn:aws:sts::111122223333:assumed-role/terraform-amicopy/ci</Arn><UserId>AROAEXAMPLE:ci</UserId><Account>111122223333</Account>`+
			`</GetCallerIdentityResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></GetCallerIdentityResponse>`)
	case "DecodeAuthorizationMessage":
		w.Header().Set("Content-Type", "text/xml")
		if !e.decodeAllowed {
			w.WriteHeader(http.StatusForbidden)
			fmt.Fprint(w, `<ErrorResponse><Error><Type>Sender</Type><Code>AccessDenied</Code><Message>not authorized to perform: sts:DecodeAuthorizationMessage</Message></Error><RequestId>1</RequestId></ErrorResponse>`)
			return
		}
		fmt.Fprintf(w, `<DecodeAuthorizationMessageResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><DecodeAuthorizationMessageResult>`+
			`<DecodedMessage>{"allowed":false,"context":{"action":"ec2:DeregisterImage","message":%q}}</DecodedMessage>`+
			`</DecodeAuthorizationMessageResult><ResponseMetadata><RequestId>1</RequestId></ResponseMetadata></DecodeAuthorizationMessageResponse>`, form.Get("EncodedMessage"))
	default:
		w.Header().Set("Content-Type", e.contentType)
		w.WriteHeader(e.status)
		fmt.Fprint(w, e.body)
	}
}

// ec2Refusal is an EC2 Query error document.
func ec2Refusal(code, message string) string {
	return `<?xml version="1.0" encoding="UTF-8"?><Response><Errors><Error><Code>` + code + `</Code><Message>` + message +
		`</Message></Error></Errors><RequestID>1</RequestID></Response>`
}

// TestRefusalDiagnostics sends one refused call of each kind through the
// provider's own clients and checks the one shape of describeAWSError:
// what was refused (the action and the AMI, snapshot or key), in which
// Region, to whom (STS GetCallerIdentity, asked once), the policy that
// grants it, and EC2's encoded message decoded, or how to decode it.
func TestRefusalDiagnostics(t *testing.T) {
	t.Parallel()
	const (
		caller  = "to arn:aws:sts::111122223333:assumed-role/terraform-amicopy/ci"
		imageID = "ami-0123456789abcdef0"
		keyID   = "arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab"
		encoded = "AbCdEf0123_-xyz"
	)
	tests := []struct {
		name   string
		answer refusalAnswer
		// call makes one call through the provider's clients.
		kms  bool
		want []string
		// absent must not be in the text.
		absent []string
	}{
		{
			name: "UnauthorizedOperation decoded",
			answer: refusalAnswer{status: http.StatusForbidden, contentType: "text/xml", decodeAllowed: true,
				body: ec2Refusal("UnauthorizedOperation", "You are not authorized to perform this operation. Encoded authorization failure message: "+encoded)},
			want: []string{
				"AWS refused ec2:DeregisterImage on " + imageID + " in eu-west-1 " + caller,
				"(UnauthorizedOperation: You are not authorized to perform this operation.)",
				"Next step: allow ec2:DeregisterImage for this identity; examples/iam/copy.json grants it",
				`Decoded authorization message: {"allowed":false,"context":{"action":"ec2:DeregisterImage","message":"` + encoded + `"}}`,
			},
			absent: []string{"aws sts decode-authorization-message"},
		},
		{
			name: "UnauthorizedOperation not decodable",
			answer: refusalAnswer{status: http.StatusForbidden, contentType: "text/xml",
				body: ec2Refusal("UnauthorizedOperation", "You are not authorized to perform this operation. Encoded authorization failure message: "+encoded)},
			want: []string{
				"AWS refused ec2:DeregisterImage on " + imageID + " in eu-west-1 " + caller,
				"could not decode EC2's authorization message (it needs sts:DecodeAuthorizationMessage; STS answered AccessDenied)",
				"aws sts decode-authorization-message --encoded-message " + encoded,
			},
			absent: []string{"Decoded authorization message"},
		},
		{
			name: "AccessDenied",
			answer: refusalAnswer{status: http.StatusForbidden, contentType: "text/xml",
				body: ec2Refusal("AccessDenied", "User: arn:aws:iam::111122223333:user/ci is not authorized to perform: ec2:DeregisterImage")},
			want: []string{
				"AWS refused ec2:DeregisterImage on " + imageID + " in eu-west-1 " + caller,
				"(AccessDenied: User: arn:aws:iam::111122223333:user/ci is not authorized to perform: ec2:DeregisterImage)",
				"examples/iam/copy.json grants it",
			},
			absent: []string{"decode"},
		},
		{
			name: "AuthFailure",
			answer: refusalAnswer{status: http.StatusUnauthorized, contentType: "text/xml",
				body: ec2Refusal("AuthFailure", "AWS was not able to validate the provided access credentials")},
			want: []string{
				"AWS did not accept the credentials of arn:aws:sts::111122223333:assumed-role/terraform-amicopy/ci for ec2:DeregisterImage on " + imageID + " in eu-west-1",
				"(AuthFailure: AWS was not able to validate the provided access credentials)",
				"Check the access key, secret and session token",
			},
			absent: []string{"examples/iam"},
		},
		{
			name: "KMS AccessDeniedException",
			kms:  true,
			answer: refusalAnswer{status: http.StatusBadRequest, contentType: "application/x-amz-json-1.1",
				body: `{"__type":"AccessDeniedException","message":"User: arn:aws:iam::111122223333:user/ci is not authorized to perform: kms:DescribeKey on resource: ` + keyID + `"}`},
			want: []string{
				"AWS refused kms:DescribeKey on " + keyID + " in eu-west-1 " + caller,
				"(AccessDeniedException: User: arn:aws:iam::111122223333:user/ci is not authorized to perform: kms:DescribeKey",
				"examples/iam/kms.json grants it",
				"the key policy must allow it too",
			},
		},
		{
			name:   "KMS 403 whose body is not JSON",
			kms:    true,
			answer: refusalAnswer{status: http.StatusForbidden, contentType: "text/html", body: "<html><body>Forbidden</body></html>"},
			want: []string{
				"AWS refused kms:DescribeKey on " + keyID + " in eu-west-1 " + caller,
				"(HTTP 403: the answer had no error code (its body is not an AWS error document))",
				"examples/iam/kms.json grants it",
			},
		},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			endpoint := &refusalEndpoint{refusalAnswer: tc.answer}
			server := httptest.NewServer(endpoint)
			t.Cleanup(server.Close)
			ctx := context.Background()
			data, diags := newProviderData(ctx, providerModel{
				AccessKey:  types.StringValue("AKIAIOSFODNN7EXAMPLE"),
				SecretKey:  types.StringValue("secret"),
				MaxRetries: types.Int64Value(0),
				Region:     types.StringValue("eu-west-1"),
				Endpoints: &endpointsModel{
					EC2: types.StringValue(server.URL),
					KMS: types.StringValue(server.URL),
					STS: types.StringValue(server.URL),
				},
			}, "test")
			if diags.HasError() {
				t.Fatalf("newProviderData: %v", diags)
			}
			var err error
			for range 2 { // The second refusal must not ask STS who the caller is again.
				if tc.kms {
					client, clientErr := data.kmsClient("eu-west-1")
					if clientErr != nil {
						t.Fatalf("kmsClient: %v", clientErr)
					}
					_, err = client.DescribeKey(ctx, &kms.DescribeKeyInput{KeyId: aws.String(keyID)})
				} else {
					client, diags := data.ec2Client(ctx, "eu-west-1")
					if diags.HasError() {
						t.Fatalf("ec2Client: %v", diags)
					}
					_, err = client.Deregister(ctx, imageID, nil, false)
				}
				if err == nil {
					t.Fatal("the call succeeded against an endpoint that refuses it")
				}
			}
			got := describeAWSError(err)
			for _, want := range tc.want {
				if !strings.Contains(got, want) {
					t.Errorf("the diagnostic lacks %q; it says:\n%s", want, got)
				}
			}
			for _, absent := range tc.absent {
				if strings.Contains(got, absent) {
					t.Errorf("the diagnostic says %q; it should not:\n%s", absent, got)
				}
			}
			endpoint.mu.Lock()
			defer endpoint.mu.Unlock()
			identities := 0
			for _, c := range endpoint.calls {
				if c == "GetCallerIdentity" {
					identities++
				}
			}
			if identities != 1 {
				t.Errorf("GetCallerIdentity asked %d times over two refusals; want once per provider (calls: %v)", identities, endpoint.calls)
			}
		})
	}
}

// TestDescribeAWSErrorPassesOtherErrors keeps describeAWSError's text for
// errors that are not refusals.
func TestDescribeAWSErrorPassesOtherErrors(t *testing.T) {
	t.Parallel()
	if got := describeRefusal(fmt.Errorf("api error InvalidAMIID.NotFound: gone")); got != "" {
		t.Errorf("describeRefusal explained a non-refusal: %s", got)
	}
}

// TestWaitDiagnosticKMSKey checks the message of a copy that failed
// because EBS could not use its KMS key: it names the key and the
// statements of examples/iam/kms.json to add, and only for such a failure.
func TestWaitDiagnosticKMSKey(t *testing.T) {
	t.Parallel()
	const key = "the KMS key arn:aws:kms:eu-west-1:444455556666:key/1234abcd-12ab-34cd-56ef-1234567890ab"
	kmsFailure := &ami.CopyFailedError{ImageID: "ami-0123456789abcdef0", State: "failed", Code: "Client.InternalError", Message: "Given key ID is not accessible"}
	got := waitDiagnostic("ami-0123456789abcdef0", "eu-west-1", "golden", key, time.Hour, kmsFailure, false).Detail()
	for _, want := range []string{
		"State reason: Client.InternalError: Given key ID is not accessible",
		"EBS could not use " + key + " in eu-west-1",
		"EBSUsesTheKeyForAmicopy, EBSGrantsItselfTheKeyForAmicopy and AmicopyDescribesTheKey of examples/iam/kms.json",
		"ec2.eu-west-1.amazonaws.com",
	} {
		if !strings.Contains(got, want) {
			t.Errorf("the diagnostic lacks %q:\n%s", want, got)
		}
	}
	other := &ami.CopyFailedError{ImageID: "ami-0123456789abcdef0", State: "failed", Code: "Client.InternalError", Message: "Snapshot copy failed"}
	if got := waitDiagnostic("ami-0123456789abcdef0", "eu-west-1", "golden", key, time.Hour, other, false).Detail(); strings.Contains(got, "kms.json") {
		t.Errorf("a failure that does not blame the key points at kms.json:\n%s", got)
	}
}
