package acctest

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

func TestTransportFaults(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		faults     Faults
		wantCode   string
		wantStatus int
		wantFault  string
	}{
		{"throttle", Faults{ThrottleRate: 1}, "RequestLimitExceeded", 503, FaultThrottle},
		{"throttle limited to this action", Faults{ThrottleRate: 1, ThrottleActions: []string{"DescribeImages"}}, "RequestLimitExceeded", 503, FaultThrottle},
		{"throttle limited to another action", Faults{ThrottleRate: 1, ThrottleActions: []string{"CopyImage"}}, "", 200, ""},
		{"server error", Faults{ServerErrorRate: 1}, "InternalError", 500, FaultServerError},
		{"server error limited to another action", Faults{ServerErrorRate: 1, ServerErrorActions: []string{"CopyImage"}}, "", 200, ""},
		{"drop", Faults{DropRate: 1}, "", 0, FaultDrop},
		{"drop limited to another action", Faults{DropRate: 1, DropActions: []string{"CopyImage"}}, "", 200, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, 1)
			f.proxy.SetFaults(tt.faults)
			_, err := f.client.DescribeImages(context.Background(), &ec2.DescribeImagesInput{ImageIds: []string{SourceImageID()}})
			switch {
			case tt.wantStatus == 200 && err != nil:
				t.Fatalf("DescribeImages: %v", err)
			case tt.wantStatus == 0 && err == nil:
				t.Fatalf("DescribeImages succeeded over a dropped connection")
			case tt.wantCode != "":
				wantAPIError(t, err, tt.wantCode)
				if got := httpStatus(err); got != tt.wantStatus {
					t.Errorf("HTTP status = %d, want %d", got, tt.wantStatus)
				}
			}
			calls := f.proxy.Calls()
			if len(calls) != 1 {
				t.Fatalf("recorded %d calls, want 1", len(calls))
			}
			c := calls[0]
			if c.Fault != tt.wantFault || c.Status != tt.wantStatus || c.ReachedMoto != (tt.wantFault == "") {
				t.Errorf("call = %+v, want fault %q status %d", c, tt.wantFault, tt.wantStatus)
			}

			f.proxy.Reset()
			if _, err := f.client.DescribeImages(context.Background(), &ec2.DescribeImagesInput{ImageIds: []string{SourceImageID()}}); err != nil {
				t.Errorf("after Reset: %v", err)
			}
		})
	}
}

// TestServerErrorsEchoSignature checks that a server error quotes the
// request's signature only when ServerErrorsEchoSignature asks for it.
func TestServerErrorsEchoSignature(t *testing.T) {
	t.Parallel()
	signed := regexp.MustCompile(`Request signed with AWS4-HMAC-SHA256 Credential=[^/]+/\d{8}/[^/]+/ec2/aws4_request, SignedHeaders=\S+, Signature=[0-9a-f]{64}`)
	for _, echo := range []bool{false, true} {
		t.Run(fmt.Sprint("echo=", echo), func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, 1)
			f.proxy.SetFaults(Faults{ServerErrorRate: 1, ServerErrorsEchoSignature: echo})
			_, err := f.client.DescribeImages(context.Background(), &ec2.DescribeImagesInput{ImageIds: []string{SourceImageID()}})
			wantAPIError(t, err, "InternalError")
			if got := signed.MatchString(err.Error()); got != echo {
				t.Errorf("the error quotes the signature: %t, want %t: %v", got, echo, err)
			}
		})
	}
}

func TestRetriesOutlastRandomFaults(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 20)
	f.proxy.SetFaults(Faults{Seed: 3, ThrottleRate: 0.3, ServerErrorRate: 0.2, DropRate: 0.2})
	for range 5 {
		mustDescribe(t, f.client, SourceImageID())
	}
	faulted := 0
	for _, c := range f.proxy.Calls() {
		if c.Fault != "" {
			faulted++
		}
	}
	if faulted == 0 {
		t.Errorf("no call was faulted at these rates")
	}
}

