package ami

import (
	"context"
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	awsmiddleware "github.com/aws/aws-sdk-go-v2/aws/middleware"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// copyLimitBackoff is how long Copy waits before retrying a CopyImage that
// EC2 refused because the account has too many copies in flight.
var copyLimitBackoff = PollSchedule{Initial: 5 * time.Second, Factor: 2, Max: time.Minute}

// Copy calls CopyImage and returns the new image's ID. The SDK's retryer
// already retries throttling and lost answers with the same ClientToken, so
// EC2 makes at most one copy. EC2's concurrent-copy limit
// (ResourceLimitExceeded) is not retried by the SDK: Copy waits for copies
// in flight to finish and tries again until ctx ends.
func (c *Client) Copy(ctx context.Context, in *ec2.CopyImageInput) (string, error) {
	imageID, _, err := c.CopyAnswered(ctx, in)
	return imageID, err
}

// CopyAnswered is Copy, and also returns when EC2 answered, by EC2's own
// clock (the Date of its answer; zero when it sent none), for
// SpentOnEarlierCopy.
func (c *Client) CopyAnswered(ctx context.Context, in *ec2.CopyImageInput) (string, time.Time, error) {
	wait := c.copyBackoff.Initial
	for {
		out, err := c.api.CopyImage(ctx, in)
		if err == nil {
			answeredAt, _ := awsmiddleware.GetServerTime(out.ResultMetadata)
			return aws.ToString(out.ImageId), answeredAt, nil
		}
		if ErrorCode(err) != "ResourceLimitExceeded" {
			return "", time.Time{}, err
		}
		timer := time.After
		if c.copyBackoffTimer != nil {
			timer = c.copyBackoffTimer
		}
		select {
		case <-ctx.Done():
		case <-timer(wait):
		}
		// The timer and the deadline can fire together, and select then
		// picks either; a retry after the deadline would send EC2 one more
		// CopyImage that nobody waits for, and answer with the context's
		// error instead of the limit.
		if ctx.Err() != nil {
			return "", time.Time{}, fmt.Errorf("still at EC2's limit of concurrent AMI copies when the timeout ended: %w", err)
		}
		wait = c.copyBackoff.next(wait)
	}
}

// EarlierCopyMargin is how much earlier than EC2's answer to CopyImage an
// AMI must have been created for SpentOnEarlierCopy to take it for an
// earlier copy: EC2 registers a new copy as it answers, and reports both
// times to the second.
const EarlierCopyMargin = 30 * time.Second

// SpentOnEarlierCopy reports whether the AMI that CopyImage answered at
// answeredAt (EC2's clock) was created well before that answer: EC2
// answered a client token it had seen with the AMI it made then ("Ensuring
// idempotency in Amazon EC2 API requests", EC2 API Reference), so no new
// copy was made. It returns that AMI. An AMI EC2 does not list yet, or
// lists without a creation date, counts as new.
func (c *Client) SpentOnEarlierCopy(ctx context.Context, imageID string, answeredAt time.Time) (types.Image, bool) {
	if answeredAt.IsZero() {
		return types.Image{}, false
	}
	img, err := c.FindImage(ctx, imageID)
	if err != nil {
		return types.Image{}, false
	}
	created, err := time.Parse(time.RFC3339, aws.ToString(img.CreationDate))
	if err != nil || !created.Before(answeredAt.Add(-EarlierCopyMargin)) {
		return types.Image{}, false
	}
	return img, true
}

// CopyFailedError says that EC2 gave up on a copy: the image ended in the
// failed, invalid or error state.
type CopyFailedError struct {
	ImageID string
	State   string
	Code    string
	Message string
}

func (e *CopyFailedError) Error() string {
	msg := fmt.Sprintf("image %s is %s", e.ImageID, e.State)
	if e.Code != "" || e.Message != "" {
		msg += fmt.Sprintf(": %s: %s", e.Code, e.Message)
	}
	return msg
}

// Progress is what a waiter reports after each poll.
type Progress struct {
	ImageID string
	State   string
	Elapsed time.Duration
	// SnapshotProgress is EC2's percentage for each of the image's
	// snapshots, for example "snap-1: 42%". It is refreshed at most once a
	// minute, because DescribeSnapshots is not batched.
	SnapshotProgress []string
}

// NotFoundGrace is how long a waiter accepts "not found" for an image it
// has just created: EC2 is eventually consistent and may not list a new AMI
// for a while after CopyImage answers. It is a variable only so that the
// acceptance tests against the local EC2, which lists a copy at once, can
// reach the end of the grace in a minute rather than five.
var NotFoundGrace = 5 * time.Minute

// snapshotProgressEvery limits how often a waiter asks DescribeSnapshots.
const snapshotProgressEvery = time.Minute

// WaitForAvailable polls until the image is available and returns it. It
// stops at once when EC2 reports a failed copy (*CopyFailedError) or a lookup
// fails for a reason that repeating cannot cure. Throttling, EC2's own
// failures and broken connections only cost a poll: the copy goes on in EC2
// regardless. When ctx ends, it returns ctx's error, wrapped with the last
// state seen and the last failed poll.
func (c *Client) WaitForAvailable(ctx context.Context, imageID string, report func(Progress)) (types.Image, error) {
	return c.waitFor(ctx, imageID, report, false)
}

// WaitForListed polls until EC2 lists the new copy, pending or available,
// and returns it: what a create that does not wait for the copy needs. EC2
// may not list a copy for a while after CopyImage answers (NotFoundGrace).
// A copy that has already failed, or that is deregistered, is an error as
// for WaitForAvailable.
func (c *Client) WaitForListed(ctx context.Context, imageID string, report func(Progress)) (types.Image, error) {
	return c.waitFor(ctx, imageID, report, true)
}

// waitFor is WaitForAvailable, or WaitForListed when listed is set.
func (c *Client) waitFor(ctx context.Context, imageID string, report func(Progress), listed bool) (types.Image, error) {
	start := time.Now()
	lastState := "not yet listed"
	var lastErr error
	var lastSnapshotCheck time.Time
	var snapshotProgress []string
	var result types.Image
	err := c.poll.until(ctx, func() (bool, error) {
		img, err := c.FindImage(ctx, imageID)
		switch {
		case err == nil:
			lastErr = nil
			lastState = string(img.State)
			switch img.State {
			case types.ImageStateAvailable:
				result = img
				return true, nil
			case types.ImageStateFailed, types.ImageStateInvalid, types.ImageStateError:
				failed := &CopyFailedError{ImageID: imageID, State: string(img.State)}
				if img.StateReason != nil {
					failed.Code = aws.ToString(img.StateReason.Code)
					failed.Message = aws.ToString(img.StateReason.Message)
				}
				result = img
				return true, failed
			case types.ImageStateDeregistered:
				result = img
				return true, &DeregisteredImageError{ImageID: imageID}
			}
			if listed {
				result = img
				return true, nil
			}
			if time.Since(lastSnapshotCheck) >= snapshotProgressEvery {
				lastSnapshotCheck = time.Now()
				snapshotProgress = c.snapshotProgress(ctx, img)
			}
		case ctx.Err() != nil:
			return true, ctx.Err()
		case isDeregistered(err):
			// EC2 lists a deregistered image for a while; it is gone for
			// good, unlike a new image EC2 does not list yet. No copy is in
			// progress, so waiting on is pointless.
			return true, &DeregisteredImageError{ImageID: imageID, err: err}
		case IsNotFound(err) && time.Since(start) < c.notFoundGrace:
			// EC2 has not caught up with its own CopyImage answer yet.
			lastErr = nil
		case IsNotFound(err):
			return true, &NeverListedError{ImageID: imageID, Waited: c.notFoundGrace, err: err}
		case isTransientLookupError(err):
			lastErr = err
		default:
			return true, err
		}
		if report != nil {
			report(Progress{ImageID: imageID, State: lastState, Elapsed: time.Since(start), SnapshotProgress: snapshotProgress})
		}
		return false, nil
	})
	if err != nil && err == ctx.Err() {
		msg := fmt.Sprintf("image %s was still %s after %s", imageID, lastState, time.Since(start).Round(time.Second))
		if lastErr != nil {
			msg += fmt.Sprintf(" (the last poll failed: %v)", lastErr)
		}
		return types.Image{}, fmt.Errorf("%s: %w", msg, ctx.Err())
	}
	return result, err
}

// DeregisteredImageError says that EC2 lists the image being waited for as
// deregistered: nobody is making it any more. For a copy that CopyImage has
// just answered with, that means CopyImage returned an image it made
// earlier for the same ClientToken, which has since been deregistered (EC2
// API Reference, CopyImage: ClientToken; DescribeImages: "Recently
// deregistered images appear in the returned results for a short
// interval"). It is a *NotFoundError too.
type DeregisteredImageError struct {
	ImageID string
	err     error
}

func (e *DeregisteredImageError) Error() string {
	return fmt.Sprintf("EC2 lists image %s as deregistered", e.ImageID)
}

// Unwrap makes the error a *NotFoundError for IsNotFound.
func (e *DeregisteredImageError) Unwrap() error {
	if e.err != nil {
		return e.err
	}
	return &NotFoundError{ID: e.ImageID, Reason: batchReasonDeregistered}
}

// NeverListedError says that EC2 did not list the image that CopyImage
// answered with during the whole grace period for eventual consistency.
// EC2 lists a deregistered image only for a short while, so an image that
// CopyImage returned for a ClientToken spent long ago looks like this. It
// is a *NotFoundError too.
type NeverListedError struct {
	ImageID string
	Waited  time.Duration
	err     error
}

func (e *NeverListedError) Error() string {
	return fmt.Sprintf("EC2 still did not list image %s %s after CopyImage returned it", e.ImageID, e.Waited)
}

// Unwrap makes the error a *NotFoundError for IsNotFound.
func (e *NeverListedError) Unwrap() error {
	if e.err != nil {
		return e.err
	}
	return &NotFoundError{ID: e.ImageID, Reason: batchReasonNotListed}
}

// isDeregistered reports whether a lookup found the image deregistered,
// rather than not listed at all.
func isDeregistered(err error) bool {
	var nf *NotFoundError
	return errors.As(err, &nf) && nf.Reason == batchReasonDeregistered
}

// snapshotProgress asks EC2 how far each of the image's snapshots has got.
// It is only for logging, so it swallows errors.
func (c *Client) snapshotProgress(ctx context.Context, img types.Image) []string {
	snapshots, err := c.ownSnapshots(ctx, SnapshotIDs(img))
	if err != nil || len(snapshots) == 0 {
		return nil
	}
	progress := make([]string, 0, len(snapshots))
	for _, s := range snapshots {
		progress = append(progress, fmt.Sprintf("%s: %s", aws.ToString(s.SnapshotId), aws.ToString(s.Progress)))
	}
	sort.Strings(progress)
	return progress
}

// DryRunVerdict is EC2's answer to a CopyImage with DryRun.
type DryRunVerdict int

// The answers to a CopyImage with DryRun.
const (
	// DryRunAllowed: the copy would be allowed (DryRunOperation).
	DryRunAllowed DryRunVerdict = iota
	// DryRunBusy: EC2 throttled, failed on its side or is at its limit of
	// concurrent copies; it did not say no, and Create waits such
	// conditions out.
	DryRunBusy
	// DryRunUnauthorized: the identity may not copy (UnauthorizedOperation).
	DryRunUnauthorized
	// DryRunRefused: EC2 says the copy would fail, for the reason in the
	// error.
	DryRunRefused
	// DryRunNoAnswer: the request failed without an answer from EC2.
	DryRunNoAnswer
	// DryRunNotHonoured: the endpoint answered as if the request were real;
	// it does not support DryRun.
	DryRunNotHonoured
)

// DryRunCopy asks EC2 whether CopyImage with in would be allowed, without
// copying: it sends in with DryRun set and no ClientToken. The error is
// EC2's answer when it is not DryRunAllowed.
func (c *Client) DryRunCopy(ctx context.Context, in ec2.CopyImageInput) (DryRunVerdict, error) {
	in.DryRun = aws.Bool(true)
	in.ClientToken = nil
	_, err := c.api.CopyImage(ctx, &in)
	code := ErrorCode(err)
	switch {
	case code == "DryRunOperation":
		return DryRunAllowed, nil
	case IsTransient(err) || code == "ResourceLimitExceeded":
		return DryRunBusy, err
	case code == "UnauthorizedOperation":
		return DryRunUnauthorized, err
	case code != "":
		return DryRunRefused, err
	case err != nil:
		return DryRunNoAnswer, err
	default:
		return DryRunNotHonoured, nil
	}
}
