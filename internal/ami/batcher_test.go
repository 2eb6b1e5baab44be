package ami

import (
	"context"
	"errors"
	"fmt"
	"runtime"
	"slices"
	"strconv"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/credentials"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"

	"github.com/amicopy/terraform-provider-amicopy/internal/acctest"
)

// testBatchWindow is long enough that every goroutine a test starts at once
// joins the first batch, even under -race on a busy machine.
const testBatchWindow = 200 * time.Millisecond

// describeImagesFake is a DescribeImagesAPI that answers from a map and
// records every call.
type describeImagesFake struct {
	mu sync.Mutex
	// images is what EC2 holds, by ID.
	images map[string]types.Image
	// pageSize, when set, answers at most this many images per page.
	pageSize int
	// delay is how long each call takes.
	delay time.Duration
	// gate, when set, holds every call until it is closed or the call's
	// context ends.
	gate chan struct{}
	// errs are returned by successive calls; a nil entry answers normally.
	errs []error
	// failIDs fails any call asking for one of these IDs with that error.
	failIDs map[string]error
	// started receives one value as each call begins, when set.
	started chan struct{}

	inputs   []*ec2.DescribeImagesInput
	answered [][]string // the IDs each call returned
	ctxErrs  []error    // each call's ctx.Err() as it returned
	values   []any      // each call's ctx.Value(batcherContextKey{})
}

// batcherContextKey marks a value that a caller's context must carry into the
// shared call.
type batcherContextKey struct{}

// newDescribeImagesFake returns a fake holding these images.
func newDescribeImagesFake(images ...types.Image) *describeImagesFake {
	f := &describeImagesFake{images: make(map[string]types.Image)}
	for _, image := range images {
		f.images[aws.ToString(image.ImageId)] = image
	}
	return f
}

func (f *describeImagesFake) DescribeImages(ctx context.Context, in *ec2.DescribeImagesInput, _ ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error) {
	f.mu.Lock()
	f.inputs = append(f.inputs, in)
	call := len(f.inputs) - 1
	var queued error
	if len(f.errs) > 0 {
		queued, f.errs = f.errs[0], f.errs[1:]
	}
	f.mu.Unlock()
	if f.started != nil {
		f.started <- struct{}{}
	}

	out, answered, err := f.answer(ctx, in, queued)

	f.mu.Lock()
	defer f.mu.Unlock()
	for len(f.answered) <= call {
		f.answered = append(f.answered, nil)
		f.ctxErrs = append(f.ctxErrs, nil)
		f.values = append(f.values, nil)
	}
	f.answered[call] = answered
	f.ctxErrs[call] = ctx.Err()
	f.values[call] = ctx.Value(batcherContextKey{})
	return out, err
}

// answer does the work of one call, checking the request the way EC2 would
// and the way the batcher promises to build it.
func (f *describeImagesFake) answer(ctx context.Context, in *ec2.DescribeImagesInput, queued error) (*ec2.DescribeImagesOutput, []string, error) {
	if f.delay > 0 {
		select {
		case <-time.After(f.delay):
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}
	if f.gate != nil {
		select {
		case <-f.gate:
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		}
	}

	switch {
	case len(in.ImageIds) > 0, len(in.Owners) > 0, len(in.ExecutableUsers) > 0:
		return nil, nil, errors.New("fake: request must use only the image-id filter")
	case len(in.Filters) != 1 || aws.ToString(in.Filters[0].Name) != "image-id":
		return nil, nil, fmt.Errorf("fake: want one image-id filter, got %+v", in.Filters)
	case !aws.ToBool(in.IncludeDeprecated) || !aws.ToBool(in.IncludeDisabled):
		return nil, nil, errors.New("fake: IncludeDeprecated and IncludeDisabled must be true")
	case len(in.Filters[0].Values) > maxImageIDsPerDescribe:
		return nil, nil, &smithy.GenericAPIError{Code: "FilterLimitExceeded", Message: "The maximum number of filter values specified on a single call is 200"}
	}
	if queued != nil {
		return nil, nil, queued
	}
	ids := in.Filters[0].Values
	for _, id := range ids {
		if err := f.failIDs[id]; err != nil {
			return nil, nil, err
		}
	}

	var listed []types.Image
	for _, id := range ids {
		if image, ok := f.images[id]; ok {
			listed = append(listed, image)
		}
	}
	start := 0
	if in.NextToken != nil {
		n, err := strconv.Atoi(aws.ToString(in.NextToken))
		if err != nil {
			return nil, nil, fmt.Errorf("fake: bad NextToken %q", aws.ToString(in.NextToken))
		}
		start = n
	}
	end := len(listed)
	out := &ec2.DescribeImagesOutput{}
	if f.pageSize > 0 && start+f.pageSize < end {
		end = start + f.pageSize
		out.NextToken = aws.String(strconv.Itoa(end))
	}
	out.Images = listed[start:end]
	var answered []string
	for _, image := range out.Images {
		answered = append(answered, aws.ToString(image.ImageId))
	}
	return out, answered, nil
}

// calls returns the inputs recorded so far.
func (f *describeImagesFake) calls() []*ec2.DescribeImagesInput {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.inputs)
}

