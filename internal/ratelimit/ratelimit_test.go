package ratelimit_test

import (
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/ratelimit"
)

// limiterClock is a manual clock for the limiter; it is safe for concurrent use.
type limiterClock struct {
	mu sync.Mutex
	t  time.Time
}

func (c *limiterClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *limiterClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.t = c.t.Add(d)
}

// Test limiter: 3 attempts, one more per minute.
const (
	limEvery = time.Minute
	limBurst = 3
)

func newTestLimiter() (*ratelimit.Limiter, *limiterClock) {
	clock := &limiterClock{t: time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)}
	return ratelimit.New(limEvery, limBurst, clock.Now), clock
}

// requireWait checks a refusal's wait to the millisecond: the token bucket
// computes it in floating point.
func requireWait(t *testing.T, want, got time.Duration) {
	t.Helper()
	require.InDelta(t, float64(want), float64(got), float64(time.Millisecond), "wait %v, want %v", got, want)
}

// allowN calls Allow n times and returns how many succeeded.
func allowN(l *ratelimit.Limiter, key string, n int) int {
	ok := 0
	for range n {
		if allowed, _ := l.Allow(key); allowed {
			ok++
		}
	}
	return ok
}

func TestLimiter_BurstThenRefuse(t *testing.T) {
	t.Parallel()

	l, _ := newTestLimiter()
	for i := range limBurst {
		ok, wait := l.Allow("alice@example.com")
		require.True(t, ok, "attempt %d is within the burst", i+1)
		require.Zero(t, wait)
	}
	ok, wait := l.Allow("alice@example.com")
	require.False(t, ok)
	require.Positive(t, wait)
	requireWait(t, limEvery, wait)
}

func TestLimiter_Refill(t *testing.T) {
	t.Parallel()

	l, clock := newTestLimiter()
	require.Equal(t, limBurst, allowN(l, "k", limBurst+2))

	clock.Advance(limEvery / 2)
	ok, wait := l.Allow("k")
	require.False(t, ok, "half an interval refills half an attempt")
	requireWait(t, limEvery/2, wait)

	clock.Advance(limEvery / 2)
	require.Equal(t, 1, allowN(l, "k", 2), "one interval refills exactly one attempt")

	clock.Advance(10 * limEvery)
	require.Equal(t, limBurst, allowN(l, "k", limBurst+2), "refill stops at the burst")
}

func TestLimiter_RefusalDoesNotExtendLockout(t *testing.T) {
	t.Parallel()

	// Hammering a locked key must not push its next attempt further out:
	// refused reservations are cancelled.
	l, clock := newTestLimiter()
	require.Equal(t, limBurst, allowN(l, "k", limBurst))
	for range 10 {
		ok, wait := l.Allow("k")
		require.False(t, ok)
		requireWait(t, limEvery, wait)
	}
	clock.Advance(limEvery)
	ok, _ := l.Allow("k")
	require.True(t, ok)
}

func TestLimiter_CheckDoesNotConsume(t *testing.T) {
	t.Parallel()

	l, _ := newTestLimiter()

	for range 10 {
		ok, wait := l.Check("new-key")
		require.True(t, ok, "an unknown key has its whole burst")
		require.Zero(t, wait)
	}

	require.Equal(t, limBurst-1, allowN(l, "k", limBurst-1))
	for range 10 {
		ok, _ := l.Check("k")
		require.True(t, ok, "one attempt is left")
	}
	ok, _ := l.Allow("k")
	require.True(t, ok, "Check calls did not use the last attempt")

	ok, wait := l.Check("k")
	require.False(t, ok)
	requireWait(t, limEvery, wait)
	ok, wait2 := l.Check("k")
	require.False(t, ok)
	require.Equal(t, wait, wait2, "Check does not push the wait out")

	require.Equal(t, limBurst, allowN(l, "new-key", limBurst+1), "Check did not consume new-key's burst")
}

func TestLimiter_TakeConsumes(t *testing.T) {
	t.Parallel()

	l, clock := newTestLimiter()
	for range limBurst {
		ok, _ := l.Check("k")
		require.True(t, ok)
		l.Take("k")
	}
	ok, wait := l.Check("k")
	require.False(t, ok, "Take used every attempt")
	requireWait(t, limEvery, wait)

	l.Take("k") // taking from an empty bucket is a no-op, not a debt
	clock.Advance(limEvery)
	ok, _ = l.Check("k")
	require.True(t, ok)
}

func TestLimiter_IndependentKeys(t *testing.T) {
	t.Parallel()

	l, _ := newTestLimiter()
	require.Equal(t, limBurst, allowN(l, "alice@example.com", limBurst+1))

	ok, _ := l.Check("bob@example.com")
	require.True(t, ok, "another account is unaffected")
	require.Equal(t, limBurst, allowN(l, "203.0.113.7", limBurst+1), "an IP key has its own bucket")

	ok, _ = l.Check("alice@example.com")
	require.False(t, ok)
}

func TestLimiter_Sweep(t *testing.T) {
	t.Parallel()

	// Idle buckets are swept once they have refilled completely
	// (every × burst). Forgetting one must be indistinguishable from keeping
	// it; forgetting one too early would hand out a fresh burst.
	t.Run("PartlyRefilledKeyIsKept", func(t *testing.T) {
		t.Parallel()

		l, clock := newTestLimiter()
		require.Equal(t, limBurst, allowN(l, "k", limBurst))

		clock.Advance(limEvery + limEvery/2) // past the once-a-minute sweep, short of a full refill
		ok, _ := l.Allow("other")            // runs the sweep
		require.True(t, ok)
		require.Equal(t, 1, allowN(l, "k", limBurst), "k was remembered: one and a half attempts refilled, not a new burst")
	})

	t.Run("IdleKeyStartsFresh", func(t *testing.T) {
		t.Parallel()

		l, clock := newTestLimiter()
		require.Equal(t, limBurst, allowN(l, "k", limBurst+1))

		clock.Advance(limEvery*limBurst + time.Second)
		ok, _ := l.Allow("other") // sweeps k
		require.True(t, ok)
		ok, wait := l.Check("k")
		require.True(t, ok)
		require.Zero(t, wait)
		require.Equal(t, limBurst, allowN(l, "k", limBurst+1), "exactly one burst, as for a new key")
	})

	t.Run("ActiveKeyNeverGetsAFreshBurst", func(t *testing.T) {
		t.Parallel()

		// A guesser who keeps trying every 30s is held to the refill rate
		// across many sweeps: five attempts in five minutes, not a new burst.
		l, clock := newTestLimiter()
		require.Equal(t, limBurst, allowN(l, "k", limBurst))
		granted := 0
		for range 10 {
			clock.Advance(limEvery / 2)
			allowN(l, "other", 1)
			granted += allowN(l, "k", 1)
		}
		require.Equal(t, 5, granted)
	})
}

func TestLimiter_Concurrent(t *testing.T) {
	t.Parallel()

	l, _ := newTestLimiter()
	var granted atomic.Int32
	var wg sync.WaitGroup
	for range 50 {
		wg.Go(func() {
			if ok, _ := l.Allow("shared"); ok {
				granted.Add(1)
			}
			l.Check("shared")
		})
	}
	wg.Wait()
	require.Equal(t, int32(limBurst), granted.Load(), "the bucket is shared safely across goroutines")
}
