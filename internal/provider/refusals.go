package provider

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go/middleware"
	"github.com/hashicorp/terraform-plugin-framework/diag"

	"github.com/amicopy/terraform-provider-amicopy/internal/ami"
)

// refusalLookupTimeout bounds each STS question asked to explain a
// refusal; the explanation is a courtesy and must not hold up the error.
const refusalLookupTimeout = 10 * time.Second

// callerIdentity is what STS GetCallerIdentity said about the identity
// the provider runs as, asked at most once per provider (per Configure).
type callerIdentity struct {
	mu      sync.Mutex
	done    bool
	arn     string
	account string
	err     error
}

// callerIdentity returns the ARN and account of the identity the provider
// runs as. It asks STS on first need only (GetCallerIdentity needs no
// permission: AWS STS API Reference, GetCallerIdentity) and keeps the
// answer, a failure too: an STS that does not answer (a private subnet
// with no STS endpoint) must cost one timeout, not one per refusal.
func (d *providerData) callerIdentity(ctx context.Context, region string) (arn, account string, err error) {
	d.caller.mu.Lock()
	defer d.caller.mu.Unlock()
	if d.caller.done {
		return d.caller.arn, d.caller.account, d.caller.err
	}
	ctx, cancel := context.WithTimeout(ctx, refusalLookupTimeout)
	defer cancel()
	client, err := d.stsClient(region)
	var out *sts.GetCallerIdentityOutput
	if err == nil {
		out, err = client.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{},
			func(o *sts.Options) { o.RetryMaxAttempts = preflightKMSAttempts })
	}
	d.caller.done = true
	if err != nil {
		d.caller.err = err
		return "", "", err
	}
	d.caller.arn, d.caller.account = aws.ToString(out.Arn), aws.ToString(out.Account)
	return d.caller.arn, d.caller.account, nil
}

// decodeRefusal decodes EC2's encoded authorization failure message with
// STS DecodeAuthorizationMessage, which needs that permission.
func (d *providerData) decodeRefusal(ctx context.Context, region, encoded string) (string, error) {
	ctx, cancel := context.WithTimeout(ctx, refusalLookupTimeout)
	defer cancel()
	// One attempt: the decoded message is a courtesy, and the provider's
	// retryer (25 retries with backoff) would hold the error for the whole
	// timeout when STS fails or throttles.
	client, err := d.stsClient(region)
	if err != nil {
		return "", err
	}
	out, err := client.DecodeAuthorizationMessage(ctx,
		&sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(encoded)},
		func(o *sts.Options) { o.RetryMaxAttempts = 1 })
	if err != nil {
		return "", err
	}
	return aws.ToString(out.DecodedMessage), nil
}

// addRefusalExplanation makes every refused EC2 or KMS call return an
// *ami.AccessDeniedError that says which action was refused, on what, in
// which Region and to whom, and carries EC2's message decoded when STS
// allows it. describeAWSError words it.
func (d *providerData) addRefusalExplanation(stack *middleware.Stack) error {
	return stack.Initialize.Add(middleware.InitializeMiddlewareFunc("amicopyRefusals",
		func(ctx context.Context, in middleware.InitializeInput, next middleware.InitializeHandler) (middleware.InitializeOutput, middleware.Metadata, error) {
			out, md, err := next.HandleInitialize(ctx, in)
			code, message, encoded, ok := ami.AccessRefusal(err)
			if !ok {
				return out, md, err
			}
			region := awsmiddleware.GetRegion(ctx)
			refusal := &ami.AccessDeniedError{
				Action:     strings.ToLower(awsmiddleware.GetServiceID(ctx)) + ":" + awsmiddleware.GetOperationName(ctx),
				Region:     region,
				Resources:  requestResources(in.Parameters),
				AlsoNeeded: alsoNeeded(in.Parameters),
				Code:       code,
				Message:    message,
				Encoded:    encoded,
				Err:        err,
			}
			if arn, _, idErr := d.callerIdentity(ctx, region); idErr == nil {
				refusal.Caller = arn
			}
			if encoded != "" {
				refusal.Decoded, refusal.DecodeErr = d.decodeRefusal(ctx, region, encoded)
			}
			return out, md, refusal
		}), middleware.Before)
}

// alsoNeeded lists the actions besides its own that a request needs: a
// request that tags what it makes (TagSpecifications) needs
// ec2:CreateTags (EC2 User Guide, "Grant permissions to copy Amazon EC2
// AMIs": ec2:CreateTags "To tag the target AMI").
func alsoNeeded(input any) []string {
	v := reflect.ValueOf(input)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	if f := v.Elem().FieldByName("TagSpecifications"); f.IsValid() && f.Kind() == reflect.Slice && f.Len() > 0 {
		return []string{"ec2:CreateTags"}
	}
	return nil
}

