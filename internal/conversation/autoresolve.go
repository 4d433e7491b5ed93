package conversation

import (
	"context"
	"log/slog"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
)

// ReasonAutoResolved is the reason of a status change the auto-resolver
// made, on the system message and the sb.conversation.status_changed event.
const ReasonAutoResolved = "auto_resolved"

// ActionStatusChanged is the audit action of a conversation's status
// change by an agent or, with no actor, by the auto-resolver.
const ActionStatusChanged = "conversation.status_changed"

// One look-up takes at most autoResolveBatch conversations; a run repeats
// it while batches come back full, at most autoResolveRounds times, so a
// backlog (a tenant that just turned the setting on) drains over a few
// runs without one run holding the database for long.
const (
	autoResolveBatch  = 100
	autoResolveRounds = 10
)

// AutoResolve resolves open and pending conversations that had no message
// for their tenant's auto_resolve_after_hours, as a manual resolve would
// (system message, status event, routing's work ends) but with no actor and
// reason auto_resolved. It returns how many it resolved. Each change is
// conditional on the status and the last message it found, so a message
// arriving meanwhile, or another node resolving first, leaves it alone.
func (s *Service) AutoResolve(ctx context.Context, now time.Time) (int, error) {
	total := 0
	for range autoResolveRounds {
		due, err := s.cfg.Conversations.DueAutoResolve(ctx, now, autoResolveBatch)
		if err != nil {
			return total, err
		}
		n, err := s.resolveIdle(ctx, due, now)
		total += n
		if err != nil || len(due) < autoResolveBatch {
			return total, err
		}
	}
	return total, nil
}

func (s *Service) resolveIdle(ctx context.Context, due []*Conversation, now time.Time) (int, error) {
	return s.changeEach(ctx, due, func(tx Tx, c *Conversation) error {
		err := tx.Conversations().SetStatus(ctx, &SetStatusParams{TenantID: c.TenantID, ID: c.ID,
			Status: StatusResolved, At: now, From: c.Status, IfLastSeq: c.LastSeq})
		if err != nil {
			return err
		}
		if _, err := s.changeStatus(ctx, tx, c, &statusChange{to: StatusResolved, reason: ReasonAutoResolved, at: now}); err != nil {
			return err
		}
		return tx.Audit().Append(ctx, &audit.Entry{TenantID: c.TenantID, Action: ActionStatusChanged,
			TargetType: "conversation", TargetID: c.ID, At: now,
			Details: map[string]any{"from": c.Status, "to": StatusResolved, "reason": ReasonAutoResolved}})
	})
}

// AutoResolver runs AutoResolve periodically. Every node may run one: the
// conditional change resolves each conversation once.
type AutoResolver struct{ loop }

// NewAutoResolver returns an AutoResolver checking every interval, at the
// service's clock.
func NewAutoResolver(svc *Service, every time.Duration, log *slog.Logger) *AutoResolver {
	return &AutoResolver{loop{every: every, job: func(ctx context.Context) {
		if _, err := svc.AutoResolve(ctx, svc.cfg.Now()); err != nil && ctx.Err() == nil {
			log.Warn("auto-resolve", "err", err)
		}
	}}}
}
