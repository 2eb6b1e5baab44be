package ami

import (
	"context"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	"github.com/aws/smithy-go"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// fakeEC2 is an EC2API whose answers each test scripts. The embedded
// interface is nil: a call the test did not expect panics.
type fakeEC2 struct {
	EC2API

	mu sync.Mutex

	// copyAnswers are CopyImage's answers in order; the last one repeats.
	copyAnswers []fakeCopyAnswer
	copyInputs  []*ec2.CopyImageInput
	// copiesAfterEnd counts CopyImage calls made with a context that had
	// already ended.
	copiesAfterEnd int

	// describe answers the nth DescribeImages call (from 0).
	describe      func(n int, ids []string) ([]types.Image, error)
	describeCalls int

	deregisterErr    error
	deregisterInputs []*ec2.DeregisterImageInput

	// snapshotErrs are DeleteSnapshot's errors by snapshot ID.
	snapshotErrs     map[string]error
	deletedSnapshots []string

	createTagsErr error
	createTags    []*ec2.CreateTagsInput
	deleteTagsErr error
	deleteTags    []*ec2.DeleteTagsInput
}

// fakeCopyAnswer is one CopyImage answer: an image ID or an error.
type fakeCopyAnswer struct {
	imageID string
	err     error
}

func (f *fakeEC2) CopyImage(ctx context.Context, in *ec2.CopyImageInput, _ ...func(*ec2.Options)) (*ec2.CopyImageOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.copyInputs = append(f.copyInputs, in)
	if err := ctx.Err(); err != nil {
		f.copiesAfterEnd++
		// The SDK fails a call whose context has ended before sending it.
		return nil, fmt.Errorf("operation error EC2: CopyImage, %w", err)
	}
	answer := f.copyAnswers[min(len(f.copyInputs), len(f.copyAnswers))-1]
	if answer.err != nil {
		return nil, answer.err
	}
	return &ec2.CopyImageOutput{ImageId: aws.String(answer.imageID)}, nil
}

func (f *fakeEC2) DescribeImages(_ context.Context, in *ec2.DescribeImagesInput, _ ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error) {
	f.mu.Lock()
	n := f.describeCalls
	f.describeCalls++
	f.mu.Unlock()
	var ids []string
	for _, filter := range in.Filters {
		if aws.ToString(filter.Name) == "image-id" {
			ids = append(ids, filter.Values...)
		}
	}
	images, err := f.describe(n, ids)
	if err != nil {
		return nil, err
	}
	return &ec2.DescribeImagesOutput{Images: images}, nil
}

func (f *fakeEC2) DescribeSnapshots(context.Context, *ec2.DescribeSnapshotsInput, ...func(*ec2.Options)) (*ec2.DescribeSnapshotsOutput, error) {
	return &ec2.DescribeSnapshotsOutput{}, nil
}

func (f *fakeEC2) DeregisterImage(_ context.Context, in *ec2.DeregisterImageInput, _ ...func(*ec2.Options)) (*ec2.DeregisterImageOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deregisterInputs = append(f.deregisterInputs, in)
	if f.deregisterErr != nil {
		return nil, f.deregisterErr
	}
	return &ec2.DeregisterImageOutput{}, nil
}

func (f *fakeEC2) DeleteSnapshot(_ context.Context, in *ec2.DeleteSnapshotInput, _ ...func(*ec2.Options)) (*ec2.DeleteSnapshotOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	id := aws.ToString(in.SnapshotId)
	f.deletedSnapshots = append(f.deletedSnapshots, id)
	if err := f.snapshotErrs[id]; err != nil {
		return nil, err
	}
	return &ec2.DeleteSnapshotOutput{}, nil
}

func (f *fakeEC2) CreateTags(_ context.Context, in *ec2.CreateTagsInput, _ ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.createTags = append(f.createTags, in)
	return &ec2.CreateTagsOutput{}, f.createTagsErr
}

func (f *fakeEC2) DeleteTags(_ context.Context, in *ec2.DeleteTagsInput, _ ...func(*ec2.Options)) (*ec2.DeleteTagsOutput, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.deleteTags = append(f.deleteTags, in)
	return &ec2.DeleteTagsOutput{}, f.deleteTagsErr
}

// newFastClient is a Client over api whose waits take milliseconds, so the
// tests run the real schedules' logic without their real durations.
func newFastClient(api EC2API) *Client {
	c := NewClient(api, "us-east-1")
	c.images = NewBatcher(api, BatcherOptions{Window: -1})
	c.poll = PollSchedule{Initial: time.Millisecond, Factor: 2, Max: 4 * time.Millisecond}
	c.copyBackoff = PollSchedule{Initial: time.Millisecond, Factor: 2, Max: 4 * time.Millisecond}
	c.notFoundGrace = time.Minute
	return c
}

// apiError is an error as the SDK returns it for an EC2 error answer.
func apiError(code string) error {
	return &smithy.OperationError{ServiceID: "EC2", OperationName: "Op",
		Err: &smithy.GenericAPIError{Code: code, Message: code + " from EC2"}}
}

// lostAnswer is the error the SDK returns when the connection broke before
// an answer arrived and its retries are used up.
func lostAnswer() error {
	return &smithy.OperationError{ServiceID: "EC2", OperationName: "CopyImage",
		Err: &smithyhttp.RequestSendError{Err: errors.New("read tcp: connection reset by peer")}}
}

// copiedImage is a copy in the given state.
func copiedImage(id string, state types.ImageState) types.Image {
	return types.Image{ImageId: aws.String(id), State: state}
}

// copyCase is one case of TestClientCopy.
type copyCase struct {
	name      string
	answers   []fakeCopyAnswer
	timeout   time.Duration
	cancelled bool
	// endsWithTimer ends the context at the moment the back-off timer
	// fires, so both are ready when Copy looks.
	endsWithTimer bool
	wantID        string
	wantCalls     int
	// wantCallsAfterEnd is how many CopyImage calls are made with a
	// context that has already ended.
	wantCallsAfterEnd int
	wantCode          string
	wantText          string
	ambiguous         bool
}

func TestClientCopy(t *testing.T) {
	t.Parallel()
	limit := fakeCopyAnswer{err: apiError("ResourceLimitExceeded")}
	tests := []copyCase{
		{name: "copies at once", answers: []fakeCopyAnswer{{imageID: "ami-11111111"}}, wantID: "ami-11111111", wantCalls: 1},
		{name: "waits out the concurrent-copy limit", answers: []fakeCopyAnswer{limit, limit, {imageID: "ami-22222222"}}, wantID: "ami-22222222", wantCalls: 3},
		{name: "a refusal is not retried", answers: []fakeCopyAnswer{{err: apiError("InvalidAMIName.Duplicate")}},
			wantCalls: 1, wantCode: "InvalidAMIName.Duplicate"},
		{name: "a lost answer is returned for the caller to resolve", answers: []fakeCopyAnswer{{err: lostAnswer()}},
			wantCalls: 1, wantText: "connection reset", ambiguous: true},
		{name: "the timeout ends the wait for the limit", answers: []fakeCopyAnswer{limit}, timeout: 30 * time.Millisecond,
			wantCalls: 1, wantCode: "ResourceLimitExceeded", wantText: "still at EC2's limit of concurrent AMI copies when the timeout ended"},
		{name: "no retry when the timeout ends as the back-off does", answers: []fakeCopyAnswer{limit}, endsWithTimer: true,
			wantCalls: 1, wantCode: "ResourceLimitExceeded", wantText: "still at EC2's limit of concurrent AMI copies when the timeout ended"},
		{name: "an interrupt before sending", answers: []fakeCopyAnswer{{imageID: "ami-33333333"}}, cancelled: true,
			wantCalls: 1, wantCallsAfterEnd: 1, wantText: "context canceled", ambiguous: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			// With the context and the timer ready at once, select picks
			// either at random; enough runs make a wrong pick show.
			runs := 1
			if tt.endsWithTimer {
				runs = 64
			}
			for range runs {
				checkCopy(t, tt)
			}
		})
	}
}

