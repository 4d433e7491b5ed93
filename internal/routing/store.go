package routing

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/event"
)

// Errors of the routing store and service.
var (
	ErrQueueNameTaken = errcode.New(errcode.NameTaken, "a queue with this name already exists")
	ErrQueueInUse     = errcode.New(errcode.Conflict, "an inbox or another queue's overflow still uses this queue")
	ErrUnknownQueue   = errcode.New(errcode.UnknownQueue, "a referenced queue does not exist")
	ErrReasonTaken    = errcode.New(errcode.NameTaken, "an away reason with this name already exists")
	ErrReasonNotFound = errcode.New(errcode.NotFound, "away reason not found")
)

// ErrNotOwner means another node routes the tenant now: this node's epoch
// is stale (ADR 0016). Nothing was written.
var ErrNotOwner = errcode.New(errcode.NotOwner, "routing for this tenant moved to another node; try again")

// Store persists routing state. Every method is confined to one tenant.
type Store interface {
	// Snapshot reads what a board is rebuilt from: settings, queues
	// (without Open), the tenant's active users as agents with skills,
	// capacity and presence, active items, and items answered or ended
	// since the given time.
	Snapshot(ctx context.Context, tenantID string, since time.Time) (*Snapshot, error)
	// Claim takes the tenant's next routing epoch, higher than every
	// earlier claim: the writes of earlier owners are fenced from then on.
	Claim(ctx context.Context, tenantID string) (int64, error)
	// Fence fails with ErrNotOwner unless epoch is still the tenant's
	// epoch, and keeps a new owner from claiming until the transaction
	// ends.
	Fence(ctx context.Context, tenantID string, epoch int64) error
	// SaveItem inserts or updates an item. A second active item for the
	// same Ref is ErrActiveItem.
	SaveItem(ctx context.Context, it *Item) error
	// SavePresence writes an agent's presence, wrap-up and idle time.
	SavePresence(ctx context.Context, tenantID string, a *Agent) error
	// LastAgent returns the agent most recently assigned work for the
	// customer since the given time, or "".
	LastAgent(ctx context.Context, tenantID, customerID string, since time.Time) (string, error)

	// Settings returns the tenant's routing settings (defaults if never
	// set); SetSettings replaces them.
	Settings(ctx context.Context, tenantID string) (*TenantSettings, error)
	SetSettings(ctx context.Context, tenantID string, s *TenantSettings) error

	// Queues. CreateQueue and UpdateQueue: ErrQueueNameTaken. DeleteQueue:
	// ErrQueueInUse while an inbox or another queue's overflow names it.
	CreateQueue(ctx context.Context, q *Queue) error
	GetQueue(ctx context.Context, tenantID, id string) (*Queue, error)
	ListQueues(ctx context.Context, tenantID string) ([]*Queue, error)
	UpdateQueue(ctx context.Context, q *Queue) error
	DeleteQueue(ctx context.Context, tenantID, id string) error

	// Away reasons. CreateAwayReason: ErrReasonTaken.
	CreateAwayReason(ctx context.Context, r *AwayReason) error
	ListAwayReasons(ctx context.Context, tenantID string) ([]*AwayReason, error)
	DeleteAwayReason(ctx context.Context, tenantID, id string) error

	// ActiveTenants lists, across tenants, the active ones with routing
	// state (active work, or an agent not offline): they are routed from
	// start-up so their timers run; others start on their first command.
	ActiveTenants(ctx context.Context) ([]string, error)

	// Rules returns the queue rules in order; ReplaceRules replaces them
	// (ErrUnknownQueue for a queue that is not the tenant's).
	Rules(ctx context.Context, tenantID string) ([]*Rule, error)
	ReplaceRules(ctx context.Context, tenantID string, rules []*Rule) error

	// CountSlots counts items by queue and SlotLength slot of when they
	// entered their queue, ordered by queue ID and slot; slots without
	// items are left out.
	CountSlots(ctx context.Context, p *SlotParams) ([]*SlotCount, error)
}

// Tx is the transactional view routing writes through.
type Tx interface {
	Routing() Store
	Outbox() event.Outbox
}

// InTxFunc runs fn in one durable write transaction.
type InTxFunc func(ctx context.Context, fn func(Tx) error) error

// persist writes the effects of one command, fenced by epoch, with their
// events, in one transaction.
func persist(ctx context.Context, inTx InTxFunc, tenantID string, epoch int64, fx []Effect, now time.Time) error {
	if len(fx) == 0 {
		return nil
	}
	return inTx(ctx, func(tx Tx) error {
		st := tx.Routing()
		if err := st.Fence(ctx, tenantID, epoch); err != nil {
			return err
		}
		for _, e := range fx {
			var err error
			if e.Item != nil {
				err = st.SaveItem(ctx, e.Item)
			} else if e.Agent != nil {
				err = st.SavePresence(ctx, tenantID, e.Agent)
			}
			if err != nil {
				return err
			}
		}
		return tx.Outbox().Append(ctx, Events(tenantID, fx, now)...)
	})
}
