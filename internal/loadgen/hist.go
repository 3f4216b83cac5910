package loadgen

import (
	"math/bits"
	"time"
)

// Histogram counts latencies in log-linear buckets of microseconds, like an
// HDR histogram with two significant digits: exact below 128 µs, within
// 1/64 (1.6 %) above. Fixed size, no allocation per sample, mergeable.
type Histogram struct {
	counts [histBuckets]int64
	n      int64
	max    int64
}

const (
	histSub     = 64          // sub-buckets per power of two
	histLinear  = 2 * histSub // values below this are exact
	histBuckets = histLinear + 40*histSub
)

func bucketOf(us int64) int {
	if us < histLinear {
		if us < 0 {
			return 0
		}
		return int(us)
	}
	e := bits.Len64(uint64(us)) - 7 // us>>e is in [64, 128)
	i := histLinear + (e-1)*histSub + int(us>>e) - histSub
	return min(i, histBuckets-1)
}

// bucketValue is the midpoint of bucket i, in microseconds.
func bucketValue(i int) int64 {
	if i < histLinear {
		return int64(i)
	}
	e := (i-histLinear)/histSub + 1
	m := int64((i-histLinear)%histSub + histSub)
	lo := m << e
	return lo + (int64(1)<<e)/2
}

// Record adds one latency.
func (h *Histogram) Record(d time.Duration) {
	us := d.Microseconds()
	h.counts[bucketOf(us)]++
	h.n++
	if us > h.max {
		h.max = us
	}
}

// Merge adds o's counts to h.
func (h *Histogram) Merge(o *Histogram) {
	for i, c := range o.counts {
		h.counts[i] += c
	}
	h.n += o.n
	h.max = max(h.max, o.max)
}

// Count is how many latencies were recorded.
func (h *Histogram) Count() int64 { return h.n }

// Max is the largest latency recorded.
func (h *Histogram) Max() time.Duration { return time.Duration(h.max) * time.Microsecond }

// Quantile returns the latency at or below which a share q (0..1) of the
// samples fall.
func (h *Histogram) Quantile(q float64) time.Duration {
	if h.n == 0 {
		return 0
	}
	rank := int64(q*float64(h.n) + 0.5)
	rank = max(1, min(rank, h.n))
	if rank == h.n {
		return h.Max()
	}
	var seen int64
	for i, c := range h.counts {
		seen += c
		if seen >= rank {
			return time.Duration(min(bucketValue(i), h.max)) * time.Microsecond
		}
	}
	return h.Max()
}
