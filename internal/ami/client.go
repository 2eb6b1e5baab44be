package ami

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
	smithyhttp "github.com/aws/smithy-go/transport/http"
)

// EC2API is the part of *ec2.Client that the provider uses. Calling EC2
// through this small interface keeps the tests simple and lets the linker drop
// the hundreds of EC2 operations the provider never calls.
type EC2API interface {
	DescribeImagesAPI
	CopyImage(ctx context.Context, in *ec2.CopyImageInput, optFns ...func(*ec2.Options)) (*ec2.CopyImageOutput, error)
	CreateTags(ctx context.Context, in *ec2.CreateTagsInput, optFns ...func(*ec2.Options)) (*ec2.CreateTagsOutput, error)
	DeleteTags(ctx context.Context, in *ec2.DeleteTagsInput, optFns ...func(*ec2.Options)) (*ec2.DeleteTagsOutput, error)
	DeregisterImage(ctx context.Context, in *ec2.DeregisterImageInput, optFns ...func(*ec2.Options)) (*ec2.DeregisterImageOutput, error)
	DescribeSnapshots(ctx context.Context, in *ec2.DescribeSnapshotsInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSnapshotsOutput, error)
	DeleteSnapshot(ctx context.Context, in *ec2.DeleteSnapshotInput, optFns ...func(*ec2.Options)) (*ec2.DeleteSnapshotOutput, error)
	ModifyImageAttribute(ctx context.Context, in *ec2.ModifyImageAttributeInput, optFns ...func(*ec2.Options)) (*ec2.ModifyImageAttributeOutput, error)
	EnableImageDeprecation(ctx context.Context, in *ec2.EnableImageDeprecationInput, optFns ...func(*ec2.Options)) (*ec2.EnableImageDeprecationOutput, error)
	DisableImageDeprecation(ctx context.Context, in *ec2.DisableImageDeprecationInput, optFns ...func(*ec2.Options)) (*ec2.DisableImageDeprecationOutput, error)
	EnableImageDeregistrationProtection(ctx context.Context, in *ec2.EnableImageDeregistrationProtectionInput, optFns ...func(*ec2.Options)) (*ec2.EnableImageDeregistrationProtectionOutput, error)
	DisableImageDeregistrationProtection(ctx context.Context, in *ec2.DisableImageDeregistrationProtectionInput, optFns ...func(*ec2.Options)) (*ec2.DisableImageDeregistrationProtectionOutput, error)
	DescribeImageAttribute(ctx context.Context, in *ec2.DescribeImageAttributeInput, optFns ...func(*ec2.Options)) (*ec2.DescribeImageAttributeOutput, error)
	DescribeSnapshotAttribute(ctx context.Context, in *ec2.DescribeSnapshotAttributeInput, optFns ...func(*ec2.Options)) (*ec2.DescribeSnapshotAttributeOutput, error)
	ModifySnapshotAttribute(ctx context.Context, in *ec2.ModifySnapshotAttributeInput, optFns ...func(*ec2.Options)) (*ec2.ModifySnapshotAttributeOutput, error)
	GetEbsDefaultKmsKeyId(ctx context.Context, in *ec2.GetEbsDefaultKmsKeyIdInput, optFns ...func(*ec2.Options)) (*ec2.GetEbsDefaultKmsKeyIdOutput, error)
	GetImageBlockPublicAccessState(ctx context.Context, in *ec2.GetImageBlockPublicAccessStateInput, optFns ...func(*ec2.Options)) (*ec2.GetImageBlockPublicAccessStateOutput, error)
}

