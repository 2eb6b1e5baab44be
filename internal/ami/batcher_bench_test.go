package ami

import (
	"fmt"
	"math/rand/v2"
	"testing"
	"time"
)

// BenchmarkBatcherImage measures lookups through a shared Batcher from many
// goroutines, as a refresh or a set of waiters would make them. Besides time
// per lookup it reports calls/op (DescribeImages requests per lookup; 1 would
// mean no sharing) and ids/call.
func BenchmarkBatcherImage(b *testing.B) {
	ids := sequentialImageIDs(1000)
	benchmarks := []struct {
		window  time.Duration
		latency time.Duration
	}{
		{window: -1, latency: 0},
		{window: time.Millisecond, latency: 0},
		{window: time.Millisecond, latency: 5 * time.Millisecond},
		{window: defaultBatchWindow, latency: 5 * time.Millisecond},
	}
	for _, bm := range benchmarks {
		b.Run(fmt.Sprintf("window=%v/latency=%v", max(bm.window, 0), bm.latency), func(b *testing.B) {
			fake := newDescribeImagesFake(availableImagesFor(ids)...)
			fake.delay = bm.latency
			batcher := NewBatcher(fake, BatcherOptions{Window: bm.window})
			// Many more lookups in flight than cores, like a refresh of
			// hundreds of resources.
			b.SetParallelism(64)
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				ctx := b.Context()
				for pb.Next() {
					id := ids[rand.IntN(len(ids))]
					image, err := batcher.Image(ctx, id)
					if err != nil {
						b.Errorf("Image(%s): %v", id, err)
						return
					}
					if got := *image.ImageId; got != id {
						b.Errorf("Image(%s) returned %s", id, got)
						return
					}
				}
			})
			b.StopTimer()
			stats := batcher.Stats()
			b.ReportMetric(float64(stats.Calls)/float64(stats.Lookups), "calls/op")
			if stats.Calls > 0 {
				b.ReportMetric(float64(stats.ImagesRequested)/float64(stats.Calls), "ids/call")
			}
		})
	}
}