// checkCopy runs one Copy as tt says and checks its outcome.
func checkCopy(t *testing.T, tt copyCase) {
	t.Helper()
	api := &fakeEC2{copyAnswers: tt.answers}
	c := newFastClient(api)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	if tt.timeout > 0 {
		// The back-off outlasts the timeout, so the timeout is what ends
		// the wait.
		c.copyBackoff = PollSchedule{Initial: time.Hour, Factor: 1, Max: time.Hour}
		ctx, cancel = context.WithTimeout(ctx, tt.timeout)
		defer cancel()
	}
	if tt.endsWithTimer {
		c.copyBackoffTimer = func(time.Duration) <-chan time.Time {
			cancel()
			fired := make(chan time.Time, 1)
			fired <- time.Now()
			return fired
		}
	}
	if tt.cancelled {
		cancel()
	}
	in := &ec2.CopyImageInput{Name: aws.String("copy"), SourceImageId: aws.String("ami-00000000"),
		SourceRegion: aws.String("us-east-1"), ClientToken: aws.String("token-1")}
	id, err := c.Copy(ctx, in)

	if id != tt.wantID {
		t.Errorf("image ID = %q, want %q", id, tt.wantID)
	}
	wantErr := tt.wantCode != "" || tt.wantText != ""
	if (err != nil) != wantErr {
		t.Fatalf("error = %v, want error: %v", err, wantErr)
	}
	if err != nil {
		if got := ErrorCode(err); tt.wantCode != "" && got != tt.wantCode {
			t.Errorf("error code = %q, want %q", got, tt.wantCode)
		}
		if !strings.Contains(err.Error(), tt.wantText) {
			t.Errorf("error %q does not say %q", err, tt.wantText)
		}
		if got := IsAmbiguousCopyError(err); got != tt.ambiguous {
			t.Errorf("IsAmbiguousCopyError(%v) = %v, want %v", err, got, tt.ambiguous)
		}
	}
	api.mu.Lock()
	defer api.mu.Unlock()
	if len(api.copyInputs) != tt.wantCalls {
		t.Errorf("CopyImage calls = %d, want %d", len(api.copyInputs), tt.wantCalls)
	}
	if api.copiesAfterEnd != tt.wantCallsAfterEnd {
		t.Errorf("CopyImage calls after the context ended = %d, want %d", api.copiesAfterEnd, tt.wantCallsAfterEnd)
	}
	for i, sent := range api.copyInputs {
		// Every attempt is the same request with the same token, so EC2
		// makes one copy however many attempts it takes.
		if sent != in {
			t.Errorf("attempt %d sent a different request", i+1)
		}
	}
}