// describeImagesFunc turns a function into a DescribeImagesAPI.
type describeImagesFunc func(ctx context.Context, in *ec2.DescribeImagesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error)

func (f describeImagesFunc) DescribeImages(ctx context.Context, in *ec2.DescribeImagesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error) {
	return f(ctx, in, optFns...)
}

// imageInState returns a minimal image with this ID and state.
func imageInState(id string, state types.ImageState) types.Image {
	return types.Image{ImageId: aws.String(id), State: state, Name: aws.String("name-" + id)}
}

// sequentialImageIDs returns n distinct, well-formed image IDs.
func sequentialImageIDs(n int) []string {
	ids := make([]string, n)
	for i := range ids {
		ids[i] = fmt.Sprintf("ami-%017x", i+1)
	}
	return ids
}

// availableImagesFor returns an available image for each ID.
func availableImagesFor(ids []string) []types.Image {
	images := make([]types.Image, len(ids))
	for i, id := range ids {
		images[i] = imageInState(id, types.ImageStateAvailable)
	}
	return images
}

// lookupResult is one Image call's outcome in a test.
type lookupResult struct {
	id    string
	image types.Image
	err   error
}

// lookupConcurrently calls Image once per ID, all at the same time, and returns the
// results in the order of ids.
func lookupConcurrently(ctx context.Context, b *Batcher, ids []string) []lookupResult {
	results := make([]lookupResult, len(ids))
	var wg sync.WaitGroup
	start := make(chan struct{})
	for i, id := range ids {
		wg.Go(func() {
			<-start
			image, err := b.Image(ctx, id)
			results[i] = lookupResult{id: id, image: image, err: err}
		})
	}
	close(start)
	wg.Wait()
	return results
}

// pollUntil polls cond until it holds, failing the test after a while.
func pollUntil(t *testing.T, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out waiting for %s", what)
		}
		time.Sleep(time.Millisecond)
	}
}

// waitBatcherIdle waits until b has nothing gathering and nothing in flight.
func waitBatcherIdle(t *testing.T, b *Batcher) {
	t.Helper()
	pollUntil(t, "the batcher to go idle", func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.gathering == nil && !b.inFlight
	})
}

// gatheringIDs returns how many distinct IDs wait for the next flight.
func gatheringIDs(b *Batcher) int {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.gathering == nil {
		return 0
	}
	return len(b.gathering.ids)
}

func TestNewBatcher_options(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		opts        BatcherOptions
		wantWindow  time.Duration
		wantMaxIDs  int
		wantTimeout time.Duration
	}{
		{"zero value selects defaults", BatcherOptions{}, defaultBatchWindow, maxImageIDsPerDescribe, defaultBatchCallTimeout},
		{"explicit values are kept", BatcherOptions{Window: time.Second, MaxIDs: 50, CallTimeout: time.Minute}, time.Second, 50, time.Minute},
		{"negative window sends at once", BatcherOptions{Window: -1}, 0, maxImageIDsPerDescribe, defaultBatchCallTimeout},
		{"MaxIDs above EC2's limit is clamped", BatcherOptions{MaxIDs: 1000}, defaultBatchWindow, maxImageIDsPerDescribe, defaultBatchCallTimeout},
		{"negative MaxIDs selects the default", BatcherOptions{MaxIDs: -3}, defaultBatchWindow, maxImageIDsPerDescribe, defaultBatchCallTimeout},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			b := NewBatcher(newDescribeImagesFake(), tt.opts)
			if b.window != tt.wantWindow || b.maxIDs != tt.wantMaxIDs || b.callTimeout != tt.wantTimeout {
				t.Errorf("got window %v, MaxIDs %d, call timeout %v; want %v, %d, %v",
					b.window, b.maxIDs, b.callTimeout, tt.wantWindow, tt.wantMaxIDs, tt.wantTimeout)
			}
		})
	}
}