// Client does the EC2 work for one Region. Reads and waits go through a
// shared Batcher, so concurrent resources in one Region share DescribeImages
// calls.
type Client struct {
	api    EC2API
	region string
	images *Batcher
	// names answers plan-time questions about this account's AMI names,
	// batched like images.
	names *Batcher
	poll  PollSchedule
	// copyBackoff is how long Copy waits after EC2 refuses a copy for the
	// concurrent-copy limit.
	copyBackoff PollSchedule
	// copyBackoffTimer starts Copy's wait before a retry; nil means
	// time.After. Tests replace it to end the context exactly when the
	// timer fires.
	copyBackoffTimer func(time.Duration) <-chan time.Time
	// notFoundGrace is how long a waiter accepts "not found" for a new copy.
	notFoundGrace time.Duration
}

// NewClient returns a Client for one Region.
func NewClient(api EC2API, region string) *Client {
	return &Client{
		api:           api,
		region:        region,
		images:        NewBatcher(api, BatcherOptions{}),
		names:         NewOwnNameBatcher(api, BatcherOptions{}),
		poll:          DefaultPollSchedule,
		copyBackoff:   copyLimitBackoff,
		notFoundGrace: notFoundGrace,
	}
}

// Region is the Region this client works in.
func (c *Client) Region() string { return c.region }

// API is the raw EC2 API of this Region, for the few calls that need no
// logic of their own (preflight DryRun, for example).
func (c *Client) API() EC2API { return c.api }

// BatcherStats reports how many DescribeImages calls this Region's reads
// have cost so far.
func (c *Client) BatcherStats() BatcherStats { return c.images.Stats() }

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

// FindImage returns the image, or a *NotFoundError when it does not exist
// or is deregistered. Deprecated and disabled images are found too.
func (c *Client) FindImage(ctx context.Context, imageID string) (types.Image, error) {
	return c.images.Image(ctx, imageID)
}

// OwnImageNamed returns this account's image with the given name, or a
// *NotFoundError when it has none. Concurrent lookups in the Region share
// DescribeImages calls, so a plan over many new copies asks about their
// names in a few calls.
func (c *Client) OwnImageNamed(ctx context.Context, name string) (types.Image, error) {
	return c.names.Image(ctx, name)
}

// IsOwnImage reports whether this account owns the image: whether EC2
// lists it when asked only for the account's own images (DescribeImages
// with Owners self). Public images and images shared by other accounts are
// not listed then.
func (c *Client) IsOwnImage(ctx context.Context, imageID string) (bool, error) {
	out, err := c.api.DescribeImages(ctx, &ec2.DescribeImagesInput{
		Owners:            []string{"self"},
		Filters:           []types.Filter{{Name: aws.String("image-id"), Values: []string{imageID}}},
		IncludeDeprecated: aws.Bool(true),
		IncludeDisabled:   aws.Bool(true),
	})
	if err != nil {
		return false, err
	}
	for _, img := range out.Images {
		if aws.ToString(img.ImageId) == imageID {
			return true, nil
		}
	}
	return false, nil
}

// FindOwnImageByName returns this account's image with the given name. AMI
// names are unique per account and Region (EC2 refuses a CopyImage whose
// name is in use with InvalidAMIName.Duplicate, which the plan-time name
// check also relies on), which makes the name a safe key to find a copy
// whose CopyImage answer was lost.
func (c *Client) FindOwnImageByName(ctx context.Context, name string) (types.Image, error) {
	out, err := c.api.DescribeImages(ctx, &ec2.DescribeImagesInput{
		Owners:            []string{"self"},
		Filters:           []types.Filter{{Name: aws.String("name"), Values: []string{name}}},
		IncludeDeprecated: aws.Bool(true),
		IncludeDisabled:   aws.Bool(true),
	})
	if err != nil {
		return types.Image{}, err
	}
	for _, img := range out.Images {
		if aws.ToString(img.Name) == name && img.State != types.ImageStateDeregistered {
			return img, nil
		}
	}
	return types.Image{}, &NotFoundError{ID: name, Reason: "no image of this account has that name"}
}

// copyLimitBackoff is how long Copy waits before retrying a CopyImage that
// EC2 refused because the account has too many copies in flight.
var copyLimitBackoff = PollSchedule{Initial: 5 * time.Second, Factor: 2, Max: time.Minute}