func TestIsAmbiguousCopyError(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name string
		err  error
		want bool
	}{
		{"no error", nil, false},
		{"lost answer", lostAnswer(), true},
		{"EC2 internal error", apiError("InternalError"), true},
		{"EC2 unavailable", apiError("Unavailable"), true},
		{"throttled", apiError("RequestLimitExceeded"), true},
		{"retries used up on throttling", fmt.Errorf("exceeded maximum number of attempts, 26, %w", apiError("RequestLimitExceeded")), true},
		{"interrupted", fmt.Errorf("operation error EC2: CopyImage, %w", context.Canceled), true},
		{"timed out", fmt.Errorf("operation error EC2: CopyImage, %w", context.DeadlineExceeded), true},
		{"duplicate name", apiError("InvalidAMIName.Duplicate"), false},
		{"concurrent-copy limit", apiError("ResourceLimitExceeded"), false},
		{"not allowed", apiError("UnauthorizedOperation"), false},
		{"source not found", apiError("InvalidAMIID.NotFound"), false},
		{"token reused", apiError("IdempotentParameterMismatch"), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			if got := IsAmbiguousCopyError(tt.err); got != tt.want {
				t.Errorf("IsAmbiguousCopyError(%v) = %v, want %v", tt.err, got, tt.want)
			}
		})
	}
}