func TestBatcherImage_batches(t *testing.T) {
	t.Parallel()
	fifty := sequentialImageIDs(50)
	many := sequentialImageIDs(450)
	tests := []struct {
		name     string
		images   []types.Image
		lookups  []string
		maxIDs   int
		pageSize int
		// wantCalls counts DescribeImages requests, pages included.
		wantCalls int
		// wantRequested counts image IDs sent, once per split call.
		wantRequested int
		// wantNotFound maps an ID to the Reason its callers must get.
		wantNotFound map[string]string
	}{
		{
			name:          "50 concurrent lookups share one call",
			images:        availableImagesFor(fifty),
			lookups:       fifty,
			wantCalls:     1,
			wantRequested: 50,
		},
		{
			name:          "duplicate IDs are asked once and answered to every caller",
			images:        availableImagesFor([]string{"ami-a", "ami-b"}),
			lookups:       []string{"ami-a", "ami-a", "ami-b", "ami-a", "ami-b"},
			wantCalls:     1,
			wantRequested: 2,
		},
		{
			name:          "a missing ID is not found for its callers only",
			images:        availableImagesFor([]string{"ami-a", "ami-b"}),
			lookups:       []string{"ami-a", "ami-missing", "ami-b", "ami-missing"},
			wantCalls:     1,
			wantRequested: 3,
			wantNotFound:  map[string]string{"ami-missing": batchReasonNotListed},
		},
		{
			name: "a deregistered image is not found",
			images: []types.Image{
				imageInState("ami-a", types.ImageStateAvailable),
				imageInState("ami-gone", types.ImageStateDeregistered),
				imageInState("ami-pending", types.ImageStatePending),
				imageInState("ami-disabled", types.ImageStateDisabled),
			},
			lookups:       []string{"ami-a", "ami-gone", "ami-pending", "ami-disabled"},
			wantCalls:     1,
			wantRequested: 4,
			wantNotFound:  map[string]string{"ami-gone": batchReasonDeregistered},
		},
		{
			name:          "a batch above MaxIDs is split",
			images:        availableImagesFor(fifty),
			lookups:       fifty[:25],
			maxIDs:        10,
			wantCalls:     3,
			wantRequested: 25,
		},
		{
			name:          "the default MaxIDs is EC2's limit of 200",
			images:        availableImagesFor(many),
			lookups:       many,
			wantCalls:     3,
			wantRequested: 450,
		},
		{
			name:          "MaxIDs above EC2's limit is clamped",
			images:        availableImagesFor(many),
			lookups:       many[:250],
			maxIDs:        1000,
			wantCalls:     2,
			wantRequested: 250,
		},
		{
			name:          "NextToken is followed",
			images:        availableImagesFor(fifty),
			lookups:       append(slices.Clone(fifty[:10]), "ami-missing"),
			pageSize:      3,
			wantCalls:     4,
			wantRequested: 11,
			wantNotFound:  map[string]string{"ami-missing": batchReasonNotListed},
		},
		{
			name:          "split calls are paginated on their own",
			images:        availableImagesFor(fifty),
			lookups:       fifty[:8],
			maxIDs:        4,
			pageSize:      3,
			wantCalls:     4,
			wantRequested: 8,
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := newDescribeImagesFake(tt.images...)
			fake.pageSize = tt.pageSize
			b := NewBatcher(fake, BatcherOptions{Window: testBatchWindow, MaxIDs: tt.maxIDs})

			results := lookupConcurrently(t.Context(), b, tt.lookups)

			for _, r := range results {
				if reason, ok := tt.wantNotFound[r.id]; ok {
					var nf *NotFoundError
					if !errors.As(r.err, &nf) || nf.ID != r.id || nf.Reason != reason {
						t.Errorf("Image(%s): got %v, want NotFoundError{%s, %q}", r.id, r.err, r.id, reason)
					}
					continue
				}
				if r.err != nil {
					t.Errorf("Image(%s): unexpected error %v", r.id, r.err)
					continue
				}
				if got := aws.ToString(r.image.ImageId); got != r.id {
					t.Errorf("Image(%s) returned image %s", r.id, got)
				}
			}
			for i, in := range fake.calls() {
				if n := len(in.Filters[0].Values); n > b.maxIDs {
					t.Errorf("call %d sent %d IDs, above MaxIDs %d", i, n, b.maxIDs)
				}
				if in.MaxResults != nil {
					t.Errorf("call %d set MaxResults; the batcher must not need it", i)
				}
			}
			stats := b.Stats()
			want := BatcherStats{Lookups: int64(len(tt.lookups)), Calls: int64(tt.wantCalls), ImagesRequested: int64(tt.wantRequested)}
			if stats != want {
				t.Errorf("Stats() = %+v, want %+v", stats, want)
			}
			waitBatcherIdle(t, b)
		})
	}
}