// Copy calls CopyImage and returns the new image's ID. The SDK's retryer
// already retries throttling and lost answers with the same ClientToken, so
// EC2 makes at most one copy. EC2's concurrent-copy limit
// (ResourceLimitExceeded) is not retried by the SDK: Copy waits for copies
// in flight to finish and tries again until ctx ends.
func (c *Client) Copy(ctx context.Context, in *ec2.CopyImageInput) (string, error) {
	wait := c.copyBackoff.Initial
	for {
		out, err := c.api.CopyImage(ctx, in)
		if err == nil {
			return aws.ToString(out.ImageId), nil
		}
		if ErrorCode(err) != "ResourceLimitExceeded" {
			return "", err
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
			return "", fmt.Errorf("still at EC2's limit of concurrent AMI copies when the timeout ended: %w", err)
		}
		wait = c.copyBackoff.next(wait)
	}
}

// IsTransient reports whether err is throttling, a failure on EC2's side
// or a broken connection: worth a warning and a later retry, not a verdict.
func IsTransient(err error) bool {
	return err != nil && isTransientLookupError(err) && !errors.Is(err, context.Canceled)
}

// IsAmbiguousCopyError reports whether a failed CopyImage may nevertheless
// have started a copy: the answer was lost, EC2 failed on its side, or the
// caller gave up (an interrupt or a timeout) while a request may already
// have reached EC2. EC2's refusals of the request (4xx codes) are not
// ambiguous.
func IsAmbiguousCopyError(err error) bool {
	if err == nil {
		return false
	}
	code := ErrorCode(err)
	return code == "" || serverSideCodes[code] || throttlingCodes[code]
}

// serverSideCodes are EC2's codes for a failure on its side: the request may
// or may not have been carried out, and trying again later may work.
var serverSideCodes = map[string]bool{
	"InternalError":      true,
	"InternalFailure":    true,
	"ServiceUnavailable": true,
	"Unavailable":        true,
}

// throttlingCodes are EC2's codes for a request refused because the account
// sent too many; trying again later works.
var throttlingCodes = map[string]bool{
	"RequestLimitExceeded":      true,
	"Throttling":                true,
	"ThrottlingException":       true,
	"RequestThrottled":          true,
	"EC2ThrottledException":     true,
	"RequestThrottledException": true,
}