// pollAnswer is one DescribeImages answer for the image being waited on.
type pollAnswer struct {
	state  types.ImageState // "" means the image is not listed
	reason *types.StateReason
	err    error
}

// scriptedPolls answers the nth DescribeImages with script[n], repeating
// the last answer.
func scriptedPolls(imageID string, script ...pollAnswer) func(int, []string) ([]types.Image, error) {
	return func(n int, _ []string) ([]types.Image, error) {
		a := script[min(n, len(script)-1)]
		if a.err != nil {
			return nil, a.err
		}
		if a.state == "" {
			return nil, nil
		}
		img := copiedImage(imageID, a.state)
		img.StateReason = a.reason
		return []types.Image{img}, nil
	}
}

func TestClientWaitForAvailable(t *testing.T) {
	t.Parallel()
	const id = "ami-0123456789abcdef0"
	pending := pollAnswer{state: types.ImageStatePending}
	available := pollAnswer{state: types.ImageStateAvailable}
	notListed := pollAnswer{}
	tests := []struct {
		name  string
		polls []pollAnswer
		// grace replaces the not-found grace when set.
		grace   time.Duration
		timeout time.Duration
		// wantPolls is the exact number of polls, when set.
		wantPolls    int
		wantErr      bool
		wantNotFound bool
		wantFailed   *CopyFailedError
		wantDeadline bool
		wantCode     string
		wantText     []string
		// wantDeregistered and wantNeverListed ask for the typed errors that
		// tell a spent ClientToken.
		wantDeregistered bool
		wantNeverListed  bool
	}{
		{name: "pending then available", polls: []pollAnswer{pending, pending, available}, wantPolls: 3},
		{name: "failed with EC2's reason", polls: []pollAnswer{pending, {state: types.ImageStateFailed,
			reason: &types.StateReason{Code: aws.String("Client.InternalError"), Message: aws.String("Client.InternalError: copy failed")}}},
			wantPolls: 2, wantErr: true,
			wantFailed: &CopyFailedError{ImageID: id, State: "failed", Code: "Client.InternalError", Message: "Client.InternalError: copy failed"},
			wantText:   []string{"image " + id + " is failed: Client.InternalError: Client.InternalError: copy failed"}},
		{name: "invalid without a reason", polls: []pollAnswer{{state: types.ImageStateInvalid}}, wantPolls: 1, wantErr: true,
			wantFailed: &CopyFailedError{ImageID: id, State: "invalid"}, wantText: []string{"image " + id + " is invalid"}},
		{name: "error state", polls: []pollAnswer{{state: types.ImageStateError}}, wantPolls: 1, wantErr: true,
			wantFailed: &CopyFailedError{ImageID: id, State: "error"}},
		{name: "not listed at first, within the grace", polls: []pollAnswer{notListed, notListed, pending, available}, wantPolls: 4},
		{name: "not listed beyond the grace", polls: []pollAnswer{notListed}, grace: 20 * time.Millisecond, wantErr: true,
			wantNotFound: true, wantNeverListed: true, wantText: []string{"EC2 still did not list image " + id}},
		{name: "deregistered while waiting", polls: []pollAnswer{pending, {state: types.ImageStateDeregistered}}, wantPolls: 2,
			wantErr: true, wantNotFound: true, wantDeregistered: true, wantText: []string{"EC2 lists image " + id + " as deregistered"}},
		// A CopyImage answered from a spent ClientToken: EC2 still lists the
		// old image as deregistered, and the wait ends at the first poll.
		{name: "deregistered at once", polls: []pollAnswer{{state: types.ImageStateDeregistered}}, wantPolls: 1,
			wantErr: true, wantNotFound: true, wantDeregistered: true},
		{name: "throttling and EC2 failures only cost polls",
			polls:     []pollAnswer{{err: apiError("RequestLimitExceeded")}, pending, {err: apiError("InternalError")}, {err: lostAnswer()}, available},
			wantPolls: 5},
		{name: "the shared call's own timeout is not the caller's",
			polls:     []pollAnswer{{err: fmt.Errorf("operation error EC2: DescribeImages, %w", context.DeadlineExceeded)}, available},
			wantPolls: 2},
		{name: "a refusal ends the wait", polls: []pollAnswer{pending, {err: apiError("UnauthorizedOperation")}, available},
			wantPolls: 2, wantErr: true, wantCode: "UnauthorizedOperation"},
		{name: "the timeout names the last state", polls: []pollAnswer{pending}, timeout: 30 * time.Millisecond,
			wantErr: true, wantDeadline: true, wantText: []string{"image " + id + " was still pending after"}},
		{name: "the timeout names the last failed poll", polls: []pollAnswer{pending, {err: apiError("InternalError")}}, timeout: 30 * time.Millisecond,
			wantErr: true, wantDeadline: true, wantText: []string{"was still pending after", "the last poll failed", "InternalError"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := &fakeEC2{describe: scriptedPolls(id, tt.polls...)}
			c := newFastClient(api)
			if tt.grace > 0 {
				c.notFoundGrace = tt.grace
			}
			timeout := tt.timeout
			if timeout == 0 {
				timeout = 10 * time.Second
			}
			ctx, cancel := context.WithTimeout(context.Background(), timeout)
			defer cancel()
			var reports []Progress
			img, err := c.WaitForAvailable(ctx, id, func(p Progress) { reports = append(reports, p) })

			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want error: %v", err, tt.wantErr)
			}
			if !tt.wantErr && (aws.ToString(img.ImageId) != id || img.State != types.ImageStateAvailable) {
				t.Errorf("image = %s %s, want %s available", aws.ToString(img.ImageId), img.State, id)
			}
			if got := IsNotFound(err); got != tt.wantNotFound {
				t.Errorf("IsNotFound(%v) = %v, want %v", err, got, tt.wantNotFound)
			}
			var failed *CopyFailedError
			if errors.As(err, &failed) != (tt.wantFailed != nil) || (tt.wantFailed != nil && *failed != *tt.wantFailed) {
				t.Errorf("error = %#v, want %#v", err, tt.wantFailed)
			}
			var deregistered *DeregisteredImageError
			if got := errors.As(err, &deregistered); got != tt.wantDeregistered || (got && deregistered.ImageID != id) {
				t.Errorf("error %#v: DeregisteredImageError = %v, want %v for %s", err, got, tt.wantDeregistered, id)
			}
			var neverListed *NeverListedError
			if got := errors.As(err, &neverListed); got != tt.wantNeverListed || (got && neverListed.ImageID != id) {
				t.Errorf("error %#v: NeverListedError = %v, want %v for %s", err, got, tt.wantNeverListed, id)
			}
			if got := errors.Is(err, context.DeadlineExceeded); got != tt.wantDeadline {
				t.Errorf("errors.Is(%v, DeadlineExceeded) = %v, want %v", err, got, tt.wantDeadline)
			}
			if tt.wantCode != "" && ErrorCode(err) != tt.wantCode {
				t.Errorf("error code of %v = %q, want %q", err, ErrorCode(err), tt.wantCode)
			}
			for _, text := range tt.wantText {
				if !strings.Contains(err.Error(), text) {
					t.Errorf("error %q does not say %q", err, text)
				}
			}
			api.mu.Lock()
			polls := api.describeCalls
			api.mu.Unlock()
			if tt.wantPolls > 0 && polls != tt.wantPolls {
				t.Errorf("DescribeImages calls = %d, want %d", polls, tt.wantPolls)
			}
			// Every poll that does not end the wait is reported.
			if tt.wantPolls > 0 && len(reports) != tt.wantPolls-1 {
				t.Errorf("progress reports = %d, want %d", len(reports), tt.wantPolls-1)
			}
		})
	}
}

