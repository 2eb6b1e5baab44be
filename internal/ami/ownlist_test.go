package ami

import (
	"context"
	"errors"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/ec2"
	"github.com/aws/aws-sdk-go-v2/service/ec2/types"
)

// ownListFake answers DescribeImages as EC2 does for the two kinds of
// request a refresh makes: the listing (Owners self, MaxResults) with one
// page of pageSize, and lookups by the image-id filter.
type ownListFake struct {
	images []types.Image
	// notOwned are found by ID but never listed.
	notOwned []types.Image
	pageSize int
	listErr  error
	// release, when set, holds every listing until it is closed.
	release chan struct{}

	mu       sync.Mutex
	listings []*ec2.DescribeImagesInput
	byID     [][]string
}

func (f *ownListFake) DescribeImages(ctx context.Context, in *ec2.DescribeImagesInput, _ ...func(*ec2.Options)) (*ec2.DescribeImagesOutput, error) {
	if len(in.Filters) == 0 {
		f.mu.Lock()
		f.listings = append(f.listings, in)
		f.mu.Unlock()
		if f.release != nil {
			select {
			case <-f.release:
			case <-ctx.Done():
				return nil, ctx.Err()
			}
		}
		if f.listErr != nil {
			return nil, f.listErr
		}
		page := f.images
		out := &ec2.DescribeImagesOutput{}
		if f.pageSize > 0 && len(page) > f.pageSize {
			page, out.NextToken = page[:f.pageSize], aws.String("page-2")
		}
		out.Images = page
		return out, nil
	}
	ids := in.Filters[0].Values
	f.mu.Lock()
	f.byID = append(f.byID, ids)
	f.mu.Unlock()
	out := &ec2.DescribeImagesOutput{}
	for _, img := range append(append([]types.Image{}, f.images...), f.notOwned...) {
		for _, id := range ids {
			if aws.ToString(img.ImageId) == id {
				out.Images = append(out.Images, img)
			}
		}
	}
	return out, nil
}

func (f *ownListFake) counts() int {
	f.mu.Lock()
	defer f.mu.Unlock()
	return len(f.listings)
}

func TestOwnImageList(t *testing.T) {
	ids := sequentialImageIDs(30)
	owned := availableImagesFor(ids[:20])
	deregistered := imageInState(ids[20], types.ImageStateDeregistered)
	shared := imageInState(ids[21], types.ImageStateAvailable) // EC2 finds it by ID, but the account does not own it.

	tests := []struct {
		name     string
		fake     *ownListFake
		refresh  []string
		wantList int
		// wantByID is the IDs that must be looked up by ID.
		wantByID []string
		wantErr  map[string]bool
	}{
		{
			name:     "every listed copy from one call",
			fake:     &ownListFake{images: owned},
			refresh:  ids[:20],
			wantList: 1,
		},
		{
			name:     "a copy the account does not own is looked up by ID",
			fake:     &ownListFake{images: owned, notOwned: []types.Image{shared}},
			refresh:  []string{ids[0], ids[21]},
			wantList: 1,
			wantByID: []string{ids[21]},
		},
		{
			name:     "a deregistered copy is looked up by ID and not found",
			fake:     &ownListFake{images: append(append([]types.Image{}, owned...), deregistered)},
			refresh:  []string{ids[20]},
			wantList: 1,
			wantByID: []string{ids[20]},
			wantErr:  map[string]bool{ids[20]: true},
		},
		{
			name:     "past one page: the page answers, the rest are looked up by ID",
			fake:     &ownListFake{images: owned, pageSize: 5},
			refresh:  ids[:8],
			wantList: 1,
			wantByID: ids[5:8],
		},
		{
			name:     "listing fails: every copy is looked up by ID, with one listing",
			fake:     &ownListFake{images: owned, listErr: errors.New("UnauthorizedOperation")},
			refresh:  ids[:3],
			wantList: 1,
			wantByID: ids[:3],
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			c := NewClient(&fakeEC2{}, "us-east-1")
			// Lookups by ID one at a time, so each is its own call.
			c.images = NewBatcher(tt.fake, BatcherOptions{Window: -1})
			c.own = NewOwnImageList(tt.fake)
			for _, id := range tt.refresh {
				img, err := c.RefreshImage(t.Context(), id)
				if tt.wantErr[id] {
					if !IsNotFound(err) {
						t.Errorf("RefreshImage(%s) = %v, want not found", id, err)
					}
					continue
				}
				if err != nil || aws.ToString(img.ImageId) != id {
					t.Errorf("RefreshImage(%s) = %s, %v", id, aws.ToString(img.ImageId), err)
				}
			}
			listings := tt.fake.counts()
			if listings != tt.wantList {
				t.Errorf("listings = %d, want %d", listings, tt.wantList)
			}
			var byID []string
			for _, call := range tt.fake.byID {
				byID = append(byID, call...)
			}
			if len(byID) != len(tt.wantByID) {
				t.Fatalf("looked up by ID: %v, want %v", byID, tt.wantByID)
			}
			for i := range byID {
				if byID[i] != tt.wantByID[i] {
					t.Errorf("looked up by ID: %v, want %v", byID, tt.wantByID)
				}
			}
			for _, in := range tt.fake.listings {
				if len(in.Owners) != 1 || in.Owners[0] != "self" || !aws.ToBool(in.IncludeDeprecated) || !aws.ToBool(in.IncludeDisabled) ||
					aws.ToInt32(in.MaxResults) != ownListPageSize || len(in.ImageIds) != 0 || in.NextToken != nil {
					t.Errorf("listing request = %+v, want Owners self, deprecated and disabled included, MaxResults %d, first page", in, ownListPageSize)
				}
			}
		})
	}
}

