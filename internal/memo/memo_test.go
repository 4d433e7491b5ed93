package memo_test

import (
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/memo"
)

var t0 = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

func TestGetPutExpire(t *testing.T) {
	m := memo.New[string, int](10, time.Second)
	_, ok := m.Get("a", t0)
	require.False(t, ok)
	m.Put("a", 1, m.Epoch(), t0)
	v, ok := m.Get("a", t0.Add(999*time.Millisecond))
	require.True(t, ok)
	require.Equal(t, 1, v)
	_, ok = m.Get("a", t0.Add(time.Second))
	require.False(t, ok, "kept for the TTL only")
	_, ok = m.Get("a", t0.Add(-time.Second))
	require.False(t, ok, "a clock that went back does not stretch the TTL")
}

func TestForgetRacingRead(t *testing.T) {
	m := memo.New[string, int](10, time.Minute)
	m.Put("a", 1, m.Epoch(), t0)
	ep := m.Epoch() // a reader starts reading "b"
	m.Forget("a")   // a change lands meanwhile
	m.Put("b", 2, ep, t0)
	_, ok := m.Get("b", t0)
	require.False(t, ok, "a value read before a change is not kept")
	_, ok = m.Get("a", t0)
	require.False(t, ok)
	m.Put("b", 2, m.Epoch(), t0)
	_, ok = m.Get("b", t0)
	require.True(t, ok)
	m.ForgetAll()
	require.Zero(t, m.Len())
}

func TestBounded(t *testing.T) {
	m := memo.New[int, int](4, time.Minute)
	for i := range 4 {
		m.Put(i, i, m.Epoch(), t0)
	}
	m.Put(3, 30, m.Epoch(), t0) // replacing a key never starts over
	require.Equal(t, 4, m.Len())
	m.Put(4, 4, m.Epoch(), t0)
	require.Equal(t, 1, m.Len(), "a full memo starts over")
	v, ok := m.Get(4, t0)
	require.True(t, ok)
	require.Equal(t, 4, v)
}

func TestNoLifetimeKeepsNothing(t *testing.T) {
	m := memo.New[string, int](10, 0)
	m.Put("a", 1, m.Epoch(), t0)
	require.Zero(t, m.Len(), "a disabled memo holds no entries")
	_, ok := m.Get("a", t0)
	require.False(t, ok)
}
