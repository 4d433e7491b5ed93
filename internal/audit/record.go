package audit

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// Recorder is the part of a transaction that records a change: the audit log
// and the event outbox. Domain Tx interfaces embed it.
type Recorder interface {
	Audit() Store
	Outbox() event.Outbox
}

// Record appends the audit entry and the events in the caller's transaction.
// Events inherit the entry's tenant and time.
func Record(ctx context.Context, tx Recorder, e *Entry, evs ...event.Event) error {
	if err := tx.Audit().Append(ctx, e); err != nil {
		return err
	}
	if len(evs) == 0 {
		return nil
	}
	for i := range evs {
		evs[i].TenantID, evs[i].At = e.TenantID, e.At
	}
	return tx.Outbox().Append(ctx, evs...)
}

// By starts an entry for an action of principal p on a target.
func By(p *permission.Principal, action, targetType, targetID string, at time.Time) *Entry {
	return &Entry{TenantID: p.TenantID, ActorID: p.UserID, Action: action, TargetType: targetType,
		TargetID: targetID, IP: p.IP, At: at}
}

// With sets the entry's details and returns it.
func (e *Entry) With(details map[string]any) *Entry {
	e.Details = details
	return e
}