func TestBatcherImage_invalidLookups(t *testing.T) {
	t.Parallel()
	cancelled, cancel := context.WithCancel(t.Context())
	cancel()
	tests := []struct {
		name    string
		ctx     context.Context
		imageID string
		wantErr error
	}{
		{"empty ID", t.Context(), "", nil},
		{"context already cancelled", cancelled, "ami-a", context.Canceled},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := newDescribeImagesFake(imageInState("ami-a", types.ImageStateAvailable))
			b := NewBatcher(fake, BatcherOptions{Window: time.Millisecond})
			_, err := b.Image(tt.ctx, tt.imageID)
			if err == nil || (tt.wantErr != nil && !errors.Is(err, tt.wantErr)) {
				t.Fatalf("Image: got %v, want error %v", err, tt.wantErr)
			}
			if IsNotFound(err) {
				t.Errorf("Image: %v must not count as not found", err)
			}
			if calls := len(fake.calls()); calls != 0 {
				t.Errorf("made %d calls, want none", calls)
			}
		})
	}
}

func TestBatcherImage_errorFailsOnlyItsBatch(t *testing.T) {
	t.Parallel()
	throttled := &smithy.GenericAPIError{Code: "RequestLimitExceeded", Message: "Request limit exceeded."}
	ids := sequentialImageIDs(3)
	fake := newDescribeImagesFake(availableImagesFor(ids)...)
	fake.errs = []error{throttled}
	b := NewBatcher(fake, BatcherOptions{Window: 20 * time.Millisecond})

	for _, r := range lookupConcurrently(t.Context(), b, ids) {
		if !errors.Is(r.err, throttled) || ErrorCode(r.err) != "RequestLimitExceeded" || IsNotFound(r.err) {
			t.Errorf("first batch, Image(%s): got %v, want the call's error", r.id, r.err)
		}
	}
	for _, r := range lookupConcurrently(t.Context(), b, ids) {
		if r.err != nil || aws.ToString(r.image.ImageId) != r.id {
			t.Errorf("second batch, Image(%s): got %v, %v; want the image", r.id, aws.ToString(r.image.ImageId), r.err)
		}
	}
	if got := len(fake.calls()); got != 2 {
		t.Errorf("made %d calls, want 2", got)
	}
}

func TestBatcherImage_errorFailsOnlyItsSplitCall(t *testing.T) {
	t.Parallel()
	throttled := &smithy.GenericAPIError{Code: "RequestLimitExceeded", Message: "Request limit exceeded."}
	ids := sequentialImageIDs(6)
	fake := newDescribeImagesFake(availableImagesFor(ids)...)
	fake.failIDs = map[string]error{ids[0]: throttled}
	b := NewBatcher(fake, BatcherOptions{Window: testBatchWindow, MaxIDs: 3})

	results := lookupConcurrently(t.Context(), b, ids)

	// The split follows arrival order, so find which call carried ids[0].
	var failedCall []string
	for _, in := range fake.calls() {
		if slices.Contains(in.Filters[0].Values, ids[0]) {
			failedCall = in.Filters[0].Values
		}
	}
	if len(failedCall) != 3 {
		t.Fatalf("the failing call asked for %v, want 3 IDs", failedCall)
	}
	for _, r := range results {
		if slices.Contains(failedCall, r.id) {
			if !errors.Is(r.err, throttled) {
				t.Errorf("Image(%s): got %v, want the failed call's error", r.id, r.err)
			}
		} else if r.err != nil {
			t.Errorf("Image(%s): got %v, want the image", r.id, r.err)
		}
	}
}

func TestBatcherImage_laterPageFails(t *testing.T) {
	t.Parallel()
	throttled := &smithy.GenericAPIError{Code: "RequestLimitExceeded", Message: "Request limit exceeded."}
	ids := sequentialImageIDs(5)
	fake := newDescribeImagesFake(availableImagesFor(ids)...)
	fake.pageSize = 2
	fake.errs = []error{nil, throttled}
	b := NewBatcher(fake, BatcherOptions{Window: testBatchWindow})

	results := lookupConcurrently(t.Context(), b, ids)

	fake.mu.Lock()
	firstPage := fake.answered[0]
	fake.mu.Unlock()
	if len(firstPage) != 2 {
		t.Fatalf("first page listed %v, want 2 images", firstPage)
	}
	for _, r := range results {
		switch {
		case slices.Contains(firstPage, r.id):
			if r.err != nil || aws.ToString(r.image.ImageId) != r.id {
				t.Errorf("Image(%s) was on the first page: got %v, want the image", r.id, r.err)
			}
		case !errors.Is(r.err, throttled):
			t.Errorf("Image(%s) after the failed page: got %v, want the call's error", r.id, r.err)
		}
	}
}