// isTransientLookupError reports whether a failed poll is worth repeating
// rather than ending a wait: EC2 throttled or failed on its side after the
// SDK's retries, the connection broke, or the shared DescribeImages call ran
// out of its own time. Ending a wait taints a copy that may be nearly done,
// so only errors that say something about the image or the caller's rights
// end it. The caller checks its own context first.
func isTransientLookupError(err error) bool {
	if errors.Is(err, context.DeadlineExceeded) || errors.Is(err, context.Canceled) {
		return true
	}
	var sendErr *smithyhttp.RequestSendError
	if errors.As(err, &sendErr) {
		return true
	}
	code := ErrorCode(err)
	return serverSideCodes[code] || throttlingCodes[code]
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

// notFoundGrace is how long a waiter accepts "not found" for an image it
// has just created: EC2 is eventually consistent and may not list a new AMI
// for a while after CopyImage answers.
const notFoundGrace = 5 * time.Minute

// snapshotProgressEvery limits how often a waiter asks DescribeSnapshots.
const snapshotProgressEvery = time.Minute

// WaitForAvailable polls until the image is available and returns it. It
// stops at once when EC2 reports a failed copy (*CopyFailedError) or a lookup
// fails for a reason that repeating cannot cure. Throttling, EC2's own
// failures and broken connections only cost a poll: the copy goes on in EC2
// regardless. When ctx ends, it returns ctx's error, wrapped with the last
// state seen and the last failed poll.
func (c *Client) WaitForAvailable(ctx context.Context, imageID string, report func(Progress)) (types.Image, error) {
	start := time.Now()
	interval := c.poll.Initial
	lastState := "not yet listed"
	var lastErr error
	var lastSnapshotCheck time.Time
	var snapshotProgress []string
	ended := func() error {
		msg := fmt.Sprintf("image %s was still %s after %s", imageID, lastState, time.Since(start).Round(time.Second))
		if lastErr != nil {
			msg += fmt.Sprintf(" (the last poll failed: %v)", lastErr)
		}
		return fmt.Errorf("%s: %w", msg, ctx.Err())
	}
	for {
		img, err := c.FindImage(ctx, imageID)
		switch {
		case err == nil:
			lastErr = nil
			lastState = string(img.State)
			switch img.State {
			case types.ImageStateAvailable:
				return img, nil
			case types.ImageStateFailed, types.ImageStateInvalid, types.ImageStateError:
				failed := &CopyFailedError{ImageID: imageID, State: string(img.State)}
				if img.StateReason != nil {
					failed.Code = aws.ToString(img.StateReason.Code)
					failed.Message = aws.ToString(img.StateReason.Message)
				}
				return img, failed
			case types.ImageStateDeregistered:
				return img, &DeregisteredImageError{ImageID: imageID}
			}
			if time.Since(lastSnapshotCheck) >= snapshotProgressEvery {
				lastSnapshotCheck = time.Now()
				snapshotProgress = c.snapshotProgress(ctx, img)
			}
		case ctx.Err() != nil:
			return types.Image{}, ended()
		case isDeregistered(err):
			// EC2 lists a deregistered image for a while; it is gone for
			// good, unlike a new image EC2 does not list yet. No copy is in
			// progress, so waiting on is pointless.
			return types.Image{}, &DeregisteredImageError{ImageID: imageID, err: err}
		case IsNotFound(err) && time.Since(start) < c.notFoundGrace:
			// EC2 has not caught up with its own CopyImage answer yet.
			lastErr = nil
		case IsNotFound(err):
			return types.Image{}, &NeverListedError{ImageID: imageID, Waited: c.notFoundGrace, err: err}
		case isTransientLookupError(err):
			lastErr = err
		default:
			return types.Image{}, err
		}
		if report != nil {
			report(Progress{ImageID: imageID, State: lastState, Elapsed: time.Since(start), SnapshotProgress: snapshotProgress})
		}
		select {
		case <-ctx.Done():
			return types.Image{}, ended()
		case <-time.After(interval):
		}
		interval = c.poll.next(interval)
	}
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
	ids := SnapshotIDs(img)
	if len(ids) == 0 {
		return nil
	}
	out, err := c.api.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{
		OwnerIds: []string{"self"},
		Filters:  []types.Filter{{Name: aws.String("snapshot-id"), Values: ids}},
	})
	if err != nil {
		return nil
	}
	progress := make([]string, 0, len(out.Snapshots))
	for _, s := range out.Snapshots {
		progress = append(progress, fmt.Sprintf("%s: %s", aws.ToString(s.SnapshotId), aws.ToString(s.Progress)))
	}
	sort.Strings(progress)
	return progress
}

// PropagationTimeout bounds how long WaitUntil waits for EC2 to show a
// change it has accepted. EC2 usually shows one within seconds; an endpoint
// that never does (some EC2 emulators ignore changes) must not hold an apply
// for its whole timeout.
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

// WaitUntil polls the image until done returns true. It exists for EC2's
// eventual consistency after in-place changes: a Read right after
// ModifyImageAttribute may still see the old value. It gives up with a
// *NotPropagatedError after PropagationTimeout.
func (c *Client) WaitUntil(ctx context.Context, imageID string, done func(types.Image) bool) (types.Image, error) {
	start := time.Now()
	waitCtx, cancel := context.WithTimeout(ctx, PropagationTimeout)
	defer cancel()
	interval := c.poll.Initial
	for {
		img, err := c.FindImage(waitCtx, imageID)
		if err != nil && waitCtx.Err() == nil && !isTransientLookupError(err) {
			return img, err
		}
		if err == nil && done(img) {
			return img, nil
		}
		select {
		case <-waitCtx.Done():
		case <-time.After(interval):
			interval = c.poll.next(interval)
			continue
		}
		if ctx.Err() != nil {
			return img, fmt.Errorf("EC2 did not show the change to image %s in time: %w", imageID, ctx.Err())
		}
		return img, &NotPropagatedError{ImageID: imageID, Waited: time.Since(start)}
	}
}

