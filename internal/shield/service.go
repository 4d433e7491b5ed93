package shield

import (
	"context"
	"io"
	"log/slog"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/pii"
)

// Service administers the shield and resolves calls.
type Service struct {
	cfg     Config
	cache   *Cache
	used    *usedCodes
	lookups *lookups
	// src is what resolving reads, through the lookups' memos; built once,
	// not per call.
	src *Sources
}

// Config wires a Service.
type Config struct {
	// Store serves reads outside transactions.
	Store Store
	// InTx runs fn in one database transaction.
	InTx        func(ctx context.Context, fn func(Tx) error) error
	Agents      Agents
	Customers   Customers
	Assignments Assignments
	// Region returns the region (ISO 3166-1 alpha-2) the tenant's numbers
	// written without "+" are read in; nil is pii.DefaultRegion.
	Region func(ctx context.Context, tenantID string) (string, error)
	// Log writes resolve decisions.
	Log    *DecisionLog
	Now    func() time.Time
	NewID  func() string
	Rand   io.Reader
	Logger *slog.Logger
	// MaxAge bounds how long a snapshot serves without a rebuild, in case
	// a change on another node was missed. Defaults to 5 minutes.
	MaxAge time.Duration
}

// NewService returns a Service.
func NewService(cfg Config) *Service {
	if cfg.MaxAge <= 0 {
		cfg.MaxAge = 5 * time.Minute
	}
	s := &Service{cfg: cfg, used: newUsedCodes(), lookups: newLookups(cfg.Now)}
	s.src = &Sources{Agents: cfg.Agents, Customers: memoCustomers{cfg.Customers, s.lookups}, Assignments: cfg.Assignments,
		Codes: memoCodes{cfg.Store, s.lookups}, LastCallers: cfg.Store, Used: s.used.has}
	s.cache = NewCache(CacheConfig{Load: s.load, Binding: cfg.Store.GetBinding, Now: cfg.Now, MaxAge: cfg.MaxAge,
		Logger: cfg.Logger})
	return s
}

// Cache is the service's snapshot cache; the app feeds it changes made on
// other nodes.
func (s *Service) Cache() *Cache { return s.cache }

// load reads a tenant's shield from the store and compiles it.
func (s *Service) load(ctx context.Context, tenantID string) (*Snapshot, error) {
	now := s.cfg.Now()
	d := &SnapshotData{}
	var err error
	if d.Settings, err = s.cfg.Store.Settings(ctx, tenantID); err != nil {
		return nil, err
	}
	if d.Region, err = s.region(ctx, tenantID); err != nil {
		return nil, err
	}
	if d.Numbers, err = s.cfg.Store.Numbers(ctx, tenantID); err != nil {
		return nil, err
	}
	if d.Rules, err = s.cfg.Store.Rules(ctx, tenantID); err != nil {
		return nil, err
	}
	if d.Entries, err = s.cfg.Store.ListEntries(ctx, &EntryListParams{TenantID: tenantID}); err != nil {
		return nil, err
	}
	if d.Bindings, err = s.liveBindings(ctx, tenantID, now); err != nil {
		return nil, err
	}
	return Build(d, now)
}

// region is the tenant's region for numbers written without "+".
func (s *Service) region(ctx context.Context, tenantID string) (string, error) {
	if s.cfg.Region == nil {
		return pii.DefaultRegion, nil
	}
	return s.cfg.Region(ctx, tenantID)
}

// liveBindings reads every binding of the tenant that has not expired.
func (s *Service) liveBindings(ctx context.Context, tenantID string, now time.Time) ([]*Binding, error) {
	var out []*Binding
	p := &BindingListParams{TenantID: tenantID, LiveAt: now, Limit: 1000}
	for {
		page, err := s.cfg.Store.Bindings(ctx, p)
		if err != nil {
			return nil, err
		}
		out = append(out, page...)
		if len(page) < p.Limit {
			return out, nil
		}
		p.After = page[len(page)-1].ID
	}
}

// configChange records an administrative change with the event that makes
// every node rebuild the tenant's snapshot.
func configChange(ctx context.Context, tx Tx, by *permission.Principal, action, targetType, id string, at time.Time,
	details map[string]any) error {
	return audit.Record(ctx, tx, audit.By(by, action, targetType, id, at).With(details),
		event.Event{Subject: EventConfigChanged, Data: event.Change{ID: id}})
}

// changed writes a configuration change and rebuilds this node's snapshot
// once it is committed. A failed rebuild is not the admin's failure: the
// change is stored, and the next resolve rebuilds again.
func (s *Service) changed(ctx context.Context, tenantID string, fn func(tx Tx) error) error {
	if err := s.cfg.InTx(ctx, fn); err != nil {
		return err
	}
	if err := s.cache.Changed(ctx, tenantID); err != nil {
		s.cfg.Logger.ErrorContext(ctx, "shield: snapshot rebuild after a change failed", "tenant_id", tenantID, "err", err)
	}
	return nil
}