func TestBatcherImage_repeatedNextToken(t *testing.T) {
	t.Parallel()
	calls := 0
	api := describeImagesFunc(func(context.Context, *ec2.DescribeImagesInput, ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error) {
		calls++
		return &ec2.DescribeImagesOutput{NextToken: aws.String("again")}, nil
	})
	b := NewBatcher(api, BatcherOptions{Window: -1})

	_, err := b.Image(t.Context(), "ami-a")
	if err == nil || IsNotFound(err) {
		t.Fatalf("Image: got %v, want an error about the repeated token", err)
	}
	if calls != 2 {
		t.Errorf("made %d calls, want 2", calls)
	}
}

func TestBatcherImage_cancelledWaiterLeavesAlone(t *testing.T) {
	t.Parallel()
	fake := newDescribeImagesFake(availableImagesFor([]string{"ami-a", "ami-b", "ami-c"})...)
	fake.gate = make(chan struct{})
	fake.started = make(chan struct{}, 10)
	b := NewBatcher(fake, BatcherOptions{Window: 50 * time.Millisecond})

	// The first caller's context seeds the shared call; cancelling it must
	// not cancel the call, but its values must reach it.
	firstCtx, cancelFirst := context.WithCancel(context.WithValue(t.Context(), batcherContextKey{}, "first"))
	defer cancelFirst()
	firstDone := make(chan error, 1)
	go func() {
		_, err := b.Image(firstCtx, "ami-a")
		firstDone <- err
	}()
	pollUntil(t, "the first lookup to gather", func() bool { return gatheringIDs(b) == 1 })
	others := make(chan lookupResult, 2)
	for _, id := range []string{"ami-b", "ami-c"} {
		go func() {
			image, err := b.Image(t.Context(), id)
			others <- lookupResult{id: id, image: image, err: err}
		}()
	}
	pollUntil(t, "all lookups to gather", func() bool { return gatheringIDs(b) == 3 })
	<-fake.started

	cancelled := time.Now()
	cancelFirst()
	select {
	case err := <-firstDone:
		if !errors.Is(err, context.Canceled) {
			t.Errorf("cancelled lookup: got %v, want context.Canceled", err)
		}
		if waited := time.Since(cancelled); waited > time.Second {
			t.Errorf("cancelled lookup took %v to return", waited)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("cancelled lookup did not return while the call was held")
	}
	select {
	case r := <-others:
		t.Fatalf("Image(%s) returned before the call was answered: %v", r.id, r.err)
	default:
	}

	close(fake.gate)
	for range 2 {
		r := <-others
		if r.err != nil || aws.ToString(r.image.ImageId) != r.id {
			t.Errorf("Image(%s): got %s, %v; want its image", r.id, aws.ToString(r.image.ImageId), r.err)
		}
	}
	waitBatcherIdle(t, b)
	fake.mu.Lock()
	defer fake.mu.Unlock()
	if len(fake.inputs) != 1 {
		t.Fatalf("made %d calls, want 1", len(fake.inputs))
	}
	if fake.ctxErrs[0] != nil {
		t.Errorf("shared call's context ended with %v; one caller leaving must not cancel it", fake.ctxErrs[0])
	}
	if fake.values[0] != "first" {
		t.Errorf("shared call's context carried %v, want the first caller's values", fake.values[0])
	}
}

func TestBatcherImage_cancelledWhileGatheringIsNotAsked(t *testing.T) {
	t.Parallel()
	fake := newDescribeImagesFake(availableImagesFor([]string{"ami-a", "ami-b"})...)
	b := NewBatcher(fake, BatcherOptions{Window: testBatchWindow})

	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, err := b.Image(ctx, "ami-a")
		done <- err
	}()
	pollUntil(t, "the lookup to gather", func() bool { return gatheringIDs(b) == 1 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled lookup: got %v, want context.Canceled", err)
	}

	image, err := b.Image(t.Context(), "ami-b")
	if err != nil || aws.ToString(image.ImageId) != "ami-b" {
		t.Fatalf("Image(ami-b): got %v, %v", aws.ToString(image.ImageId), err)
	}
	calls := fake.calls()
	if len(calls) != 1 || !slices.Equal(calls[0].Filters[0].Values, []string{"ami-b"}) {
		t.Errorf("calls asked for %v, want one call for ami-b only", calls)
	}
}

func TestBatcherImage_allCallersGoneCancelsCall(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		lookups []string
		maxIDs  int
	}{
		{"one call", []string{"ami-a", "ami-b", "ami-a"}, 0},
		{"split calls", []string{"ami-a", "ami-b", "ami-c"}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			fake := newDescribeImagesFake(availableImagesFor([]string{"ami-a", "ami-b", "ami-c"})...)
			fake.gate = make(chan struct{}) // never opened
			fake.started = make(chan struct{}, 10)
			b := NewBatcher(fake, BatcherOptions{Window: 20 * time.Millisecond, MaxIDs: tt.maxIDs})

			ctx, cancel := context.WithCancel(t.Context())
			var wg sync.WaitGroup
			for _, id := range tt.lookups {
				wg.Go(func() {
					if _, err := b.Image(ctx, id); !errors.Is(err, context.Canceled) {
						t.Errorf("Image(%s): got %v, want context.Canceled", id, err)
					}
				})
			}
			<-fake.started
			cancel()
			wg.Wait()

			waitBatcherIdle(t, b)
			fake.mu.Lock()
			defer fake.mu.Unlock()
			for i, err := range fake.ctxErrs {
				if !errors.Is(err, context.Canceled) {
					t.Errorf("call %d ended with context error %v, want context.Canceled once every caller left", i, err)
				}
			}
		})
	}
}