// SnapshotIDs lists the EBS snapshots behind an image's block devices.
func SnapshotIDs(img types.Image) []string {
	var ids []string
	for _, m := range img.BlockDeviceMappings {
		if m.Ebs != nil && aws.ToString(m.Ebs.SnapshotId) != "" {
			ids = append(ids, aws.ToString(m.Ebs.SnapshotId))
		}
	}
	return ids
}

// RootSnapshotID returns the snapshot behind the image's root device, or ""
// when the root device is not an EBS volume with a snapshot. The AWS
// provider's aws_ami and aws_ami_copy report it as root_snapshot_id.
func RootSnapshotID(img types.Image) string {
	root := aws.ToString(img.RootDeviceName)
	if root == "" {
		return ""
	}
	for _, m := range img.BlockDeviceMappings {
		if aws.ToString(m.DeviceName) == root && m.Ebs != nil {
			return aws.ToString(m.Ebs.SnapshotId)
		}
	}
	return ""
}

// DeregisterResult says what Deregister left behind on purpose.
type DeregisterResult struct {
	// KeptSnapshots are snapshots that could not be deleted because
	// another AMI still uses them, as EC2 documents for
	// DeleteAssociatedSnapshots.
	KeptSnapshots []string
}

// Deregister deregisters the image and, when deleteSnapshots is set, deletes
// the given snapshots (the copy's own). It asks EC2 to delete them with
// DeleteAssociatedSnapshots, then deletes whatever is left, because EC2 keeps
// a snapshot that other AMIs share and some EC2-compatible endpoints ignore
// the flag. An image or snapshot that is already gone counts as deleted.
func (c *Client) Deregister(ctx context.Context, imageID string, snapshotIDs []string, deleteSnapshots bool) (DeregisterResult, error) {
	var result DeregisterResult
	out, err := c.api.DeregisterImage(ctx, &ec2.DeregisterImageInput{
		ImageId:                   aws.String(imageID),
		DeleteAssociatedSnapshots: aws.Bool(deleteSnapshots),
	})
	if err != nil && !isNotFoundCode(err) {
		return result, err
	}
	// EC2 reports which snapshots it deleted; only the others need a call.
	deleted := map[string]bool{}
	if out != nil {
		for _, r := range out.DeleteSnapshotResults {
			if r.ReturnCode == types.SnapshotReturnCodesSuccess {
				deleted[aws.ToString(r.SnapshotId)] = true
			}
		}
	}
	if err := c.WaitForGone(ctx, imageID); err != nil {
		return result, err
	}
	if !deleteSnapshots {
		return result, nil
	}
	for _, id := range snapshotIDs {
		if deleted[id] {
			continue
		}
		_, err := c.api.DeleteSnapshot(ctx, &ec2.DeleteSnapshotInput{SnapshotId: aws.String(id)})
		switch {
		case err == nil, isNotFoundCode(err):
		case ErrorCode(err) == "InvalidSnapshot.InUse":
			result.KeptSnapshots = append(result.KeptSnapshots, id)
		default:
			return result, fmt.Errorf("deleting snapshot %s of image %s: %w", id, imageID, err)
		}
	}
	return result, nil
}