func TestSeedRepeatsFaults(t *testing.T) {
	t.Parallel()
	pattern := func(seed int64) []string {
		f := newFixture(t, 1)
		f.proxy.SetFaults(Faults{Seed: seed, ThrottleRate: 0.3, ServerErrorRate: 0.3})
		for range 12 {
			_, _ = f.client.DescribeRegions(context.Background(), &ec2.DescribeRegionsInput{})
		}
		var faults []string
		for _, c := range f.proxy.Calls() {
			faults = append(faults, c.Fault)
		}
		return faults
	}
	first, again, other := pattern(42), pattern(42), pattern(7)
	if !slices.Equal(first, again) {
		t.Errorf("seed 42 gave %v, then %v", first, again)
	}
	if slices.Equal(first, other) {
		t.Errorf("seeds 42 and 7 gave the same faults %v", first)
	}
}

func TestLatency(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	f.proxy.SetFaults(Faults{Latency: 300 * time.Millisecond})
	start := time.Now()
	mustDescribe(t, f.client, SourceImageID())
	if took := time.Since(start); took < 300*time.Millisecond {
		t.Errorf("call took %s, want at least the 300ms latency", took)
	}
}

func TestLoseCopyImageAnswers(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("the SDK's retry gets the image from the token cache", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, 3)
		f.proxy.SetFaults(Faults{LoseCopyImageAnswers: 1})
		id := mustCopy(t, f.client, nil)
		calls := f.proxy.Calls()
		if len(calls) != 2 {
			t.Fatalf("recorded %d calls, want 2: %+v", len(calls), calls)
		}
		lost, retry := calls[0], calls[1]
		if lost.Fault != FaultLostAnswer || lost.Status != 0 || !lost.ReachedMoto || !slices.Equal(lost.ImageIDs, []string{id}) {
			t.Errorf("lost call = %+v, want the lost answer for %s", lost, id)
		}
		if !retry.FromTokenCache || retry.ClientToken != lost.ClientToken || retry.ClientToken == "" {
			t.Errorf("retry = %+v, want the same token answered from the cache", retry)
		}
		if got := f.proxy.CountCopies(); got != 2 {
			t.Errorf("CountCopies = %d, want 2", got)
		}
	})

	t.Run("without retries the caller sees a failure but the image exists", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, 1)
		f.proxy.SetFaults(Faults{LoseCopyImageAnswers: 1})
		if _, err := f.client.CopyImage(ctx, copyInput()); err == nil {
			t.Fatal("CopyImage succeeded although its answer was lost")
		}
		ids := f.proxy.Calls()[0].ImageIDs
		if len(ids) != 1 {
			t.Fatalf("the lost call recorded images %v, want one", ids)
		}
		if img := mustDescribe(t, f.shared, ids[0]); img.State != types.ImageStateAvailable {
			t.Errorf("image %s state = %q, want available", ids[0], img.State)
		}
	})
}

func TestFailCopyImageAnswers(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	f.proxy.SetFaults(Faults{FailCopyImageAnswers: 1})
	in := copyInput()
	in.ClientToken = aws.String(uniqueName())

	_, err := f.client.CopyImage(context.Background(), in)
	wantAPIError(t, err, "InternalError")
	if got := httpStatus(err); got != 500 {
		t.Errorf("HTTP status %d, want 500", got)
	}
	failed := f.proxy.Calls()[0]
	if failed.Fault != FaultFailedAnswer || !failed.ReachedMoto || len(failed.ImageIDs) != 1 {
		t.Fatalf("failed call = %+v, want a copy made by moto and answered InternalError", failed)
	}
	if img := mustDescribe(t, f.shared, failed.ImageIDs[0]); img.State != types.ImageStateAvailable {
		t.Errorf("image %s state = %q, want available: EC2 made the copy despite the error", failed.ImageIDs[0], img.State)
	}

	// Once the failed answers are used up, a retry with the same token gets
	// the copy the failed call made.
	if id := mustCopy(t, f.client, in); id != failed.ImageIDs[0] {
		t.Errorf("the retry got %s, want %s from the token cache", id, failed.ImageIDs[0])
	}
	if retry := f.proxy.Calls()[1]; !retry.FromTokenCache || retry.Fault != "" {
		t.Errorf("retry = %+v, want an answer from the token cache", retry)
	}
}