func TestBatcherImage_gathersWhileInFlight(t *testing.T) {
	t.Parallel()
	ids := sequentialImageIDs(31)
	fake := newDescribeImagesFake(availableImagesFor(ids)...)
	fake.gate = make(chan struct{})
	fake.started = make(chan struct{}, 10)
	b := NewBatcher(fake, BatcherOptions{Window: 10 * time.Millisecond})

	first := make(chan error, 1)
	go func() {
		_, err := b.Image(t.Context(), ids[0])
		first <- err
	}()
	<-fake.started

	rest := make(chan []lookupResult, 1)
	go func() { rest <- lookupConcurrently(t.Context(), b, ids[1:]) }()
	pollUntil(t, "the next batch to gather and pass its window", func() bool {
		b.mu.Lock()
		defer b.mu.Unlock()
		return b.gathering != nil && len(b.gathering.ids) == 30 && b.gathering.windowOver
	})
	if got := len(fake.calls()); got != 1 {
		t.Fatalf("made %d calls while one was in flight, want 1", got)
	}

	close(fake.gate)
	if err := <-first; err != nil {
		t.Errorf("first lookup: %v", err)
	}
	for _, r := range <-rest {
		if r.err != nil || aws.ToString(r.image.ImageId) != r.id {
			t.Errorf("Image(%s): got %s, %v", r.id, aws.ToString(r.image.ImageId), r.err)
		}
	}
	calls := fake.calls()
	if len(calls) != 2 || len(calls[1].Filters[0].Values) != 30 {
		t.Errorf("got %d calls, want 2 with the second asking for all 30 gathered IDs", len(calls))
	}
	waitBatcherIdle(t, b)
}

func TestBatcherImage_callTimeout(t *testing.T) {
	t.Parallel()
	fake := newDescribeImagesFake(imageInState("ami-a", types.ImageStateAvailable))
	fake.gate = make(chan struct{}) // never opened
	b := NewBatcher(fake, BatcherOptions{Window: -1, CallTimeout: 50 * time.Millisecond})

	_, err := b.Image(t.Context(), "ami-a")
	if !errors.Is(err, context.DeadlineExceeded) || IsNotFound(err) {
		t.Fatalf("Image: got %v, want the call to time out", err)
	}
	waitBatcherIdle(t, b)
}

// TestBatcherImage_noGoroutineLeak runs the success, error and cancellation
// paths and checks that every goroutine the batcher started has ended.
// It is not parallel, so other tests' goroutines do not disturb the count.
func TestBatcherImage_noGoroutineLeak(t *testing.T) {
	before := runtime.NumGoroutine()

	ids := sequentialImageIDs(20)
	fake := newDescribeImagesFake(availableImagesFor(ids)...)
	fake.delay = 5 * time.Millisecond
	fake.errs = []error{nil, errors.New("boom")}
	b := NewBatcher(fake, BatcherOptions{Window: 5 * time.Millisecond, MaxIDs: 7})
	for range 3 {
		lookupConcurrently(t.Context(), b, ids)
	}
	ctx, cancel := context.WithTimeout(t.Context(), 2*time.Millisecond)
	lookupConcurrently(ctx, b, ids)
	cancel()

	waitBatcherIdle(t, b)
	pollUntil(t, "goroutines to end", func() bool { return runtime.NumGoroutine() <= before })
}