// WaitForGone polls until EC2 no longer lists the image.
func (c *Client) WaitForGone(ctx context.Context, imageID string) error {
	interval := c.poll.Initial
	for {
		_, err := c.FindImage(ctx, imageID)
		if IsNotFound(err) {
			return nil
		}
		if err != nil {
			return err
		}
		select {
		case <-ctx.Done():
			return fmt.Errorf("EC2 still lists image %s: %w", imageID, ctx.Err())
		case <-time.After(interval):
		}
		interval = c.poll.next(interval)
	}
}

// UpdateTags makes the tags of the given resources go from oldTags to
// newTags with at most one DeleteTags and one CreateTags call.
func (c *Client) UpdateTags(ctx context.Context, resourceIDs []string, oldTags, newTags map[string]string) error {
	if len(resourceIDs) == 0 {
		return nil
	}
	var removed []types.Tag
	for k := range oldTags {
		if _, ok := newTags[k]; !ok {
			removed = append(removed, types.Tag{Key: aws.String(k)})
		}
	}
	if len(removed) > 0 {
		if _, err := c.api.DeleteTags(ctx, &ec2.DeleteTagsInput{Resources: resourceIDs, Tags: removed}); err != nil {
			return fmt.Errorf("removing tags from %s: %w", strings.Join(resourceIDs, ", "), err)
		}
	}
	var changed []types.Tag
	for _, k := range sortedKeys(newTags) {
		if v, ok := oldTags[k]; !ok || v != newTags[k] {
			changed = append(changed, types.Tag{Key: aws.String(k), Value: aws.String(newTags[k])})
		}
	}
	if len(changed) > 0 {
		if _, err := c.api.CreateTags(ctx, &ec2.CreateTagsInput{Resources: resourceIDs, Tags: changed}); err != nil {
			return fmt.Errorf("tagging %s: %w", strings.Join(resourceIDs, ", "), err)
		}
	}
	return nil
}

// SnapshotTags returns the tags of each snapshot, by snapshot ID. Snapshots
// that no longer exist are left out.
func (c *Client) SnapshotTags(ctx context.Context, snapshotIDs []string) (map[string]map[string]string, error) {
	result := map[string]map[string]string{}
	if len(snapshotIDs) == 0 {
		return result, nil
	}
	// Owner self keeps EC2 from searching public and shared snapshots; the
	// filter, unlike SnapshotIds, does not fail when one is gone.
	out, err := c.api.DescribeSnapshots(ctx, &ec2.DescribeSnapshotsInput{
		OwnerIds: []string{"self"},
		Filters:  []types.Filter{{Name: aws.String("snapshot-id"), Values: snapshotIDs}},
	})
	if err != nil {
		return nil, err
	}
	for _, s := range out.Snapshots {
		result[aws.ToString(s.SnapshotId)] = TagMap(s.Tags)
	}
	return result, nil
}

// SetDescription changes the image's description and waits until EC2 shows
// the new one.
func (c *Client) SetDescription(ctx context.Context, imageID, description string) error {
	_, err := c.api.ModifyImageAttribute(ctx, &ec2.ModifyImageAttributeInput{
		ImageId:     aws.String(imageID),
		Description: &types.AttributeValue{Value: aws.String(description)},
	})
	if err != nil {
		return err
	}
	_, err = c.WaitUntil(ctx, imageID, func(img types.Image) bool { return aws.ToString(img.Description) == description })
	return err
}

// TagMap turns EC2 tags into a map.
func TagMap(tags []types.Tag) map[string]string {
	m := make(map[string]string, len(tags))
	for _, t := range tags {
		m[aws.ToString(t.Key)] = aws.ToString(t.Value)
	}
	return m
}

// EC2Tags turns a map into EC2 tags, sorted by key so requests repeat.
func EC2Tags(m map[string]string) []types.Tag {
	tags := make([]types.Tag, 0, len(m))
	for _, k := range sortedKeys(m) {
		tags = append(tags, types.Tag{Key: aws.String(k), Value: aws.String(m[k])})
	}
	return tags
}

// sortedKeys returns the keys of m in order, so requests repeat.
func sortedKeys(m map[string]string) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys
}
