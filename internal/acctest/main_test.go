package acctest

import (
	"context"
	"errors"
	"fmt"
	"os"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/aws/ratelimit"
	"github.com/aws/aws-sdk-go-v2/aws/retry"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// TestMain runs this package's tests in the environment Run sets up: one
// moto for the whole package, behind the shared proxy.
func TestMain(m *testing.M) {
	os.Exit(Run(m))
}

// testClient returns an SDK client for endpoint that makes at most attempts
// tries with short back-offs, so fault tests stay fast.
func testClient(endpoint, region string, attempts int) *ec2.Client {
	return ec2.New(ec2.Options{
		Region:       region,
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
		Retryer: retry.NewStandard(func(o *retry.StandardOptions) {
			o.MaxAttempts = attempts
			o.Backoff = retry.NewExponentialJitterBackoff(20 * time.Millisecond)
			o.RateLimiter = ratelimit.None
		}),
	})
}

// fixture is a private proxy with a client in front of it, and a client of
// the shared proxy, both in the test Region.
type fixture struct {
	proxy  *Proxy
	client *ec2.Client
	shared *ec2.Client
}

// newFixture starts a private proxy for the test; its client makes at most
// attempts tries.
func newFixture(t *testing.T, attempts int) fixture {
	t.Helper()
	p := NewProxy(t)
	return fixture{
		proxy:  p,
		client: testClient(p.URL(), Region(), attempts),
		shared: testClient(SharedProxy().URL(), Region(), 3),
	}
}

// nameCounter makes image names unique across the package's tests.
var nameCounter atomic.Int64

// uniqueName returns an image name no other test uses.
func uniqueName() string {
	return fmt.Sprintf("acctest-%d-%d", time.Now().UnixNano()%1e6, nameCounter.Add(1))
}

// copyInput is a CopyImage request for the test source image.
func copyInput() *ec2.CopyImageInput {
	return &ec2.CopyImageInput{
		Name:          aws.String(uniqueName()),
		SourceImageId: aws.String(SourceImageID()),
		SourceRegion:  aws.String(SourceRegion()),
	}
}

// mustCopy copies the source image through client and returns the new ID.
func mustCopy(t *testing.T, client *ec2.Client, in *ec2.CopyImageInput) string {
	t.Helper()
	if in == nil {
		in = copyInput()
	}
	out, err := client.CopyImage(context.Background(), in)
	if err != nil {
		t.Fatalf("CopyImage: %v", err)
	}
	return aws.ToString(out.ImageId)
}

// mustDescribe returns the one image with the given ID.
func mustDescribe(t *testing.T, client *ec2.Client, id string) types.Image {
	t.Helper()
	out, err := client.DescribeImages(context.Background(), &ec2.DescribeImagesInput{ImageIds: []string{id}})
	if err != nil {
		t.Fatalf("DescribeImages %s: %v", id, err)
	}
	if len(out.Images) != 1 {
		t.Fatalf("DescribeImages %s: got %d images, want 1", id, len(out.Images))
	}
	return out.Images[0]
}

// describeByFilter lists the images with the given IDs through an image-id
// filter, as a batched poller asks.
func describeByFilter(t *testing.T, client *ec2.Client, ids ...string) []types.Image {
	t.Helper()
	out, err := client.DescribeImages(context.Background(), &ec2.DescribeImagesInput{
		Filters:           []types.Filter{{Name: aws.String("image-id"), Values: ids}},
		IncludeDeprecated: aws.Bool(true),
		IncludeDisabled:   aws.Bool(true),
	})
	if err != nil {
		t.Fatalf("DescribeImages by filter %v: %v", ids, err)
	}
	return out.Images
}

// apiErrorCode returns EC2's error code in err, or "".
func apiErrorCode(err error) string {
	var apiErr smithy.APIError
	if errors.As(err, &apiErr) {
		return apiErr.ErrorCode()
	}
	return ""
}

// httpStatus returns the HTTP status of the answer that produced err, or 0.
func httpStatus(err error) int {
	var respErr *smithyhttp.ResponseError
	if errors.As(err, &respErr) {
		return respErr.HTTPStatusCode()
	}
	return 0
}

// wantAPIError fails the test unless err carries the EC2 error code.
func wantAPIError(t *testing.T, err error, code string) {
	t.Helper()
	if err == nil {
		t.Fatalf("got no error, want %s", code)
	}
	if got := apiErrorCode(err); got != code {
		t.Fatalf("got error %v (code %q), want code %s", err, got, code)
	}
}