// TestBatcherImage_moto asks a real EC2 API (moto on loopback) for images
// that moto ships, one it does not, and one deregistered meanwhile.
func TestBatcherImage_moto(t *testing.T) {
	acctest.RequireAcceptance(t)
	t.Parallel()
	moto, err := acctest.StartMoto()
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(moto.Stop)
	endpoint := moto.URL()

	client := ec2.New(ec2.Options{
		Region:       "us-east-1",
		BaseEndpoint: aws.String(endpoint),
		Credentials:  credentials.NewStaticCredentialsProvider("testing", "testing", ""),
	})
	b := NewBatcher(client, BatcherOptions{Window: testBatchWindow})

	const missing = "ami-0123456789abcdef0"
	lookups := []string{"ami-03cf127a", "ami-12c6146b", "ami-1812c061", "ami-03cf127a", missing}
	for _, r := range lookupConcurrently(t.Context(), b, lookups) {
		if r.id == missing {
			if !IsNotFound(r.err) {
				t.Errorf("Image(%s): got %v, want not found", r.id, r.err)
			}
			continue
		}
		if r.err != nil || aws.ToString(r.image.ImageId) != r.id {
			t.Errorf("Image(%s): got %s, %v", r.id, aws.ToString(r.image.ImageId), r.err)
		}
	}
	if stats := b.Stats(); stats.Calls != 1 || stats.ImagesRequested != 4 {
		t.Errorf("Stats() = %+v, want one call for 4 IDs", stats)
	}

	if _, err := client.DeregisterImage(t.Context(), &ec2.DeregisterImageInput{ImageId: aws.String("ami-12c6146b")}); err != nil {
		t.Fatalf("DeregisterImage: %v", err)
	}
	if _, err := b.Image(t.Context(), "ami-12c6146b"); !IsNotFound(err) {
		t.Errorf("Image of a deregistered image: got %v, want not found", err)
	}
}

// TestBatcherImage_windowSlides checks that each lookup extends its batch's
// window, up to MaxWindow, and that a MaxWindow at or below Window makes the
// window fixed.
func TestBatcherImage_windowSlides(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name    string
		opts    BatcherOptions
		lookups int
		spacing time.Duration
		// wantOneCall is whether all lookups share one call; otherwise
		// they must take at least two.
		wantOneCall bool
	}{
		// A window far longer than the spacing, so that a loaded machine's
		// late wake-ups (the race detector, other tests) cannot split it.
		{"lookups closer than the window share one call",
			BatcherOptions{Window: time.Second, MaxWindow: 10 * time.Second}, 8, 30 * time.Millisecond, true},
		{"a fixed window splits the same lookups",
			BatcherOptions{Window: 60 * time.Millisecond, MaxWindow: -1}, 8, 30 * time.Millisecond, false},
		{"MaxWindow ends a stream that never pauses",
			BatcherOptions{Window: 150 * time.Millisecond, MaxWindow: 200 * time.Millisecond}, 16, 30 * time.Millisecond, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			ids := sequentialImageIDs(tt.lookups)
			fake := newDescribeImagesFake(availableImagesFor(ids)...)
			b := NewBatcher(fake, tt.opts)
			errs := make(chan error, len(ids))
			for _, id := range ids {
				go func() {
					_, err := b.Image(t.Context(), id)
					errs <- err
				}()
				time.Sleep(tt.spacing)
			}
			for range ids {
				if err := <-errs; err != nil {
					t.Fatal(err)
				}
			}
			if got := len(fake.calls()); (got == 1) != tt.wantOneCall {
				t.Errorf("made %d calls, want one call: %v", got, tt.wantOneCall)
			}
			waitBatcherIdle(t, b)
		})
	}
}

