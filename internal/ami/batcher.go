package ami

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

const (
	// defaultBatchWindow is how long a batch waits after its latest lookup
	// for another. It must outlast the gaps between the Reads that Terraform
	// starts one after another as its parallelism slots free up, and between
	// the first polls of copies whose CopyImage calls ended at different
	// times: on a busy two-core machine those gaps reach 30ms, and a fixed
	// 20ms window made a refresh of 100 copies cost 30 to 40 calls instead
	// of 10. It stays short next to a plan, so a lone lookup hardly notices.
	defaultBatchWindow = 50 * time.Millisecond

	// defaultBatchMaxWindow caps how long a batch keeps waiting while
	// lookups keep arriving, counted from its first lookup. Terraform runs
	// at most -parallelism Reads at once, so arrivals stop by themselves once
	// every slot waits on the batch; the cap only matters for streams of
	// lookups that never pause.
	defaultBatchMaxWindow = 250 * time.Millisecond

	// maxImageIDsPerDescribe is EC2's limit on filter values in one call;
	// more fail the whole call with FilterLimitExceeded ("The maximum number
	// of filter values specified on a single call is 200").
	maxImageIDsPerDescribe = 200

	// defaultBatchCallTimeout bounds one shared DescribeImages call (all its
	// pages and SDK retries). The call does not follow any caller's deadline,
	// so without a bound a hung connection would hold back every later batch.
	defaultBatchCallTimeout = 2 * time.Minute

	// batchReasonNotListed and batchReasonDeregistered are the reasons of the
	// *NotFoundError that the batcher hands out.
	batchReasonNotListed    = "not listed by DescribeImages"
	batchReasonDeregistered = "deregistered"
)

// DescribeImagesAPI is the one EC2 call the batcher needs (an *ec2.Client satisfies it).
type DescribeImagesAPI interface {
	DescribeImages(ctx context.Context, in *ec2.DescribeImagesInput, optFns ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error)
}

var _ DescribeImagesAPI = (*ec2.Client)(nil)

// BatcherOptions tunes a Batcher; the zero value selects the defaults.
type BatcherOptions struct {
	// Window is how long a batch waits after its latest lookup for another
	// (default 50ms): each lookup that joins extends the wait, up to
	// MaxWindow. A negative value sends without waiting.
	Window time.Duration
	// MaxWindow is the longest a batch waits, from its first lookup
	// (default 250ms). A value below Window is raised to Window, which makes
	// the window fixed: it no longer extends as lookups join.
	MaxWindow time.Duration
	// MaxIDs is the most image IDs sent in one DescribeImages call (default
	// and upper bound 200, EC2's limit on filter values per call); a larger
	// batch is split into several calls.
	MaxIDs int
	// CallTimeout bounds one shared DescribeImages call, pages and retries
	// included (default 2m). Callers' own deadlines still apply to them.
	CallTimeout time.Duration
}

// BatcherStats counts a Batcher's work, so tests and benchmarks can tell how
// well lookups were shared.
type BatcherStats struct {
	// Lookups is the number of Image calls.
	Lookups int64
	// Calls is the number of DescribeImages requests sent; each page counts.
	Calls int64
	// ImagesRequested is the number of image IDs sent to EC2, counted once
	// per split call however many pages it took.
	ImagesRequested int64
}

// Batcher answers image lookups for one Region through shared DescribeImages
// calls, so that the calls grow with time and Regions rather than images.
//
// A batch gathers lookups until none has joined for Window, or until
// MaxWindow after its first lookup, whichever comes first: lookups that keep
// arriving in quick succession, like the Reads of a refresh that Terraform
// starts as its parallelism slots free up, share one call, while a lone
// lookup waits only Window. Once as many lookups wait as ever waited at once
// before the batch began (two or more), the batch goes without waiting out
// its window: in a refresh, that is every Read Terraform runs at a time, so
// no other lookup can come until some are answered, and waiting longer
// would only leave Terraform idle. At most one batch is in flight at a time;
// lookups arriving meanwhile gather into the next batch, which is sent when
// both its window has passed and the flight has ended. So the slower EC2
// answers (for example because the SDK's retryer is backing off from
// throttling), the larger and fewer the calls.
// A batch with more than MaxIDs distinct IDs is split into calls that run at
// the same time, as one flight.
type Batcher struct {
	api DescribeImagesAPI
	// filter is the DescribeImages filter the keys are sent in, owners
	// limits the images asked about, and keyOf is an image's key: its ID,
	// or for NewOwnNameBatcher its name.
	filter      string
	owners      []string
	keyOf       func(types.Image) *string
	window      time.Duration
	maxWindow   time.Duration
	maxIDs      int
	callTimeout time.Duration

	mu        sync.Mutex
	gathering *gatherBatch // lookups waiting for the next flight; nil if none
	inFlight  bool         // a batch's calls are running
	// waiting counts the lookups not yet answered, gathering or in flight;
	// peakWaiting is the most there have been at once.
	waiting     int
	peakWaiting int

	lookups         atomic.Int64
	calls           atomic.Int64
	imagesRequested atomic.Int64
}