func TestClientDeregister(t *testing.T) {
	t.Parallel()
	const id = "ami-0123456789abcdef0"
	gone := func(int, []string) ([]types.Image, error) { return nil, nil }
	tests := []struct {
		name            string
		deregisterErr   error
		describe        func(int, []string) ([]types.Image, error)
		snapshotErrs    map[string]error
		deleteSnapshots bool
		wantDeleted     []string
		wantKept        []string
		wantErrText     string
		wantCode        string
	}{
		{name: "deregisters and deletes the snapshots", describe: gone, deleteSnapshots: true, wantDeleted: []string{"snap-1", "snap-2"}},
		{name: "already gone", deregisterErr: apiError("InvalidAMIID.NotFound"), describe: gone, deleteSnapshots: true,
			wantDeleted: []string{"snap-1", "snap-2"}},
		{name: "being removed", deregisterErr: apiError("InvalidAMIID.Unavailable"), describe: gone, deleteSnapshots: true,
			wantDeleted: []string{"snap-1", "snap-2"}},
		{name: "waits until EC2 stops listing it", deleteSnapshots: true, wantDeleted: []string{"snap-1", "snap-2"},
			describe: func(n int, _ []string) ([]types.Image, error) {
				if n < 2 {
					return []types.Image{copiedImage(id, types.ImageStateAvailable)}, nil
				}
				return nil, nil
			}},
		{name: "a snapshot another AMI uses is kept", describe: gone, deleteSnapshots: true,
			snapshotErrs: map[string]error{"snap-1": apiError("InvalidSnapshot.InUse")},
			wantDeleted:  []string{"snap-1", "snap-2"}, wantKept: []string{"snap-1"}},
		{name: "a snapshot already gone counts as deleted", describe: gone, deleteSnapshots: true,
			snapshotErrs: map[string]error{"snap-1": apiError("InvalidSnapshot.NotFound"), "snap-2": apiError("InvalidSnapshotID.NotFound")},
			wantDeleted:  []string{"snap-1", "snap-2"}},
		{name: "a snapshot that cannot be deleted fails", describe: gone, deleteSnapshots: true,
			snapshotErrs: map[string]error{"snap-1": apiError("UnauthorizedOperation")},
			wantDeleted:  []string{"snap-1"}, wantErrText: "deleting snapshot snap-1 of image " + id, wantCode: "UnauthorizedOperation"},
		{name: "snapshots kept on request", describe: gone},
		{name: "protected", deregisterErr: apiError("OperationNotPermitted"), deleteSnapshots: true,
			wantErrText: "OperationNotPermitted", wantCode: "OperationNotPermitted"},
		{name: "listing fails after deregistering", describe: func(int, []string) ([]types.Image, error) { return nil, apiError("AuthFailure") },
			deleteSnapshots: true, wantErrText: "AuthFailure", wantCode: "AuthFailure"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := &fakeEC2{deregisterErr: tt.deregisterErr, describe: tt.describe, snapshotErrs: tt.snapshotErrs}
			c := newFastClient(api)
			ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
			defer cancel()
			result, err := c.Deregister(ctx, id, []string{"snap-1", "snap-2"}, tt.deleteSnapshots)

			if (err != nil) != (tt.wantErrText != "") {
				t.Fatalf("error = %v, want one saying %q", err, tt.wantErrText)
			}
			if err != nil {
				if !strings.Contains(err.Error(), tt.wantErrText) {
					t.Errorf("error %q does not say %q", err, tt.wantErrText)
				}
				if ErrorCode(err) != tt.wantCode {
					t.Errorf("error code = %q, want %q", ErrorCode(err), tt.wantCode)
				}
			}
			if !reflect.DeepEqual(result.KeptSnapshots, tt.wantKept) {
				t.Errorf("kept snapshots = %v, want %v", result.KeptSnapshots, tt.wantKept)
			}
			api.mu.Lock()
			defer api.mu.Unlock()
			if !reflect.DeepEqual(api.deletedSnapshots, tt.wantDeleted) {
				t.Errorf("DeleteSnapshot calls = %v, want %v", api.deletedSnapshots, tt.wantDeleted)
			}
			if len(api.deregisterInputs) != 1 {
				t.Fatalf("DeregisterImage calls = %d, want 1", len(api.deregisterInputs))
			}
			in := api.deregisterInputs[0]
			if aws.ToString(in.ImageId) != id || aws.ToBool(in.DeleteAssociatedSnapshots) != tt.deleteSnapshots {
				t.Errorf("DeregisterImage(%s, DeleteAssociatedSnapshots=%v), want (%s, %v)",
					aws.ToString(in.ImageId), aws.ToBool(in.DeleteAssociatedSnapshots), id, tt.deleteSnapshots)
			}
		})
	}
}