// resourceFields are the request fields that name an AMI, a snapshot or a
// KMS key, in the order a diagnostic lists them.
var resourceFields = []string{"ImageId", "ImageIds", "SourceImageId", "SnapshotId", "SnapshotIds", "Resources", "KeyId", "KmsKeyId"}

// requestResources lists the AMIs, snapshots and keys an SDK input names.
func requestResources(input any) []string {
	v := reflect.ValueOf(input)
	if v.Kind() != reflect.Pointer || v.IsNil() || v.Elem().Kind() != reflect.Struct {
		return nil
	}
	v = v.Elem()
	var out []string
	for _, name := range resourceFields {
		f := v.FieldByName(name)
		switch {
		case !f.IsValid():
		case f.Kind() == reflect.Pointer && !f.IsNil() && f.Elem().Kind() == reflect.String:
			out = append(out, f.Elem().String())
		case f.Kind() == reflect.Slice && f.Type().Elem().Kind() == reflect.String:
			for i := range f.Len() {
				out = append(out, f.Index(i).String())
			}
		}
	}
	return out
}

// describeRefusal words a refused call in one shape: what was refused, to
// whom, the missing action, and the next step. It returns "" when err is
// not a refusal the provider explained.
func describeRefusal(err error) string {
	var refusal *ami.AccessDeniedError
	if !errors.As(err, &refusal) {
		return ""
	}
	var b strings.Builder
	who := "the identity Terraform runs as"
	if refusal.Caller != "" {
		who = refusal.Caller
	}
	on := ""
	if len(refusal.Resources) > 0 {
		on = " on " + strings.Join(refusal.Resources, ", ")
	}
	answer := refusal.Code
	if refusal.Message != "" {
		answer += ": " + refusal.Message
	}
	if refusal.CredentialsRejected() {
		fmt.Fprintf(&b, "AWS did not accept the credentials of %s for %s%s in %s (%s). "+
			"Check the access key, secret and session token the provider uses (an expired session, a deleted key, or a clock that is off), then run Terraform again.",
			who, refusal.Action, on, refusal.Region, redactSecrets(answer))
		return b.String()
	}
	fmt.Fprintf(&b, "AWS refused %s%s in %s to %s (%s). ", refusal.Action, on, refusal.Region, who, redactSecrets(answer))
	if len(refusal.AlsoNeeded) == 0 {
		fmt.Fprintf(&b, "Next step: allow %s for this identity; %s (see the provider documentation, IAM Permissions). ",
			refusal.Action, iamPolicyHint(refusal.Action))
	} else {
		b.WriteString("The call also needs " + strings.Join(refusal.AlsoNeeded, " and ") + ", and AWS refuses the call for either. Next step: allow ")
		for i, action := range append([]string{refusal.Action}, refusal.AlsoNeeded...) {
			if i > 0 {
				b.WriteString(" and ")
			}
			fmt.Fprintf(&b, "%s (%s)", action, iamPolicyHint(action))
		}
		b.WriteString(" for this identity (see the provider documentation, IAM Permissions). ")
	}
	b.WriteString("If a policy already allows it, look for an explicit Deny, a permissions boundary, a session policy or an SCP.")
	if strings.HasPrefix(refusal.Action, "kms:") {
		b.WriteString(" For a customer managed key, the key policy must allow it too (examples/iam/kms.json), as must the identity's own policy when the key is in another account.")
	}
	switch {
	case refusal.Encoded == "":
	case refusal.Decoded != "":
		b.WriteString("\n\nDecoded authorization message: " + refusal.Decoded)
	default:
		b.WriteString("\n\nThe provider could not decode EC2's authorization message (it needs sts:DecodeAuthorizationMessage")
		if refusal.DecodeErr != nil {
			if code := ami.ErrorCode(refusal.DecodeErr); code != "" {
				b.WriteString("; STS answered " + code)
			}
		}
		b.WriteString("). To see which policy refused the call, run:\n  aws sts decode-authorization-message --encoded-message " + refusal.Encoded)
	}
	return b.String()
}

// addCheckFailure reports a plan-time check that got no verdict. When AWS
// did not answer, the check is a courtesy and the plan goes on with a
// warning. When AWS refused the call, the identity lacks a permission that
// the policies under examples/iam/ grant because the copy's life needs it:
// the plan fails there, before anything is copied, rather than at apply.
func addCheckFailure(diags *diag.Diagnostics, err error, summary, detail string) {
	if _, _, _, refused := ami.AccessRefusal(err); refused {
		diags.AddError(summary, detail+"\n\nSet skip_preflight = true in the provider block to plan without the plan-time checks.")
		return
	}
	diags.AddWarning(summary, detail)
}