// gatherBatch is the set of lookups that will share the next flight.
type gatherBatch struct {
	// ctx carries the first caller's values (loggers, tracing) but none of
	// its cancellation, so that no single caller can cancel the shared call.
	ctx context.Context
	// ids lists the distinct IDs in arrival order, for stable requests.
	ids []string
	// waiters holds every lookup by ID; duplicates share one filter value.
	waiters map[string][]*batchWaiter
	// closesAt is when the batch stops gathering: Window after its latest
	// lookup, but no later than MaxWindow after its first.
	closesAt time.Time
	// latestClose is the cap on closesAt, MaxWindow after the first lookup.
	latestClose time.Time
	// peakBefore is the most lookups that waited at once before this batch
	// began: when as many wait again, no other is likely to come.
	peakBefore int
	// windowOver is set when the window has passed while a flight was
	// running: the flight's end then sends this batch at once.
	windowOver bool
}

// batchCall is one DescribeImages call (with its pages) of a flight, for up
// to MaxIDs IDs.
type batchCall struct {
	ids    []string
	ctx    context.Context
	cancel context.CancelFunc
	// live counts the waiters still interested; when the last one leaves,
	// the call is cancelled.
	live int
}

// batchWaiter is one Image call waiting for its answer.
type batchWaiter struct {
	id     string
	result chan batchResult // buffered: the batcher never blocks on a caller
	call   *batchCall       // set when the batch is sent
	// settled is set once the waiter has its answer or has left; after that
	// nothing is sent to it and it no longer counts as live.
	settled bool
}

// batchResult is what a waiter receives: the images with its key, or an
// error.
type batchResult struct {
	images []types.Image
	err    error
}

// NewBatcher returns a Batcher that sends its DescribeImages calls through api;
// create one per Region and share it among everything that reads images there.
func NewBatcher(api DescribeImagesAPI, opts BatcherOptions) *Batcher {
	b := &Batcher{
		api:         api,
		filter:      "image-id",
		keyOf:       func(img types.Image) *string { return img.ImageId },
		window:      opts.Window,
		maxWindow:   opts.MaxWindow,
		maxIDs:      opts.MaxIDs,
		callTimeout: opts.CallTimeout,
	}
	if b.window == 0 {
		b.window = defaultBatchWindow
	}
	if b.window < 0 {
		b.window = 0
	}
	if b.maxWindow == 0 {
		b.maxWindow = defaultBatchMaxWindow
	}
	b.maxWindow = max(b.maxWindow, b.window)
	if b.maxIDs <= 0 || b.maxIDs > maxImageIDsPerDescribe {
		b.maxIDs = maxImageIDsPerDescribe
	}
	if b.callTimeout <= 0 {
		b.callTimeout = defaultBatchCallTimeout
	}
	return b
}

// NewOwnNameBatcher returns a Batcher whose keys are AMI names: Images(ctx,
// name) answers with this account's images of that name, sharing one
// DescribeImages (Owners self, a name filter) among concurrent lookups.
// A name may be held by several images: EC2 documents no uniqueness for
// the name of a copy (EC2 API Reference, CopyImage: Name is "The name of
// the new AMI"), and copies that share one are accepted. A deregistered
// image that EC2 still lists holds no name.
func NewOwnNameBatcher(api DescribeImagesAPI, opts BatcherOptions) *Batcher {
	b := NewBatcher(api, opts)
	b.filter = "name"
	b.owners = []string{"self"}
	b.keyOf = func(img types.Image) *string { return img.Name }
	return b
}

