package routing

import (
	"context"
	"errors"
	"slices"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// Audit actions and events of routing administration.
const (
	ActionQueueCreated    = "queue.created"
	ActionQueueUpdated    = "queue.updated"
	ActionQueueDeleted    = "queue.deleted"
	ActionRulesReplaced   = "routing.rules_replaced"
	ActionSettingsChanged = "routing.settings_changed"
	ActionReasonCreated   = "away_reason.created"
	ActionReasonDeleted   = "away_reason.deleted"
	ActionPresenceSet     = "agent.presence_set"

	EventQueueCreated = "sb.queue.created"
	EventQueueUpdated = "sb.queue.updated"
	EventQueueDeleted = "sb.queue.deleted"
)

// AdminTx is the transactional view administration writes through.
type AdminTx interface {
	audit.Recorder
	Routing() Store
}

// Executor runs commands on the node that routes the tenant (Engine).
type Executor interface {
	Execute(ctx context.Context, tenantID string, c *Command) (*Result, error)
}

// ServiceConfig wires a Service.
type ServiceConfig struct {
	// Store serves reads outside transactions.
	Store Store
	InTx  func(ctx context.Context, fn func(AdminTx) error) error
	// Engine runs routing commands.
	Engine Executor
	// SkillExists checks a skill ID of the tenant.
	SkillExists func(ctx context.Context, tenantID, id string) (bool, error)
	Now         func() time.Time
	NewID       func() string
}

// Service is routing's API: queue administration, agents' presence and
// offers, live state, and taking in new work.
type Service struct {
	cfg ServiceConfig
}

// NewService returns a Service.
func NewService(cfg ServiceConfig) *Service {
	return &Service{cfg: cfg}
}

// CreateQueue adds a queue to the caller's tenant.
func (s *Service) CreateQueue(ctx context.Context, by *permission.Principal, p *QueueParams) (*Queue, error) {
	now := s.cfg.Now()
	q := newQueue()
	q.ID, q.TenantID, q.CreatedAt, q.UpdatedAt = s.cfg.NewID(), by.TenantID, now, now
	p.apply(q)
	err := s.writeQueue(ctx, by, q, func(tx AdminTx) error {
		if err := tx.Routing().CreateQueue(ctx, q); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, ActionQueueCreated, "queue", q.ID, now),
			event.Event{Subject: EventQueueCreated, Data: event.Change{ID: q.ID}})
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// UpdateQueue changes a queue of the caller's tenant.
func (s *Service) UpdateQueue(ctx context.Context, by *permission.Principal, id string, p *QueueParams) (*Queue, error) {
	now := s.cfg.Now()
	q, err := s.cfg.Store.GetQueue(ctx, by.TenantID, id)
	if err != nil {
		return nil, err
	}
	p.apply(q)
	q.UpdatedAt = now
	err = s.writeQueue(ctx, by, q, func(tx AdminTx) error {
		if err := tx.Routing().UpdateQueue(ctx, q); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, ActionQueueUpdated, "queue", q.ID, now),
			event.Event{Subject: EventQueueUpdated, Data: event.Change{ID: q.ID}})
	})
	if err != nil {
		return nil, err
	}
	return q, nil
}

// writeQueue validates q, writes it and has the tenant's routing reload.
func (s *Service) writeQueue(ctx context.Context, by *permission.Principal, q *Queue, write func(AdminTx) error) error {
	skills, queues, err := s.known(ctx, by.TenantID, q)
	if err != nil {
		return err
	}
	if err := q.validate(skills, queues); err != nil {
		return err
	}
	if err := s.cfg.InTx(ctx, write); err != nil {
		return err
	}
	return s.reload(ctx, by.TenantID)
}

// known returns lookups for the skills and queues a queue may reference.
func (s *Service) known(ctx context.Context, tenantID string, q *Queue) (func(string) bool, func(string) bool, error) {
	skills := map[string]bool{}
	for _, r := range q.Skills {
		ok, err := s.cfg.SkillExists(ctx, tenantID, r.SkillID)
		if err != nil {
			return nil, nil, err
		}
		skills[r.SkillID] = ok
	}
	list, err := s.cfg.Store.ListQueues(ctx, tenantID)
	if err != nil {
		return nil, nil, err
	}
	queues := map[string]bool{}
	for _, x := range list {
		queues[x.ID] = true
	}
	return func(id string) bool { return skills[id] }, func(id string) bool { return queues[id] }, nil
}