func TestClientUpdateTags(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name        string
		resources   []string
		oldTags     map[string]string
		newTags     map[string]string
		deleteErr   error
		createErr   error
		wantDeleted []string
		wantCreated []string // key=value
		wantErrText string
	}{
		{name: "nothing to do", resources: []string{"ami-1"}, oldTags: map[string]string{"a": "1"}, newTags: map[string]string{"a": "1"}},
		{name: "no resources", oldTags: map[string]string{"a": "1"}, newTags: map[string]string{"b": "2"}},
		{name: "adds and changes only what differs", resources: []string{"ami-1"},
			oldTags: map[string]string{"keep": "1", "change": "old"}, newTags: map[string]string{"keep": "1", "change": "new", "add": "x"},
			wantCreated: []string{"add=x", "change=new"}},
		{name: "removes only what is gone", resources: []string{"ami-1", "snap-1"},
			oldTags: map[string]string{"keep": "1", "drop": "2"}, newTags: map[string]string{"keep": "1"},
			wantDeleted: []string{"drop"}},
		{name: "an empty value is a value", resources: []string{"ami-1"},
			oldTags: map[string]string{"k": "v"}, newTags: map[string]string{"k": ""}, wantCreated: []string{"k="}},
		{name: "removing fails", resources: []string{"ami-1"}, oldTags: map[string]string{"drop": "1"}, deleteErr: apiError("InternalError"),
			wantDeleted: []string{"drop"}, wantErrText: "removing tags from ami-1"},
		{name: "tagging fails", resources: []string{"ami-1", "snap-1"}, newTags: map[string]string{"add": "1"}, createErr: apiError("TagLimitExceeded"),
			wantCreated: []string{"add=1"}, wantErrText: "tagging ami-1, snap-1"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := &fakeEC2{deleteTagsErr: tt.deleteErr, createTagsErr: tt.createErr}
			err := newFastClient(api).UpdateTags(context.Background(), tt.resources, tt.oldTags, tt.newTags)
			if (err != nil) != (tt.wantErrText != "") || (err != nil && !strings.Contains(err.Error(), tt.wantErrText)) {
				t.Fatalf("error = %v, want one saying %q", err, tt.wantErrText)
			}
			if err != nil && ErrorCode(err) == "" {
				t.Errorf("error %v lost EC2's code", err)
			}
			api.mu.Lock()
			defer api.mu.Unlock()
			var deleted, created []string
			for _, in := range api.deleteTags {
				checkTagResources(t, "DeleteTags", in.Resources, tt.resources)
				for _, tag := range in.Tags {
					deleted = append(deleted, aws.ToString(tag.Key))
					if tag.Value != nil {
						// A value would delete the tag only when it matches.
						t.Errorf("DeleteTags sent a value for %s", aws.ToString(tag.Key))
					}
				}
			}
			for _, in := range api.createTags {
				checkTagResources(t, "CreateTags", in.Resources, tt.resources)
				for _, tag := range in.Tags {
					created = append(created, aws.ToString(tag.Key)+"="+aws.ToString(tag.Value))
				}
			}
			if len(api.deleteTags) > 1 || len(api.createTags) > 1 {
				t.Errorf("%d DeleteTags and %d CreateTags calls, want at most one each", len(api.deleteTags), len(api.createTags))
			}
			if !reflect.DeepEqual(deleted, tt.wantDeleted) {
				t.Errorf("deleted tags = %v, want %v", deleted, tt.wantDeleted)
			}
			if !reflect.DeepEqual(created, tt.wantCreated) {
				t.Errorf("created tags = %v, want %v", created, tt.wantCreated)
			}
		})
	}
}

