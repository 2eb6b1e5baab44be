package acctest

import (
	"context"
	"errors"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/sts"
	"github.com/aws/smithy-go"
)

// TestIAMEnforcingEC2 checks the IAM-enforcing local EC2: a user's allowed
// action passes through the proxy to moto (which checks the signature the
// client made for the proxy's Host), moto's refusal and the emulator's own
// come back as EC2's UnauthorizedOperation with an encoded message, only a
// user allowed sts:DecodeAuthorizationMessage can decode it, and the
// shared moto, which does not enforce IAM, is untouched.
func TestIAMEnforcingEC2(t *testing.T) {
	iam := IAMEnforcingEC2(t)
	reader := iam.NewUser(t, "harness-reader", []string{"ec2:DescribeImages"})
	decoder := iam.NewUser(t, "harness-decoder", []string{"ec2:DescribeImages", "sts:DecodeAuthorizationMessage"})
	ctx, cancel := context.WithTimeout(context.Background(), time.Minute)
	defer cancel()

	clients := func(u IAMUser) (*ec2.Client, *sts.Client) {
		creds := credentials.NewStaticCredentialsProvider(u.AccessKey, u.SecretKey, "")
		return ec2.New(ec2.Options{Region: Region(), BaseEndpoint: aws.String(iam.Proxy().URL()), Credentials: creds}),
			sts.New(sts.Options{Region: Region(), BaseEndpoint: aws.String(iam.Proxy().URL()), Credentials: creds})
	}
	readerEC2, readerSTS := clients(reader)
	if _, err := readerEC2.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{SourceImageID()}}); err != nil {
		t.Fatalf("an allowed DescribeImages failed: %v", err)
	}
	id, err := readerSTS.GetCallerIdentity(ctx, &sts.GetCallerIdentityInput{})
	if err != nil || aws.ToString(id.Arn) != reader.ARN {
		t.Fatalf("GetCallerIdentity = %v, %v; want %s", id, err, reader.ARN)
	}

	encoded := func(err error, action string) string {
		t.Helper()
		var apiErr smithy.APIError
		if !errors.As(err, &apiErr) || apiErr.ErrorCode() != "UnauthorizedOperation" {
			t.Fatalf("%s: got %v; want UnauthorizedOperation", action, err)
		}
		_, enc, ok := strings.Cut(apiErr.ErrorMessage(), "Encoded authorization failure message: ")
		if !ok || enc == "" {
			t.Fatalf("%s: the refusal has no encoded message: %q", action, apiErr.ErrorMessage())
		}
		return enc
	}
	// Relayed to moto, which refuses with AccessDenied.
	_, err = readerEC2.CopyImage(ctx, &ec2.CopyImageInput{Name: aws.String("x"), SourceImageId: aws.String(SourceImageID()), SourceRegion: aws.String(SourceRegion()), DryRun: aws.Bool(true)})
	relayed := encoded(err, "CopyImage")
	// Emulated by the proxy, which never reaches moto.
	_, err = readerEC2.EnableImageDeprecation(ctx, &ec2.EnableImageDeprecationInput{ImageId: aws.String(SourceImageID()), DeprecateAt: aws.Time(time.Now().Add(time.Hour))})
	encoded(err, "EnableImageDeprecation")

	if _, err := readerSTS.DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(relayed)}); err == nil ||
		!strings.Contains(err.Error(), "AccessDenied") {
		t.Errorf("a user without sts:DecodeAuthorizationMessage decoded a message: %v", err)
	}
	decoderEC2, decoderSTS := clients(decoder)
	_, err = decoderEC2.DeregisterImage(ctx, &ec2.DeregisterImageInput{ImageId: aws.String(SourceImageID())})
	own := encoded(err, "DeregisterImage")
	out, err := decoderSTS.DecodeAuthorizationMessage(ctx, &sts.DecodeAuthorizationMessageInput{EncodedMessage: aws.String(own)})
	if err != nil {
		t.Fatalf("DecodeAuthorizationMessage: %v", err)
	}
	for _, want := range []string{`"action":"ec2:DeregisterImage"`, `"arn":"` + decoder.ARN + `"`, "image/" + SourceImageID(), `"allowed":false`} {
		if !strings.Contains(aws.ToString(out.DecodedMessage), want) {
			t.Errorf("the decoded message lacks %s: %s", want, aws.ToString(out.DecodedMessage))
		}
	}

	// The shared moto still takes any key.
	if _, err := NewEC2Client(SharedProxy().URL(), Region()).DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{SourceImageID()}}); err != nil {
		t.Errorf("the shared moto refused a call after the private one enforced IAM: %v", err)
	}
}
