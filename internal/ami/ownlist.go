package ami

import (
	"context"
	"sync"
	"sync/atomic"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

const (
	// ownListPageSize is the most images one DescribeImages page holds
	// (EC2 API Reference, DescribeImages: MaxResults, at most 1000).
	ownListPageSize = 1000

	// OwnListMaxAge bounds how old a list may be and still answer a refresh.
	// A refresh reports the world as it is when the plan runs; one plan's
	// Reads in a Region all start within seconds of each other, so they
	// share one list, while a provider process that lives longer (a long
	// plan over thousands of copies, or a process that a tool keeps) lists
	// again rather than report images as they were minutes before.
	OwnListMaxAge = 60 * time.Second
)

// OwnImageList answers refreshes in one Region from a single listing of the
// account's own images: DescribeImages with Owners self, deprecated and
// disabled images included, one page of up to 1,000. The first refresh
// lists; the others that come within OwnListMaxAge are answered from that
// list, with no call and no batch window, so a refresh costs one call per
// Region however the copies are spread over Regions.
//
// A list answers only for the images it holds that are not deregistered.
// Anything else (an image on a later page, one the account does not own,
// a deregistered or recently deregistered one, or any image while listing
// fails) is left to the caller's lookup by ID, which keeps its handling.
// When the account owns more images than one page holds, the list answers
// for the page it has; the rest are looked up by ID as before, so the
// listing costs one call and saves at least as many as the page answers.
type OwnImageList struct {
	api     DescribeImagesAPI
	maxAge  time.Duration
	now     func() time.Time
	timeout time.Duration

	mu sync.Mutex
	// current is the latest listing, finished or running; nil before the
	// first.
	current *ownListing

	calls atomic.Int64
}

// ownListing is one DescribeImages page of the account's images.
type ownListing struct {
	// done is closed when the page has arrived or the call failed.
	done chan struct{}
	// startedAt is when the call was sent: the list describes the images
	// as they were then at the latest.
	startedAt time.Time
	images    map[string]types.Image
	// complete is set when the page held every image the account owns.
	complete bool
	err      error
}

// NewOwnImageList returns a list that calls api; create one per Region.
func NewOwnImageList(api DescribeImagesAPI) *OwnImageList {
	return &OwnImageList{api: api, maxAge: OwnListMaxAge, now: time.Now, timeout: defaultBatchCallTimeout}
}

// Calls is the number of DescribeImages calls the list has made.
func (l *OwnImageList) Calls() int64 { return l.calls.Load() }

// Image returns the image from a list no older than OwnListMaxAge, listing
// first when there is none. ok is false when the list does not answer for
// the image (see OwnImageList); the caller then looks it up by ID. An error
// is only ever ctx's.
func (l *OwnImageList) Image(ctx context.Context, imageID string) (img types.Image, ok bool, err error) {
	listing := l.listing(ctx)
	select {
	case <-listing.done:
	case <-ctx.Done():
		return types.Image{}, false, ctx.Err()
	}
	if listing.err != nil {
		// The listing failed: the caller looks the image up by ID, whose
		// own error, if EC2 still fails, is the one to report.
		return types.Image{}, false, nil //nolint:nilerr // A failed listing only means "not answered here".
	}
	img, ok = listing.images[imageID]
	if !ok || img.State == types.ImageStateDeregistered {
		return types.Image{}, false, nil
	}
	return img, true, nil
}

// Complete reports whether the latest list held every image the account
// owns in the Region (for tests and benchmarks).
func (l *OwnImageList) Complete() bool {
	l.mu.Lock()
	current := l.current
	l.mu.Unlock()
	if current == nil {
		return false
	}
	<-current.done
	return current.err == nil && current.complete
}

// listing returns the list to answer from: the current one while it is
// young enough (or still running), else a new one, started here. Callers
// that arrive while it runs wait for the same call.
func (l *OwnImageList) listing(ctx context.Context) *ownListing {
	l.mu.Lock()
	defer l.mu.Unlock()
	if c := l.current; c != nil && l.now().Sub(c.startedAt) < l.maxAge {
		return c
	}
	c := &ownListing{done: make(chan struct{}), startedAt: l.now()}
	l.current = c
	// The call serves every caller, so no single caller's cancellation may
	// end it; it keeps the first caller's values (loggers) and its own bound.
	callCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), l.timeout)
	go func() {
		defer cancel()
		defer close(c.done)
		c.images, c.complete, c.err = l.list(callCtx)
	}()
	return c
}

// list asks EC2 for one page of the account's images.
func (l *OwnImageList) list(ctx context.Context) (map[string]types.Image, bool, error) {
	l.calls.Add(1)
	out, err := l.api.DescribeImages(ctx, &ec2.DescribeImagesInput{
		Owners:            []string{"self"},
		IncludeDeprecated: aws.Bool(true),
		IncludeDisabled:   aws.Bool(true),
		MaxResults:        aws.Int32(ownListPageSize),
	})
	if err != nil {
		return nil, false, err
	}
	images := make(map[string]types.Image, len(out.Images))
	for _, img := range out.Images {
		images[aws.ToString(img.ImageId)] = img
	}
	return images, aws.ToString(out.NextToken) == "", nil
}