// checkTagResources fails unless a tag call named the given resources.
func checkTagResources(t *testing.T, call string, got, want []string) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Errorf("%s resources = %v, want %v", call, got, want)
	}
}

func TestRootSnapshotID(t *testing.T) {
	ebs := func(device, snapshot string) types.BlockDeviceMapping {
		return types.BlockDeviceMapping{DeviceName: aws.String(device), Ebs: &types.EbsBlockDevice{SnapshotId: aws.String(snapshot)}}
	}
	tests := []struct {
		name  string
		image types.Image
		want  string
	}{
		{name: "root device is the second mapping", want: "snap-root", image: types.Image{RootDeviceName: aws.String("/dev/xvda"),
			BlockDeviceMappings: []types.BlockDeviceMapping{ebs("/dev/sdf", "snap-data"), ebs("/dev/xvda", "snap-root")}}},
		{name: "instance store root device", image: types.Image{RootDeviceName: aws.String("/dev/sda1"),
			BlockDeviceMappings: []types.BlockDeviceMapping{{DeviceName: aws.String("/dev/sda1"), VirtualName: aws.String("ephemeral0")}, ebs("/dev/sdf", "snap-data")}}},
		{name: "no root device name", image: types.Image{BlockDeviceMappings: []types.BlockDeviceMapping{ebs("/dev/xvda", "snap-root")}}},
		{name: "root device without a mapping", image: types.Image{RootDeviceName: aws.String("/dev/xvda"),
			BlockDeviceMappings: []types.BlockDeviceMapping{ebs("/dev/sdf", "snap-data")}}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := RootSnapshotID(tt.image); got != tt.want {
				t.Errorf("RootSnapshotID = %q, want %q", got, tt.want)
			}
		})
	}
}