// TestOwnImageListSharedByConcurrentRefreshes checks that the Reads that
// Terraform runs at once wait for one listing, not one each.
func TestOwnImageListSharedByConcurrentRefreshes(t *testing.T) {
	ids := sequentialImageIDs(10)
	fake := &ownListFake{images: availableImagesFor(ids), release: make(chan struct{})}
	list := NewOwnImageList(fake)
	var wg sync.WaitGroup
	var answered atomic.Int32
	for _, id := range ids {
		wg.Go(func() {
			if img, ok, err := list.Image(t.Context(), id); ok && err == nil && aws.ToString(img.ImageId) == id {
				answered.Add(1)
			}
		})
	}
	pollUntil(t, "the first listing", func() bool { return fake.counts() > 0 })
	close(fake.release)
	wg.Wait()
	if listings := fake.counts(); listings != 1 || answered.Load() != int32(len(ids)) {
		t.Errorf("%d listings answered %d of %d refreshes, want 1 listing answering all", listings, answered.Load(), len(ids))
	}
	if !list.Complete() {
		t.Error("Complete() = false for a list without NextToken")
	}
}

// TestOwnImageListAge checks that a list older than OwnListMaxAge is made
// again, and that one a little younger still answers.
func TestOwnImageListAge(t *testing.T) {
	ids := sequentialImageIDs(2)
	fake := &ownListFake{images: availableImagesFor(ids)}
	list := NewOwnImageList(fake)
	now := time.Date(2026, 12, 7, 12, 0, 0, 0, time.UTC)
	list.now = func() time.Time { return now }

	steps := []struct {
		after        time.Duration
		wantListings int
	}{
		{0, 1},
		{OwnListMaxAge - time.Second, 1},
		{time.Second, 2},
		{time.Second, 2},
	}
	for i, step := range steps {
		now = now.Add(step.after)
		if _, ok, err := list.Image(t.Context(), ids[i%2]); !ok || err != nil {
			t.Fatalf("step %d: Image = %v, %v", i, ok, err)
		}
		if got := fake.counts(); got != step.wantListings {
			t.Errorf("step %d (+%s): %d listings, want %d", i, step.after, got, step.wantListings)
		}
	}
}

// TestOwnImageListCallerCancelled checks that a Read whose context ends
// while the list is made returns at once, and that the listing goes on for
// the others.
func TestOwnImageListCallerCancelled(t *testing.T) {
	ids := sequentialImageIDs(2)
	fake := &ownListFake{images: availableImagesFor(ids), release: make(chan struct{})}
	list := NewOwnImageList(fake)
	ctx, cancel := context.WithCancel(t.Context())
	done := make(chan error, 1)
	go func() {
		_, _, err := list.Image(ctx, ids[0])
		done <- err
	}()
	pollUntil(t, "the listing", func() bool { return fake.counts() > 0 })
	cancel()
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("cancelled Image = %v, want context.Canceled", err)
	}
	close(fake.release)
	if _, ok, err := list.Image(t.Context(), ids[1]); !ok || err != nil {
		t.Errorf("Image after a caller left = %v, %v; want the same listing to answer", ok, err)
	}
	if n := fake.counts(); n != 1 {
		t.Errorf("%d listings, want 1", n)
	}
}
