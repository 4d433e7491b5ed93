package routing

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/internal/errcode"
)

// Ownership decides which node routes a tenant (ADR 0016). Acquire returns
// a fencing epoch, higher than any earlier owner's, once this node holds
// the tenant; the epoch's writes fail with ErrNotOwner after another node
// took over.
type Ownership interface {
	Acquire(ctx context.Context, tenantID string) (epoch int64, err error)
}

// ErrStopped is returned by an engine that is not running; a change made
// meanwhile is picked up when it starts (it loads everything).
var ErrStopped = errcode.New(errcode.NotReady, "routing is not running")

// EngineConfig wires an Engine.
type EngineConfig struct {
	Store     Store
	InTx      InTxFunc
	Ownership Ownership
	// Tenants lists the tenants to route from the start, so their timers
	// (offer timeouts, overflow, wrap-up) run without waiting for a command.
	Tenants func(ctx context.Context) ([]string, error)
	Now     func() time.Time
	NewID   func() string
	Logger  *slog.Logger
	// Announce, if set, shows offers early (DispatcherConfig.Announce).
	Announce func(tenantID string, ns []Notice)
	// Live, if set, receives each tenant's live state for supervisors
	// (DispatcherConfig.Live).
	Live func(tenantID string, s *LiveState)
	// Cluster, if set, routes each tenant on one elected node (ADR 0016).
	Cluster *Cluster
}

// Engine runs one dispatcher per tenant this node routes and sends each
// command to its tenant's dispatcher.
type Engine struct {
	cfg EngineConfig

	mu      sync.Mutex
	started bool
	byTen   map[string]*Dispatcher
	revs    map[string]uint64 // lease revisions held (cluster)
	stop    func()
}

// NewEngine returns an Engine.
func NewEngine(cfg EngineConfig) *Engine {
	return &Engine{cfg: cfg, byTen: map[string]*Dispatcher{}, revs: map[string]uint64{}}
}

// Start routes every listed tenant (in a cluster: those whose lease this
// node takes). A tenant that fails to load is logged and retried by its
// next command.
func (e *Engine) Start(ctx context.Context) error {
	e.mu.Lock()
	e.started = true
	e.mu.Unlock()
	if cl := e.cfg.Cluster; cl != nil {
		stopServe, err := cl.Forward.Serve(cl.Node, e.serveForwarded)
		if err != nil {
			return err
		}
		mctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
		done := make(chan struct{})
		go func() { defer close(done); e.maintain(mctx) }()
		e.stop = func() { cancel(); <-done; stopServe() }
		return nil
	}
	ids, err := e.cfg.Tenants(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		if _, err := e.dispatcher(ctx, id); err != nil {
			e.cfg.Logger.Error("routing: start tenant", "tenant_id", id, "err", err)
		}
	}
	return nil
}

// Stop stops every dispatcher and, in a cluster, gives up this node's
// leases so other nodes take the tenants at once. Safe twice.
func (e *Engine) Stop() {
	if e.stop != nil {
		e.stop()
		e.stop = nil
	}
	e.mu.Lock()
	ds, revs := e.byTen, e.revs
	e.byTen, e.revs, e.started = map[string]*Dispatcher{}, map[string]uint64{}, false
	e.mu.Unlock()
	for id, d := range ds {
		d.Stop()
		if e.cfg.Cluster != nil {
			_ = e.cfg.Cluster.Leases.Delete(context.Background(), leaseKey(id), revs[id])
		}
	}
}

// Execute runs a command for a tenant. If another node took the tenant
// over meanwhile, this node takes it back once and retries: the fencing
// epoch keeps the two from ever writing conflicting state.
func (e *Engine) Execute(ctx context.Context, tenantID string, c *Command) (*Result, error) {
	if e.cfg.Cluster != nil {
		return e.executeClustered(ctx, tenantID, c)
	}
	for attempt := 0; ; attempt++ {
		d, err := e.dispatcher(ctx, tenantID)
		if err != nil {
			return nil, err
		}
		res, err := d.Execute(ctx, c)
		if !errors.Is(err, ErrNotOwner) || attempt > 0 {
			return res, err
		}
		e.drop(tenantID, d)
	}
}

// dispatcher returns the tenant's running dispatcher, starting it.
func (e *Engine) dispatcher(ctx context.Context, tenantID string) (*Dispatcher, error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.started {
		return nil, ErrStopped
	}
	if d := e.byTen[tenantID]; d != nil {
		return d, nil
	}
	d, err := e.startDispatcher(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	e.byTen[tenantID] = d
	return d, nil
}

// startDispatcher claims the tenant's next epoch and starts its dispatcher.
func (e *Engine) startDispatcher(ctx context.Context, tenantID string) (*Dispatcher, error) {
	epoch, err := e.cfg.Ownership.Acquire(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	d := NewDispatcher(DispatcherConfig{TenantID: tenantID, Epoch: epoch, InTx: e.cfg.InTx,
		Load: func(ctx context.Context, tenantID string, since time.Time) (*Snapshot, error) {
			s, err := e.cfg.Store.Snapshot(ctx, tenantID, since)
			if err != nil {
				return nil, err
			}
			return s, Prepare(s)
		},
		Now: e.cfg.Now, NewID: e.cfg.NewID, Logger: e.cfg.Logger,
		Announce: e.announcer(tenantID), Live: e.liveFor(tenantID)})
	if err := d.Start(ctx); err != nil {
		return nil, err
	}
	return d, nil
}

// announcer returns the tenant's Announce, or nil.
func (e *Engine) announcer(tenantID string) func([]Notice) {
	if e.cfg.Announce == nil {
		return nil
	}
	return func(ns []Notice) { e.cfg.Announce(tenantID, ns) }
}

// liveFor returns the tenant's Live, or nil.
func (e *Engine) liveFor(tenantID string) func(*LiveState) {
	if e.cfg.Live == nil {
		return nil
	}
	return func(s *LiveState) { e.cfg.Live(tenantID, s) }
}

func (e *Engine) drop(tenantID string, d *Dispatcher) {
	e.mu.Lock()
	if e.byTen[tenantID] == d {
		delete(e.byTen, tenantID)
	}
	e.mu.Unlock()
	d.Stop()
}

// StoreOwnership is the single-node ownership: the node takes the next
// epoch whenever it starts routing a tenant, which fences out any earlier
// owner (a previous process, or another node in a cluster without leases).
type StoreOwnership struct {
	Store Store
}

// Acquire implements Ownership.
func (o StoreOwnership) Acquire(ctx context.Context, tenantID string) (int64, error) {
	return o.Store.Claim(ctx, tenantID)
}