func TestCopyLimitExceeded(t *testing.T) {
	t.Parallel()
	f := newFixture(t, 1)
	f.proxy.SetFaults(Faults{CopyLimitExceeded: 2})
	for i := range 2 {
		_, err := f.client.CopyImage(context.Background(), copyInput())
		wantAPIError(t, err, "ResourceLimitExceeded")
		if got := httpStatus(err); got != 400 {
			t.Errorf("refusal %d: HTTP status %d, want 400", i, got)
		}
	}
	mustCopy(t, f.client, nil)
	if got := f.proxy.CountCopies(); got != 1 {
		t.Errorf("CountCopies = %d, want 1 (refusals never reach EC2)", got)
	}
}

func TestPendingPollsAndFailedCopies(t *testing.T) {
	t.Parallel()
	reason := &StateReason{Code: "Client.InternalError", Message: "Copy failed: snapshot copy error"}
	tests := []struct {
		name   string
		faults Faults
		want   []types.ImageState
	}{
		{"pending then available", Faults{PendingPolls: 2}, []types.ImageState{"pending", "pending", "available", "available"}},
		{"pending then failed", Faults{PendingPolls: 1, FailCopies: reason}, []types.ImageState{"pending", "failed", "failed"}},
		{"failed at once", Faults{FailCopies: reason}, []types.ImageState{"failed"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, 1)
			f.proxy.SetFaults(tt.faults)
			id := mustCopy(t, f.client, nil)
			for i, want := range tt.want {
				// Alternate proxies: the per-image state is shared.
				client := f.client
				if i%2 == 1 {
					client = f.shared
				}
				img := mustDescribe(t, client, id)
				if img.State != want {
					t.Fatalf("poll %d: state %q, want %q", i, img.State, want)
				}
				if want == types.ImageStateFailed {
					if img.StateReason == nil || aws.ToString(img.StateReason.Code) != reason.Code || aws.ToString(img.StateReason.Message) != reason.Message {
						t.Errorf("poll %d: state reason %+v, want %+v", i, img.StateReason, reason)
					}
				}
			}
			if f.proxy.Calls()[1].Fault == "" && tt.want[0] != types.ImageStateAvailable {
				t.Errorf("the first poll recorded no fault")
			}
		})
	}

	t.Run("copies through other proxies are untouched", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, 1)
		f.proxy.SetFaults(Faults{PendingPolls: 5, FailCopies: reason})
		id := mustCopy(t, f.shared, nil)
		if img := mustDescribe(t, f.client, id); img.State != types.ImageStateAvailable {
			t.Errorf("state %q, want available", img.State)
		}
	})
}