// DeleteQueue removes a queue; its waiting items end as abandoned.
func (s *Service) DeleteQueue(ctx context.Context, by *permission.Principal, id string) error {
	now := s.cfg.Now()
	err := s.cfg.InTx(ctx, func(tx AdminTx) error {
		if err := tx.Routing().DeleteQueue(ctx, by.TenantID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, ActionQueueDeleted, "queue", id, now),
			event.Event{Subject: EventQueueDeleted, Data: event.Change{ID: id}})
	})
	if err != nil {
		return err
	}
	return s.reload(ctx, by.TenantID)
}

// GetQueue returns a queue of the caller's tenant.
func (s *Service) GetQueue(ctx context.Context, by *permission.Principal, id string) (*Queue, error) {
	return s.cfg.Store.GetQueue(ctx, by.TenantID, id)
}

// ListQueues returns the caller's tenant's queues by name.
func (s *Service) ListQueues(ctx context.Context, by *permission.Principal) ([]*Queue, error) {
	return s.cfg.Store.ListQueues(ctx, by.TenantID)
}

func (s *Service) reload(ctx context.Context, tenantID string) error {
	_, err := s.cfg.Engine.Execute(ctx, tenantID, &Command{Op: OpReload})
	if errors.Is(err, ErrStopped) {
		return nil // it loads the new state when it starts
	}
	return err
}

// Reload has the tenant's routing pick up changed agents (skills,
// capacity, deleted users) or inbox settings.
func (s *Service) Reload(ctx context.Context, tenantID string) error { return s.reload(ctx, tenantID) }

// Stats returns the live state of one queue, or of all when id is "".
func (s *Service) Stats(ctx context.Context, by *permission.Principal, id string) ([]*QueueStats, error) {
	res, err := s.cfg.Engine.Execute(ctx, by.TenantID, &Command{Op: OpQueueStats, QueueID: id})
	if err != nil {
		return nil, err
	}
	return res.Stats, nil
}

// mayActFor reports whether by may see or change userID's routing state:
// their own, or anyone's with routing.monitor.
func mayActFor(by *permission.Principal, userID string) bool {
	return by.UserID == userID || by.Can(permission.RoutingMonitor)
}

// AgentState returns an agent's presence and load.
func (s *Service) AgentState(ctx context.Context, by *permission.Principal, userID string) (*AgentView, error) {
	if !mayActFor(by, userID) {
		return nil, ErrAgentNotFound
	}
	res, err := s.cfg.Engine.Execute(ctx, by.TenantID, &Command{Op: OpAgentState, UserID: userID})
	if err != nil {
		return nil, err
	}
	return res.Agent, nil
}

// AgentsOf returns every agent's routing state in a tenant, for system
// components (the disconnect watch).
func (s *Service) AgentsOf(ctx context.Context, tenantID string) ([]*AgentView, error) {
	res, err := s.cfg.Engine.Execute(ctx, tenantID, &Command{Op: OpAgents})
	if err != nil {
		return nil, err
	}
	return res.Agents, nil
}

// SetOffline sets an agent offline for the system, with a reason.
func (s *Service) SetOffline(ctx context.Context, tenantID, userID, reason string) error {
	_, err := s.cfg.Engine.Execute(ctx, tenantID, &Command{Op: OpPresence, UserID: userID, Presence: Offline, Reason: reason})
	return err
}

// TenantSettings returns a tenant's routing settings, for system
// components.
func (s *Service) TenantSettings(ctx context.Context, tenantID string) (*TenantSettings, error) {
	return s.cfg.Store.Settings(ctx, tenantID)
}

// Agents returns every agent's routing state (routing.monitor), for a
// wallboard: presence and since when, load, capacity, open offers.
func (s *Service) Agents(ctx context.Context, by *permission.Principal) ([]*AgentView, error) {
	res, err := s.cfg.Engine.Execute(ctx, by.TenantID, &Command{Op: OpAgents})
	if err != nil {
		return nil, err
	}
	return res.Agents, nil
}

// SetPresence sets an agent's presence: one's own, or anyone's with
// routing.monitor. Away takes one of the tenant's away reasons (or none).
func (s *Service) SetPresence(ctx context.Context, by *permission.Principal, userID string, p Presence, reason string) (*AgentView, error) {
	if !mayActFor(by, userID) {
		return nil, ErrAgentNotFound
	}
	reason = strings.TrimSpace(reason)
	switch p {
	case Available, Offline:
		reason = ""
	case Away:
		if err := s.checkReason(ctx, by.TenantID, reason); err != nil {
			return nil, err
		}
	default:
		return nil, errcode.Errorf(errcode.ValidationFailed, "status must be one of available, away, offline")
	}
	if _, err := s.cfg.Engine.Execute(ctx, by.TenantID, &Command{Op: OpPresence, UserID: userID, Presence: p, Reason: reason}); err != nil {
		return nil, err
	}
	if by.UserID != userID {
		now := s.cfg.Now()
		_ = s.cfg.InTx(ctx, func(tx AdminTx) error {
			return audit.Record(ctx, tx, audit.By(by, ActionPresenceSet, "user", userID, now).
				With(map[string]any{"presence": p, "reason": reason}))
		})
	}
	return s.AgentState(ctx, by, userID)
}

