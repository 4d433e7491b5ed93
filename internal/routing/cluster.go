package routing

import (
	"context"
	"errors"
	"maps"
	"slices"
	"time"
)

// Cluster elects one node per tenant with expiring leases and forwards
// commands to it (ADR 0016). Without it, the engine routes every tenant
// it is asked about (a single node).
type Cluster struct {
	// Node identifies this process; lease values name the owner.
	Node    string
	Leases  Leases
	Forward Forwarder
	// TTL is a lease's lifetime; the owner renews it every TTL/3.
	TTL time.Duration
}

// Leases is a key-value store whose entries expire unless rewritten (NATS
// KV). Revisions only grow.
type Leases interface {
	// Create sets key if it is absent; ok is false if another holds it.
	Create(ctx context.Context, key, value string) (rev uint64, ok bool, err error)
	// Update rewrites key if it is still at rev; ok is false if the lease
	// was lost (expired, or taken).
	Update(ctx context.Context, key, value string, rev uint64) (next uint64, ok bool, err error)
	// Get returns the holder, "" when none.
	Get(ctx context.Context, key string) (value string, err error)
	// Delete releases key if it is still at rev.
	Delete(ctx context.Context, key string, rev uint64) error
}

// Forwarder carries commands to the node that routes a tenant.
type Forwarder interface {
	// Forward runs c on node; ErrNotOwner if no node answers there.
	Forward(ctx context.Context, node, tenantID string, c *Command) (*Result, error)
	// Serve answers the commands forwarded to node.
	Serve(node string, handle func(ctx context.Context, tenantID string, c *Command) (*Result, error)) (stop func(), err error)
}

// leaseKey is a tenant's key in the lease bucket.
func leaseKey(tenantID string) string { return "tenant." + tenantID }

// executeClustered runs a command where the tenant is routed: here if this
// node holds the lease (taking a free lease first), else on the holder.
// While a lease moves, a few attempts bridge the gap.
func (e *Engine) executeClustered(ctx context.Context, tenantID string, c *Command) (*Result, error) {
	cl := e.cfg.Cluster
	for attempt := range 4 {
		if attempt > 0 {
			select {
			case <-ctx.Done():
				return nil, ctx.Err()
			case <-time.After(time.Duration(attempt) * cl.TTL / 6):
			}
		}
		if d := e.held(tenantID); d != nil {
			res, err := d.Execute(ctx, c)
			if !errors.Is(err, ErrNotOwner) {
				return res, err
			}
			e.release(ctx, tenantID, d)
			continue
		}
		owner, err := cl.Leases.Get(ctx, leaseKey(tenantID))
		if err != nil {
			return nil, err
		}
		if owner == "" || owner == cl.Node {
			if err := e.acquire(ctx, tenantID); err != nil && !errors.Is(err, ErrNotOwner) {
				return nil, err
			}
			continue
		}
		res, err := cl.Forward.Forward(ctx, owner, tenantID, c)
		if !errors.Is(err, ErrNotOwner) {
			return res, err
		}
	}
	return nil, ErrNotOwner
}

// serveForwarded answers a command another node forwarded here.
func (e *Engine) serveForwarded(ctx context.Context, tenantID string, c *Command) (*Result, error) {
	d := e.held(tenantID)
	if d == nil {
		return nil, ErrNotOwner
	}
	return d.Execute(ctx, c)
}

// Routed lists the tenants this node routes now.
func (e *Engine) Routed() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return slices.Sorted(maps.Keys(e.byTen))
}

// Routes reports whether this node routes the tenant now.
func (e *Engine) Routes(tenantID string) bool { return e.held(tenantID) != nil }

// held returns the dispatcher of a tenant this node holds the lease of.
func (e *Engine) held(tenantID string) *Dispatcher {
	e.mu.Lock()
	defer e.mu.Unlock()
	return e.byTen[tenantID]
}

// acquire takes a free lease and starts routing the tenant. ErrNotOwner
// means another node was quicker.
func (e *Engine) acquire(ctx context.Context, tenantID string) error {
	cl := e.cfg.Cluster
	e.mu.Lock()
	defer e.mu.Unlock()
	if !e.started {
		return ErrStopped
	}
	if e.byTen[tenantID] != nil {
		return nil
	}
	rev, ok, err := cl.Leases.Create(ctx, leaseKey(tenantID), cl.Node)
	if err != nil {
		return err
	}
	if !ok {
		return ErrNotOwner
	}
	d, err := e.startDispatcher(ctx, tenantID)
	if err != nil {
		_ = cl.Leases.Delete(ctx, leaseKey(tenantID), rev)
		return err
	}
	e.byTen[tenantID], e.revs[tenantID] = d, rev
	return nil
}

// release stops routing a tenant whose lease or epoch was lost.
func (e *Engine) release(ctx context.Context, tenantID string, d *Dispatcher) {
	e.mu.Lock()
	rev, held := e.revs[tenantID], e.byTen[tenantID] == d
	if held {
		delete(e.byTen, tenantID)
		delete(e.revs, tenantID)
	}
	e.mu.Unlock()
	d.Stop()
	if held && e.cfg.Cluster != nil {
		_ = e.cfg.Cluster.Leases.Delete(ctx, leaseKey(tenantID), rev)
	}
}

// maintain renews this node's leases and takes free ones, every TTL/3,
// until ctx ends.
func (e *Engine) maintain(ctx context.Context) {
	cl := e.cfg.Cluster
	t := time.NewTicker(cl.TTL / 3)
	defer t.Stop()
	for {
		e.renew(ctx)
		if ids, err := e.cfg.Tenants(ctx); err == nil {
			for _, id := range ids {
				if e.held(id) == nil {
					if err := e.acquire(ctx, id); err != nil && !errors.Is(err, ErrNotOwner) && ctx.Err() == nil {
						e.cfg.Logger.Warn("routing: take lease", "tenant_id", id, "err", err)
					}
				}
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
	}
}

// renew rewrites every lease this node holds; a lost one stops its tenant.
func (e *Engine) renew(ctx context.Context) {
	e.mu.Lock()
	revs := make(map[string]uint64, len(e.revs))
	for id, rev := range e.revs {
		revs[id] = rev
	}
	e.mu.Unlock()
	for id, rev := range revs {
		next, ok, err := e.cfg.Cluster.Leases.Update(ctx, leaseKey(id), e.cfg.Cluster.Node, rev)
		switch {
		case err != nil:
			e.cfg.Logger.Warn("routing: renew lease", "tenant_id", id, "err", err)
		case !ok:
			e.cfg.Logger.Warn("routing: lease lost; another node routes the tenant", "tenant_id", id)
			if d := e.held(id); d != nil {
				e.release(ctx, id, d)
			}
		default:
			e.mu.Lock()
			if e.revs[id] == rev {
				e.revs[id] = next
			}
			e.mu.Unlock()
		}
	}
}
