package shield

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"
)

// Cache keeps each tenant's snapshot in memory. A configuration change
// marks the tenant dirty and the next resolve rebuilds it; a binding change
// updates the snapshot's index in place. Changes made on this node apply
// before the admin's request returns; those of other nodes arrive over the
// bus and apply at the next resolve. A snapshot older than MaxAge is
// rebuilt too, so a missed bus message heals itself. Resolves never wait for
// another's rebuild: while one runs, the others use the current snapshot.
type Cache struct {
	cfg     CacheConfig
	mu      sync.Mutex
	tenants map[string]*entry
}

// CacheConfig wires a Cache.
type CacheConfig struct {
	// Load reads a tenant's shield and builds its snapshot.
	Load func(ctx context.Context, tenantID string) (*Snapshot, error)
	// Binding reads one binding; ErrBindingNotFound drops it.
	Binding func(ctx context.Context, tenantID, id string) (*Binding, error)
	Now     func() time.Time
	MaxAge  time.Duration
	Logger  *slog.Logger
}

type entry struct {
	// mu is held while the snapshot is rebuilt or its bindings change.
	mu    sync.Mutex
	snap  atomic.Pointer[Snapshot]
	dirty atomic.Bool
	// pending are bindings changed on other nodes, to read again.
	pmu     sync.Mutex
	pending []string
}

// NewCache returns an empty cache.
func NewCache(cfg CacheConfig) *Cache {
	return &Cache{cfg: cfg, tenants: map[string]*entry{}}
}

func (c *Cache) entry(tenantID string, create bool) *entry {
	c.mu.Lock()
	defer c.mu.Unlock()
	e := c.tenants[tenantID]
	if e == nil && create {
		e = &entry{}
		c.tenants[tenantID] = e
	}
	return e
}

// Get returns the tenant's snapshot, building it on first use.
func (c *Cache) Get(ctx context.Context, tenantID string) (*Snapshot, error) {
	e := c.entry(tenantID, true)
	s := e.snap.Load()
	if s == nil {
		e.mu.Lock()
		defer e.mu.Unlock()
		if s = e.snap.Load(); s != nil {
			return s, nil
		}
		return c.rebuild(ctx, tenantID, e)
	}
	if !e.dirty.Load() && c.cfg.Now().Sub(s.BuiltAt) < c.cfg.MaxAge && !e.hasPending() {
		return s, nil
	}
	if !e.mu.TryLock() {
		return s, nil // another resolve is bringing it up to date
	}
	defer e.mu.Unlock()
	if e.dirty.Load() || c.cfg.Now().Sub(s.BuiltAt) >= c.cfg.MaxAge {
		if ns, err := c.rebuild(ctx, tenantID, e); err == nil {
			s = ns
		} else {
			// A snapshot a little out of date beats refusing calls while
			// the database is unreachable; dirty stays set to try again.
			c.cfg.Logger.ErrorContext(ctx, "shield: snapshot rebuild failed; using the previous one",
				"tenant_id", tenantID, "err", err)
		}
	}
	c.applyPending(ctx, tenantID, e, s)
	return s, nil
}

// rebuild loads a new snapshot; e.mu is held. dirty is cleared before the
// load, so a change committed meanwhile marks it again.
func (c *Cache) rebuild(ctx context.Context, tenantID string, e *entry) (*Snapshot, error) {
	e.dirty.Store(false)
	s, err := c.cfg.Load(ctx, tenantID)
	if err != nil {
		e.dirty.Store(true)
		return nil, err
	}
	e.snap.Store(s)
	return s, nil
}

// Changed rebuilds a tenant's snapshot after a configuration change on
// this node, before the admin is answered.
func (c *Cache) Changed(ctx context.Context, tenantID string) error {
	e := c.entry(tenantID, false)
	if e == nil {
		return nil // never loaded: the first resolve reads the change
	}
	e.dirty.Store(true)
	e.mu.Lock()
	defer e.mu.Unlock()
	_, err := c.rebuild(ctx, tenantID, e)
	return err
}

// BindingChanged applies a binding saved (b) or deleted (b nil, id) on
// this node.
func (c *Cache) BindingChanged(tenantID, id string, b *Binding) {
	e := c.entry(tenantID, false)
	if e == nil {
		return
	}
	e.mu.Lock()
	defer e.mu.Unlock()
	if s := e.snap.Load(); s != nil {
		if b != nil {
			s.PutBinding(b)
		} else {
			s.RemoveBinding(id)
		}
	}
}

// Invalidate marks a tenant's configuration changed elsewhere. It does not
// block: it runs on the bus's delivery goroutine.
func (c *Cache) Invalidate(tenantID string) {
	if e := c.entry(tenantID, false); e != nil {
		e.dirty.Store(true)
	}
}

// Touch marks a binding changed elsewhere; the next resolve reads it.
func (c *Cache) Touch(tenantID, bindingID string) {
	if e := c.entry(tenantID, false); e != nil {
		e.pmu.Lock()
		e.pending = append(e.pending, bindingID)
		e.pmu.Unlock()
	}
}

func (e *entry) hasPending() bool {
	e.pmu.Lock()
	defer e.pmu.Unlock()
	return len(e.pending) > 0
}

// applyPending reads the bindings changed elsewhere into s; e.mu is held.
// One that cannot be read stays pending.
func (c *Cache) applyPending(ctx context.Context, tenantID string, e *entry, s *Snapshot) {
	e.pmu.Lock()
	ids := e.pending
	e.pending = nil
	e.pmu.Unlock()
	var retry []string
	for _, id := range ids {
		b, err := c.cfg.Binding(ctx, tenantID, id)
		switch {
		case errors.Is(err, ErrBindingNotFound):
			s.RemoveBinding(id)
		case err != nil:
			retry = append(retry, id)
		default:
			s.PutBinding(b)
		}
	}
	if len(retry) > 0 {
		e.pmu.Lock()
		e.pending = append(e.pending, retry...)
		e.pmu.Unlock()
	}
}