func (s *Service) checkReason(ctx context.Context, tenantID, reason string) error {
	if reason == "" || reason == ReasonMissedOffer {
		return nil
	}
	reasons, err := s.cfg.Store.ListAwayReasons(ctx, tenantID)
	if err != nil {
		return err
	}
	if !slices.ContainsFunc(reasons, func(r *AwayReason) bool { return r.Name == reason }) {
		return errcode.Errorf(errcode.ValidationFailed, "reason %q is not one of the tenant's away reasons", reason)
	}
	return nil
}

// Accept takes an offer made to the caller.
func (s *Service) Accept(ctx context.Context, by *permission.Principal, offerID string) (*Item, error) {
	return s.answer(ctx, by, OpAccept, offerID)
}

// Decline refuses an offer made to the caller; the work goes to the next
// agent.
func (s *Service) Decline(ctx context.Context, by *permission.Principal, offerID string) (*Item, error) {
	return s.answer(ctx, by, OpDecline, offerID)
}

func (s *Service) answer(ctx context.Context, by *permission.Principal, op Op, offerID string) (*Item, error) {
	res, err := s.cfg.Engine.Execute(ctx, by.TenantID, &Command{Op: op, OfferID: offerID, UserID: by.UserID})
	if err != nil {
		return nil, err
	}
	if res.Item == nil {
		return nil, ErrOfferGone
	}
	return res.Item, nil
}

// Settings returns the tenant's routing settings.
func (s *Service) Settings(ctx context.Context, by *permission.Principal) (*TenantSettings, error) {
	return s.cfg.Store.Settings(ctx, by.TenantID)
}

// SetSettings replaces the tenant's routing settings; fields left out
// take their defaults.
func (s *Service) SetSettings(ctx context.Context, by *permission.Principal, v *TenantSettings) (*TenantSettings, error) {
	if v.Timezone == "" {
		v.Timezone = "UTC"
	}
	if _, err := v.Compile(); err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	err := s.cfg.InTx(ctx, func(tx AdminTx) error {
		if err := tx.Routing().SetSettings(ctx, by.TenantID, v); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, ActionSettingsChanged, "tenant", by.TenantID, now))
	})
	if err != nil {
		return nil, err
	}
	return v, s.reload(ctx, by.TenantID)
}

// AwayReasons lists the tenant's away reasons.
func (s *Service) AwayReasons(ctx context.Context, by *permission.Principal) ([]*AwayReason, error) {
	return s.cfg.Store.ListAwayReasons(ctx, by.TenantID)
}

// CreateAwayReason adds an away reason.
func (s *Service) CreateAwayReason(ctx context.Context, by *permission.Principal, name string) (*AwayReason, error) {
	name = strings.TrimSpace(name)
	if n := len([]rune(name)); n == 0 || n > 50 || name == ReasonMissedOffer {
		return nil, errcode.Errorf(errcode.ValidationFailed, "name must be 1 to 50 characters and not %q", ReasonMissedOffer)
	}
	now := s.cfg.Now()
	r := &AwayReason{ID: s.cfg.NewID(), TenantID: by.TenantID, Name: name, CreatedAt: now}
	err := s.cfg.InTx(ctx, func(tx AdminTx) error {
		if err := tx.Routing().CreateAwayReason(ctx, r); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, ActionReasonCreated, "away_reason", r.ID, now))
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// DeleteAwayReason removes an away reason; agents away with it stay away.
func (s *Service) DeleteAwayReason(ctx context.Context, by *permission.Principal, id string) error {
	now := s.cfg.Now()
	return s.cfg.InTx(ctx, func(tx AdminTx) error {
		if err := tx.Routing().DeleteAwayReason(ctx, by.TenantID, id); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, ActionReasonDeleted, "away_reason", id, now))
	})
}

// isNotFound reports whether err means the object is absent.
func isNotFound(err error) bool {
	var e *errcode.Error
	return errors.As(err, &e) && e.Code == errcode.NotFound
}
