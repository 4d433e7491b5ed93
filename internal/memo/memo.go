// Package memo keeps values read from the database for a short while, so a
// hot path (authenticating a token, resolving a call) skips the read. A
// memo is bounded in size and age, and safe against a change that races
// the read: Forget advances an epoch, and a value read before it is not
// kept (Epoch, Put).
//
//	ep := m.Epoch()      // before the read
//	v, err := read(ctx)
//	m.Put(key, v, ep, now) // dropped if something was forgotten meanwhile
package memo

import (
	"sync"
	"time"
)

// Memo maps keys to values for at most TTL each.
type Memo[K comparable, V any] struct {
	max int
	ttl time.Duration

	mu    sync.RWMutex
	epoch uint64
	m     map[K]item[V]
}

type item[V any] struct {
	v  V
	at time.Time
}

// New returns a memo of at most max entries kept for ttl each. When it is
// full it starts over: the hot keys come straight back.
func New[K comparable, V any](max int, ttl time.Duration) *Memo[K, V] {
	return &Memo[K, V]{max: max, ttl: ttl, m: map[K]item[V]{}}
}

// Get returns the value for k if it was put less than TTL before now.
func (m *Memo[K, V]) Get(k K, now time.Time) (V, bool) {
	m.mu.RLock()
	it, ok := m.m[k]
	m.mu.RUnlock()
	if !ok || now.Sub(it.at) >= m.ttl || now.Before(it.at) {
		var zero V
		return zero, false
	}
	return it.v, true
}

// Epoch returns the current epoch, to pass to Put after reading.
func (m *Memo[K, V]) Epoch() uint64 {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return m.epoch
}

// Put keeps v for k as of now, unless anything was forgotten since epoch
// was taken: the value may predate that change.
func (m *Memo[K, V]) Put(k K, v V, epoch uint64, now time.Time) {
	if m.ttl <= 0 {
		return // a memo without a lifetime keeps nothing
	}
	m.mu.Lock()
	defer m.mu.Unlock()
	if epoch != m.epoch {
		return
	}
	if _, ok := m.m[k]; !ok && len(m.m) >= m.max {
		m.m = make(map[K]item[V], m.max/4)
	}
	m.m[k] = item[V]{v: v, at: now}
}

// Forget drops k, and any value of any key being read at this moment.
func (m *Memo[K, V]) Forget(k K) {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.epoch++
	delete(m.m, k)
}

// ForgetAll drops everything.
func (m *Memo[K, V]) ForgetAll() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.epoch++
	clear(m.m)
}

// Len is the number of entries held, expired or not.
func (m *Memo[K, V]) Len() int {
	m.mu.RLock()
	defer m.mu.RUnlock()
	return len(m.m)
}
