package ami

import (
	"context"
	"fmt"
	"time"
)

// PollSchedule is how long a waiter sleeps between polls: Initial at first,
// multiplied by Factor after every poll, never more than Max.
type PollSchedule struct {
	Initial time.Duration
	Factor  float64
	Max     time.Duration
}

// DefaultPollSchedule polls after 1s, 2s, 4s, 8s, 16s and then every 30s. A
// copy that finishes within a few seconds is seen within a second or two,
// and a copy that takes an hour costs about 125 polls, shared by every image
// being waited on in the Region.
var DefaultPollSchedule = PollSchedule{Initial: time.Second, Factor: 2, Max: 30 * time.Second}

// next returns the interval after d.
func (s PollSchedule) next(d time.Duration) time.Duration {
	n := time.Duration(float64(d) * s.Factor)
	if n > s.Max {
		return s.Max
	}
	return n
}

// until calls check, then sleeps by the schedule and calls it again, until
// check reports done or fails, or ctx ends. It is the one poll loop of the
// package: every waiter is a check run by it. When ctx ends first, it
// returns ctx's error itself (not wrapped), so callers can tell that apart
// from check's errors with ==.
func (s PollSchedule) until(ctx context.Context, check func() (done bool, err error)) error {
	interval := s.Initial
	for {
		done, err := check()
		if done || err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return ctx.Err()
		case <-time.After(interval):
		}
		interval = s.next(interval)
	}
}

// PropagationTimeout bounds how long WaitForPropagation waits for EC2 to
// show a change it has accepted. EC2 usually shows one within seconds; an
// endpoint that never does (some EC2 emulators ignore changes) must not
// hold an apply for its whole timeout.
const PropagationTimeout = time.Minute

// NotPropagatedError says that EC2 accepted a change but did not show it
// within PropagationTimeout.
type NotPropagatedError struct {
	ImageID string
	Waited  time.Duration
}

func (e *NotPropagatedError) Error() string {
	return fmt.Sprintf("EC2 accepted the change to image %s but still did not show it after %s", e.ImageID, e.Waited.Round(time.Second))
}

// WaitForPropagation polls shown until it reports that EC2 shows the
// changes just made to the image. It exists for EC2's eventual consistency
// after in-place changes: a read right after ModifyImageAttribute or
// CreateTags may still see the old value. Transient errors of shown only
// cost a poll. It gives up with a *NotPropagatedError after
// PropagationTimeout, and with ctx's error when ctx ends first.
func (c *Client) WaitForPropagation(ctx context.Context, imageID string, shown func(context.Context) (bool, error)) error {
	start := time.Now()
	waitCtx, cancel := context.WithTimeout(ctx, PropagationTimeout)
	defer cancel()
	err := c.poll.until(waitCtx, func() (bool, error) {
		done, err := shown(waitCtx)
		if err != nil && (waitCtx.Err() != nil || isTransientLookupError(err)) {
			return false, nil //nolint:nilerr // A transient error, or the end of the wait, only costs a poll; the switch below tells which.
		}
		return done, err
	})
	switch {
	case err == nil || err != waitCtx.Err():
		return err
	case ctx.Err() != nil:
		return fmt.Errorf("EC2 did not show the change to image %s in time: %w", imageID, ctx.Err())
	default:
		return &NotPropagatedError{ImageID: imageID, Waited: time.Since(start)}
	}
}

// WaitForGone polls until EC2 no longer lists the image.
func (c *Client) WaitForGone(ctx context.Context, imageID string) error {
	err := c.poll.until(ctx, func() (bool, error) {
		_, err := c.FindImage(ctx, imageID)
		if IsNotFound(err) {
			return true, nil
		}
		return false, err
	})
	if err != nil && err == ctx.Err() {
		return fmt.Errorf("EC2 still lists image %s: %w", imageID, ctx.Err())
	}
	return err
}