// Image returns the image with this ID, or a *NotFoundError when EC2 does not list it or lists it as deregistered.
//
// Any other error is the shared call's error, as the SDK returned it. When ctx
// ends first, Image returns ctx.Err() at once; the shared call goes on for the
// other callers. The returned image's slices and pointers may be shared with
// other callers of the same ID, so treat them as read-only.
func (b *Batcher) Image(ctx context.Context, imageID string) (types.Image, error) {
	images, err := b.Images(ctx, imageID)
	if err != nil {
		return types.Image{}, err
	}
	return images[0], nil
}

// Images is Image for a key that several images may share (a name, with
// NewOwnNameBatcher): it returns every image with the key that is not
// deregistered, in the order EC2 lists them, and at least one unless it
// returns an error.
func (b *Batcher) Images(ctx context.Context, key string) ([]types.Image, error) {
	if key == "" {
		return nil, errors.New("the image ID or name to look up is empty")
	}
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	b.lookups.Add(1)

	w := &batchWaiter{id: key, result: make(chan batchResult, 1)}
	b.join(ctx, w)

	select {
	case r := <-w.result:
		return r.images, r.err
	case <-ctx.Done():
		b.leave(w)
		return nil, ctx.Err()
	}
}

// Stats returns the counters so far.
func (b *Batcher) Stats() BatcherStats {
	return BatcherStats{
		Lookups:         b.lookups.Load(),
		Calls:           b.calls.Load(),
		ImagesRequested: b.imagesRequested.Load(),
	}
}

// join adds w to the gathering batch, starting a batch and its window if none
// is gathering, and otherwise extending the batch's window.
func (b *Batcher) join(ctx context.Context, w *batchWaiter) {
	b.mu.Lock()
	defer b.mu.Unlock()

	now := time.Now()
	batch := b.gathering
	if batch == nil {
		batch = &gatherBatch{
			ctx:         context.WithoutCancel(ctx),
			waiters:     make(map[string][]*batchWaiter),
			closesAt:    now.Add(b.window),
			latestClose: now.Add(b.maxWindow),
			peakBefore:  b.peakWaiting,
		}
		b.gathering = batch
		time.AfterFunc(b.window, func() { b.windowClosed(batch) })
	} else if !batch.windowOver {
		// The timer keeps its first deadline; when it fires early,
		// windowClosed sets a new one for what is left.
		batch.closesAt = minTime(now.Add(b.window), batch.latestClose)
	}
	if _, ok := batch.waiters[w.id]; !ok {
		batch.ids = append(batch.ids, w.id)
	}
	batch.waiters[w.id] = append(batch.waiters[w.id], w)
	b.waiting++
	b.peakWaiting = max(b.peakWaiting, b.waiting)

	// A lone lookup tells nothing about how many run at once, so a peak of
	// one does not count.
	if batch.peakBefore > 1 && b.waiting >= batch.peakBefore && !batch.windowOver {
		batch.closesAt = now
		if b.inFlight {
			batch.windowOver = true
			return
		}
		b.sendLocked()
	}
}

// leave withdraws a waiter whose caller has gone, and cancels its call when
// no one else is waiting for it.
func (b *Batcher) leave(w *batchWaiter) {
	b.mu.Lock()
	defer b.mu.Unlock()

	if w.settled {
		return
	}
	w.settled = true
	b.waiting--
	if c := w.call; c != nil {
		c.live--
		if c.live == 0 {
			c.cancel()
		}
	}
	// A waiter still gathering needs nothing more: send skips settled waiters,
	// and an ID nobody waits for any more is not asked for.
}

// windowClosed sends batch when its window has passed, unless a flight is
// running, in which case the flight's end sends it.
func (b *Batcher) windowClosed(batch *gatherBatch) {
	b.mu.Lock()
	defer b.mu.Unlock()

	if b.gathering != batch {
		return
	}
	if left := time.Until(batch.closesAt); left > 0 {
		// Lookups joined since the timer was set, and extended the window.
		time.AfterFunc(left, func() { b.windowClosed(batch) })
		return
	}
	if b.inFlight {
		batch.windowOver = true
		return
	}
	b.sendLocked()
}