func TestSettleCopy(t *testing.T) {
	t.Parallel()
	reason := &StateReason{Code: "Client.InternalError", Message: "Copy failed: snapshot copy error"}
	tests := []struct {
		name    string
		pending int
		failure *StateReason
		want    []types.ImageState
	}{
		{"a long copy finishes", 1, nil, []types.ImageState{"pending", "available", "available"}},
		{"a long copy fails", 1, reason, []types.ImageState{"pending", "failed", "failed"}},
		{"at once", 0, nil, []types.ImageState{"available"}},
	}
	t.Run("a hidden copy is listed", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, 1)
		f.proxy.SetFaults(Faults{NotFoundAfterCopy: 1000})
		id := mustCopy(t, f.client, nil)
		if got := describeByFilter(t, f.shared, id); len(got) != 0 {
			t.Fatalf("before SettleCopy: got %d images, want the copy hidden", len(got))
		}
		f.proxy.SettleCopy(id, 0, nil)
		if got := describeByFilter(t, f.shared, id); len(got) != 1 {
			t.Errorf("after SettleCopy: got %d images, want the copy listed", len(got))
		}
	})
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, 1)
			f.proxy.SetFaults(Faults{PendingPolls: 1000})
			id := mustCopy(t, f.client, nil)
			if img := mustDescribe(t, f.client, id); img.State != types.ImageStatePending {
				t.Fatalf("before SettleCopy: state %q, want pending", img.State)
			}
			// Settled through another proxy: the per-image state is shared.
			f.proxy.Reset()
			NewProxy(t).SettleCopy(id, tt.pending, tt.failure)
			for i, want := range tt.want {
				img := mustDescribe(t, f.shared, id)
				if img.State != want {
					t.Fatalf("poll %d: state %q, want %q", i, img.State, want)
				}
				if want == types.ImageStateFailed && (img.StateReason == nil || aws.ToString(img.StateReason.Code) != reason.Code) {
					t.Errorf("poll %d: state reason %+v, want %+v", i, img.StateReason, reason)
				}
			}
		})
	}
}

func TestUnauthorizedDryRun(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name       string
		faults     Faults
		wantCode   string
		wantStatus int
	}{
		{"permitted", Faults{}, "DryRunOperation", 412},
		{"refused", Faults{UnauthorizedDryRun: true}, "UnauthorizedOperation", 403},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			f := newFixture(t, 1)
			f.proxy.SetFaults(tt.faults)
			in := copyInput()
			in.DryRun = aws.Bool(true)
			_, err := f.client.CopyImage(context.Background(), in)
			wantAPIError(t, err, tt.wantCode)
			if got := httpStatus(err); got != tt.wantStatus {
				t.Errorf("HTTP status = %d, want %d", got, tt.wantStatus)
			}
			if tt.wantCode == "UnauthorizedOperation" && !strings.Contains(err.Error(), "Encoded authorization failure message: ") {
				t.Errorf("message %q lacks the encoded authorization failure", err)
			}
			if c := f.proxy.Calls()[0]; !c.DryRun {
				t.Errorf("call %+v not recorded as DryRun", c)
			}
			if got := f.proxy.CountCopies(); got != 0 {
				t.Errorf("CountCopies = %d, want 0 for dry runs", got)
			}
		})
	}
}

func TestNotFoundAfterCopy(t *testing.T) {
	t.Parallel()
	ctx := context.Background()

	t.Run("by ID", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, 1)
		f.proxy.SetFaults(Faults{NotFoundAfterCopy: 2})
		id := mustCopy(t, f.client, nil)
		for i, client := range []*ec2.Client{f.client, f.shared} {
			_, err := client.DescribeImages(ctx, &ec2.DescribeImagesInput{ImageIds: []string{id}})
			wantAPIError(t, err, "InvalidAMIID.NotFound")
			if !strings.Contains(err.Error(), id) {
				t.Errorf("call %d: message %q does not name %s", i, err, id)
			}
		}
		mustDescribe(t, f.client, id)
	})

	t.Run("by filter", func(t *testing.T) {
		t.Parallel()
		f := newFixture(t, 1)
		f.proxy.SetFaults(Faults{NotFoundAfterCopy: 2})
		id := mustCopy(t, f.client, nil)
		for i, client := range []*ec2.Client{f.shared, f.client} {
			if got := describeByFilter(t, client, id, SourceImageID()); len(got) != 1 || aws.ToString(got[0].ImageId) != SourceImageID() {
				t.Errorf("call %d: got %d images, want only the source image", i, len(got))
			}
		}
		if got := describeByFilter(t, f.client, id); len(got) != 1 {
			t.Errorf("after the hidden calls: got %d images, want 1", len(got))
		}
	})
}