// TestClientWaitForListed checks the wait of a create that does not wait
// for the copy: it ends at the first poll that lists the copy, pending or
// available, and fails as WaitForAvailable does for a copy that failed or
// is deregistered.
func TestClientWaitForListed(t *testing.T) {
	t.Parallel()
	const id = "ami-0123456789abcdef0"
	pending := pollAnswer{state: types.ImageStatePending}
	tests := []struct {
		name      string
		polls     []pollAnswer
		wantPolls int
		wantState types.ImageState
		wantErr   bool
	}{
		{name: "pending at once", polls: []pollAnswer{pending}, wantPolls: 1, wantState: types.ImageStatePending},
		{name: "not listed at first", polls: []pollAnswer{{}, {}, pending}, wantPolls: 3, wantState: types.ImageStatePending},
		{name: "available at once", polls: []pollAnswer{{state: types.ImageStateAvailable}}, wantPolls: 1, wantState: types.ImageStateAvailable},
		{name: "throttled first", polls: []pollAnswer{{err: apiError("RequestLimitExceeded")}, pending}, wantPolls: 2, wantState: types.ImageStatePending},
		{name: "failed", polls: []pollAnswer{{state: types.ImageStateFailed}}, wantPolls: 1, wantErr: true},
		{name: "deregistered", polls: []pollAnswer{{state: types.ImageStateDeregistered}}, wantPolls: 1, wantErr: true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			api := &fakeEC2{describe: scriptedPolls(id, tt.polls...)}
			c := newFastClient(api)
			img, err := c.WaitForListed(t.Context(), id, nil)
			if (err != nil) != tt.wantErr {
				t.Fatalf("error = %v, want error: %v", err, tt.wantErr)
			}
			if !tt.wantErr && (aws.ToString(img.ImageId) != id || img.State != tt.wantState) {
				t.Errorf("image = %s %s, want %s %s", aws.ToString(img.ImageId), img.State, id, tt.wantState)
			}
			if api.describeCalls != tt.wantPolls {
				t.Errorf("%d polls, want %d", api.describeCalls, tt.wantPolls)
			}
		})
	}
}