// TestBatcherImage_sendsWhenEveryoneWaits checks that a batch goes without
// waiting out its window once as many lookups wait as ever waited at once
// before, and that a lone lookup sets no such number.
func TestBatcherImage_sendsWhenEveryoneWaits(t *testing.T) {
	t.Parallel()
	const window = time.Second
	tests := []struct {
		name string
		// rounds are the numbers of concurrent lookups made one round
		// after another, each round waiting for the previous one's answers.
		rounds []int
		// wantQuick marks the rounds that must be answered well within
		// the window.
		wantQuick []bool
		wantCalls int
	}{
		{"a round as large as the first is sent at once", []int{3, 3}, []bool{false, true}, 2},
		{"a smaller round waits out its window", []int{3, 2}, []bool{false, false}, 2},
		{"a lone lookup sets no number", []int{1, 2}, []bool{false, false}, 2},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			total := 0
			for _, n := range tt.rounds {
				total += n
			}
			ids := sequentialImageIDs(total)
			fake := newDescribeImagesFake(availableImagesFor(ids)...)
			b := NewBatcher(fake, BatcherOptions{Window: window, MaxWindow: 10 * time.Second})
			next := 0
			for i, n := range tt.rounds {
				start := time.Now()
				results := lookupConcurrently(t.Context(), b, ids[next:next+n])
				elapsed := time.Since(start)
				next += n
				for _, r := range results {
					if r.err != nil {
						t.Fatalf("round %d: Image(%s): %v", i, r.id, r.err)
					}
				}
				if quick := elapsed < window/2; quick != tt.wantQuick[i] {
					t.Errorf("round %d of %d lookups took %v; want quick (under %v): %v", i, n, elapsed, window/2, tt.wantQuick[i])
				}
			}
			if got := len(fake.calls()); got != tt.wantCalls {
				t.Errorf("made %d calls, want %d", got, tt.wantCalls)
			}
			waitBatcherIdle(t, b)
		})
	}
}

// TestOwnNameBatcher looks up this account's AMIs by name: concurrent
// lookups share one DescribeImages with Owners self and a name filter, each
// caller gets every image of its own name (copies may share one), a name
// nobody holds is not found, and a deregistered image that EC2 still lists
// neither hides a live image that took its name nor counts as holding it.
func TestOwnNameBatcher(t *testing.T) {
	t.Parallel()
	named := func(id, name string, state types.ImageState) types.Image {
		return types.Image{ImageId: aws.String(id), Name: aws.String(name), State: state}
	}
	held := []types.Image{
		named("ami-00000000000000001", "web", types.ImageStateAvailable),
		// Deregistered first, so a naive map would keep it.
		named("ami-00000000000000002", "db", types.ImageStateDeregistered),
		named("ami-00000000000000003", "db", types.ImageStatePending),
		named("ami-00000000000000004", "old", types.ImageStateDeregistered),
		named("ami-00000000000000005", "web", types.ImageStateAvailable),
	}
	var mu sync.Mutex
	var inputs []*ec2.DescribeImagesInput
	api := describeImagesFunc(func(_ context.Context, in *ec2.DescribeImagesInput, _ ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error) {
		mu.Lock()
		inputs = append(inputs, in)
		mu.Unlock()
		wanted := in.Filters[0].Values
		out := &ec2.DescribeImagesOutput{}
		for _, img := range held {
			if slices.Contains(wanted, aws.ToString(img.Name)) {
				out.Images = append(out.Images, img)
			}
		}
		return out, nil
	})
	b := NewOwnNameBatcher(api, BatcherOptions{Window: testBatchWindow, MaxWindow: testBatchWindow})
	names := []string{"web", "db", "old", "free"}
	got := make([][]string, len(names))
	errs := make([]error, len(names))
	var wg sync.WaitGroup
	for i, name := range names {
		wg.Go(func() {
			images, err := b.Images(t.Context(), name)
			errs[i] = err
			for _, img := range images {
				got[i] = append(got[i], aws.ToString(img.ImageId))
			}
		})
	}
	wg.Wait()

	want := map[string][]string{"web": {"ami-00000000000000001", "ami-00000000000000005"}, "db": {"ami-00000000000000003"}}
	for i, name := range names {
		if ids, ok := want[name]; ok {
			if errs[i] != nil || !slices.Equal(got[i], ids) {
				t.Errorf("name %q: got %v, %v; want %v", name, got[i], errs[i], ids)
			}
		} else if !IsNotFound(errs[i]) {
			t.Errorf("name %q: got %v, %v; want not found", name, got[i], errs[i])
		}
	}
	if len(inputs) != 1 {
		t.Fatalf("DescribeImages calls = %d, want 1", len(inputs))
	}
	in := inputs[0]
	if !slices.Equal(in.Owners, []string{"self"}) || len(in.Filters) != 1 || aws.ToString(in.Filters[0].Name) != "name" ||
		len(in.Filters[0].Values) != 4 || len(in.ImageIds) != 0 {
		t.Errorf("DescribeImages input = %+v, want Owners self and one name filter with the 4 names", in)
	}
}