// sendLocked starts the flight of the gathering batch. b.mu must be held.
func (b *Batcher) sendLocked() {
	batch := b.gathering
	b.gathering = nil

	var calls []*batchCall
	var current *batchCall
	for _, id := range batch.ids {
		live := 0
		for _, w := range batch.waiters[id] {
			if !w.settled {
				live++
			}
		}
		if live == 0 {
			continue
		}
		if current == nil || len(current.ids) == b.maxIDs {
			ctx, cancel := context.WithTimeout(batch.ctx, b.callTimeout)
			current = &batchCall{ctx: ctx, cancel: cancel}
			calls = append(calls, current)
		}
		current.ids = append(current.ids, id)
		current.live += live
		for _, w := range batch.waiters[id] {
			w.call = current
		}
	}
	if len(calls) == 0 {
		return
	}

	b.inFlight = true
	go b.fly(batch, calls)
}

// fly runs a flight's calls, hands out their answers and then sends the batch
// that gathered meanwhile, if its window is over.
func (b *Batcher) fly(batch *gatherBatch, calls []*batchCall) {
	var wg sync.WaitGroup
	for _, c := range calls[1:] {
		wg.Go(func() { b.run(batch, c) })
	}
	b.run(batch, calls[0])
	wg.Wait()

	b.mu.Lock()
	defer b.mu.Unlock()
	b.inFlight = false
	if b.gathering != nil && b.gathering.windowOver {
		b.sendLocked()
	}
}

// run makes one call and hands each of its waiters its own answer.
func (b *Batcher) run(batch *gatherBatch, c *batchCall) {
	defer c.cancel()
	found, err := b.describe(c.ctx, c.ids)

	b.mu.Lock()
	defer b.mu.Unlock()
	for _, id := range c.ids {
		r := batchAnswer(id, found, err)
		for _, w := range batch.waiters[id] {
			if w.settled {
				continue
			}
			w.settled = true
			b.waiting--
			w.result <- r
		}
	}
}

// minTime returns the earlier of two times.
func minTime(a, b time.Time) time.Time {
	if a.Before(b) {
		return a
	}
	return b
}

// batchAnswer is the answer for one ID: its images if listed and not
// deregistered, else the call's error if there was one, else not found.
// Images listed before a later page failed are still handed out. A
// deregistered image never hides a live one with the same key (a name that
// was used again).
func batchAnswer(id string, found map[string][]types.Image, err error) batchResult {
	listed := found[id]
	live := slices.DeleteFunc(slices.Clone(listed), func(image types.Image) bool { return image.State == types.ImageStateDeregistered })
	switch {
	case len(live) > 0:
		return batchResult{images: live}
	case len(listed) > 0:
		return batchResult{err: &NotFoundError{ID: id, Reason: batchReasonDeregistered}}
	case err != nil:
		return batchResult{err: err}
	default:
		return batchResult{err: &NotFoundError{ID: id, Reason: batchReasonNotListed}}
	}
}

// describe asks EC2 for ids, following NextToken, and returns the listed
// images by ID. It filters by image-id rather than passing ImageIds, because
// ImageIds fails the whole call with InvalidAMIID.NotFound when one ID is
// missing, while a filter just leaves it out. Deprecated and disabled images
// are included, since they still exist; no Owners filter, so shared and
// public images are found as well.
func (b *Batcher) describe(ctx context.Context, ids []string) (map[string][]types.Image, error) {
	b.imagesRequested.Add(int64(len(ids)))
	wanted := make(map[string]bool, len(ids))
	for _, id := range ids {
		wanted[id] = true
	}
	found := make(map[string][]types.Image, len(ids))

	var token string
	for {
		in := &ec2.DescribeImagesInput{
			Filters:           []types.Filter{{Name: aws.String(b.filter), Values: ids}},
			Owners:            b.owners,
			IncludeDeprecated: aws.Bool(true),
			IncludeDisabled:   aws.Bool(true),
		}
		if token != "" {
			in.NextToken = aws.String(token)
		}
		b.calls.Add(1)
		out, err := b.api.DescribeImages(ctx, in)
		if err != nil {
			return found, err
		}
		for _, image := range out.Images {
			// Match by key: an image EC2 lists that nobody asked for never
			// reaches a caller.
			if id := aws.ToString(b.keyOf(image)); wanted[id] {
				found[id] = append(found[id], image)
			}
		}
		next := aws.ToString(out.NextToken)
		if next == "" {
			return found, nil
		}
		if next == token {
			return found, fmt.Errorf("DescribeImages returned the same NextToken %q twice", next)
		}
		token = next
	}
}
