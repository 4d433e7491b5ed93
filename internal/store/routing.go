package store

import (
	"context"
	"encoding/json"
	"errors"
	"strconv"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/calendar"
	"github.com/switchboardhq/switchboard/internal/routing"
	"github.com/switchboardhq/switchboard/internal/store/sqldb"
)

type routingQueries struct {
	SettingsGet  string `query:"RoutingSettingsGet"`
	SettingsPut  string `query:"RoutingSettingsPut"`
	Claim        string `query:"RoutingClaim"`
	Fence        string `query:"RoutingFence"`
	QueueInsert  string `query:"QueueInsert"`
	QueueUpdate  string `query:"QueueUpdate"`
	QueueGet     string `query:"QueueGet"`
	QueueList    string `query:"QueueList"`
	QueueDelete  string `query:"QueueDelete"`
	QueueRefs    string `query:"QueueReferenced"`
	ItemSave     string `query:"RoutingItemSave"`
	ItemsActive  string `query:"RoutingItemsActive"`
	ItemsSince   string `query:"RoutingItemsSince"`
	LastAgent    string `query:"RoutingLastAgent"`
	Agents       string `query:"RoutingAgents"`
	PresenceSave string `query:"AgentPresenceSave"`
	ReasonInsert string `query:"AwayReasonInsert"`
	ReasonList   string `query:"AwayReasonList"`
	ReasonDelete string `query:"AwayReasonDelete"`
	RuleList     string `query:"RoutingRuleList"`
	InboxQueues  string `query:"RoutingInboxQueues"`
	RulesClear   string `query:"RoutingRulesClear"`
	RuleInsert   string `query:"RoutingRuleInsert"`
	Tenants      string `query:"RoutingTenants"`
	SlotCounts   string `query:"RoutingSlotCounts"`
}

// Routing implements routing.Store.
type Routing struct {
	c conn
	q *routingQueries
}

var _ routing.Store = (*Routing)(nil)

// Routing returns the transaction's routing store.
func (t *Tx) Routing() routing.Store { return t.s.Routing }

// Settings implements routing.Store; a tenant without a row has defaults.
func (s *Routing) Settings(ctx context.Context, tenantID string) (*routing.TenantSettings, error) {
	out := routing.DefaultSettings()
	err := s.c.read().QueryRow(ctx, s.q.SettingsGet, tenantID).Scan(&out.VoiceBlocksChats, &out.Timezone, &out.DisconnectGraceSeconds)
	if errors.Is(err, sqldb.ErrNoRows) {
		return out, nil
	}
	return out, wrap("get routing settings", err)
}

// SetSettings implements routing.Store.
func (s *Routing) SetSettings(ctx context.Context, tenantID string, v *routing.TenantSettings) error {
	_, err := s.c.write().Exec(ctx, s.q.SettingsPut, tenantID, v.VoiceBlocksChats, v.Timezone, v.DisconnectGraceSeconds)
	return wrap("set routing settings", err)
}

// Claim implements routing.Store.
func (s *Routing) Claim(ctx context.Context, tenantID string) (int64, error) {
	var epoch int64
	err := s.c.write().QueryRow(ctx, s.q.Claim, tenantID).Scan(&epoch)
	return epoch, wrap("claim routing", err)
}

// Fence implements routing.Store.
func (s *Routing) Fence(ctx context.Context, tenantID string, epoch int64) error {
	var current int64
	if err := s.c.write().QueryRow(ctx, s.q.Fence, tenantID).Scan(&current); err != nil {
		return wrap("fence routing", err)
	}
	if current != epoch {
		return routing.ErrNotOwner
	}
	return nil
}

// SaveItem implements routing.Store.
func (s *Routing) SaveItem(ctx context.Context, it *routing.Item) error {
	attrs, err := json.Marshal(orEmpty(it.Attributes))
	if err != nil {
		return wrap("save routing item", err)
	}
	declined, err := json.Marshal(orNone(it.Declined))
	if err != nil {
		return wrap("save routing item", err)
	}
	_, err = s.c.write().Exec(ctx, s.q.ItemSave, it.ID, it.TenantID, it.QueueID, string(it.Channel), it.Ref, it.CustomerID,
		it.Priority, string(attrs), string(it.Status), it.AgentID, it.OfferID, msOrZero(it.OfferedAt), msOrZero(it.Expires),
		string(declined), it.Sticky, it.Forced, ms(it.EnqueuedAt), ms(it.QueuedAt), msOrZero(it.AssignedAt),
		msOrZero(it.EndedAt), it.EndReason)
	if sqldb.IsUnique(err) {
		return routing.ErrActiveItem
	}
	return wrap("save routing item", err)
}

// SavePresence implements routing.Store.
func (s *Routing) SavePresence(ctx context.Context, tenantID string, a *routing.Agent) error {
	_, err := s.c.write().Exec(ctx, s.q.PresenceSave, tenantID, a.UserID, string(a.Presence), a.Reason, ms(a.Since),
		msOrZero(a.WrapUntil), msOrZero(a.IdleSince))
	return wrap("save presence", err)
}

// LastAgent implements routing.Store.
func (s *Routing) LastAgent(ctx context.Context, tenantID, customerID string, since time.Time) (string, error) {
	var id string
	err := s.c.read().QueryRow(ctx, s.q.LastAgent, tenantID, customerID, ms(since)).Scan(&id)
	if errors.Is(err, sqldb.ErrNoRows) {
		return "", nil
	}
	return id, wrap("last agent", err)
}

// ActiveTenants implements routing.Store.
func (s *Routing) ActiveTenants(ctx context.Context) ([]string, error) {
	rows, err := s.c.read().Query(ctx, s.q.Tenants)
	ids, err := collect(rows, err, func(r sqldb.Row) (*string, error) {
		var id string
		return &id, r.Scan(&id)
	}, "routing tenants")
	out := make([]string, len(ids))
	for i, id := range ids {
		out[i] = *id
	}
	return out, err
}

// Snapshot implements routing.Store.
func (s *Routing) Snapshot(ctx context.Context, tenantID string, since time.Time) (*routing.Snapshot, error) {
	out := &routing.Snapshot{}
	set, err := s.Settings(ctx, tenantID)
	if err != nil {
		return nil, err
	}
	if out.Settings, err = set.Compile(); err != nil {
		return nil, wrap("routing snapshot", err)
	}
	if out.Queues, err = s.ListQueues(ctx, tenantID); err != nil {
		return nil, err
	}
	rows, err := s.c.read().Query(ctx, s.q.Agents, tenantID)
	if out.Agents, err = collect(rows, err, scanAgent, "routing agents"); err != nil {
		return nil, err
	}
	rows, err = s.c.read().Query(ctx, s.q.ItemsActive, tenantID)
	if out.Items, err = collect(rows, err, scanItem, "active routing items"); err != nil {
		return nil, err
	}
	rows, err = s.c.read().Query(ctx, s.q.ItemsSince, tenantID, ms(since))
	if out.Today, err = collect(rows, err, scanItem, "recent routing items"); err != nil {
		return nil, err
	}
	if out.Rules, err = s.Rules(ctx, tenantID); err != nil {
		return nil, err
	}
	return out, s.inboxQueues(ctx, tenantID, out)
}

// inboxQueues reads the default queue of each inbox that has one.
func (s *Routing) inboxQueues(ctx context.Context, tenantID string, out *routing.Snapshot) error {
	rows, err := s.c.read().Query(ctx, s.q.InboxQueues, tenantID)
	pairs, err := collect(rows, err, func(r sqldb.Row) (*[2]string, error) {
		var p [2]string
		return &p, r.Scan(&p[0], &p[1])
	}, "routing inbox queues")
	out.InboxQueues = make(map[string]string, len(pairs))
	for _, p := range pairs {
		out.InboxQueues[p[0]] = p[1]
	}
	return err
}

func scanAgent(r sqldb.Row) (*routing.Agent, error) {
	var a routing.Agent
	var skills, capacity, presence string
	var since, wrapUntil, idle int64
	if err := r.Scan(&a.UserID, &skills, &capacity, &presence, &a.Reason, &since, &wrapUntil, &idle); err != nil {
		return nil, err
	}
	a.Presence, a.Since, a.WrapUntil, a.IdleSince = routing.Presence(presence), fromMS(since), fromMSOrZero(wrapUntil), fromMSOrZero(idle)
	a.Skills = map[string]int{}
	for _, pair := range splitList(skills) {
		id, lvl, _ := strings.Cut(pair, ":")
		a.Skills[id], _ = strconv.Atoi(lvl)
	}
	a.Capacity = routing.DefaultCapacity()
	if capacity != "" {
		var c map[routing.Channel]int
		if err := json.Unmarshal([]byte(capacity), &c); err != nil {
			return nil, err
		}
		for ch, n := range c {
			a.Capacity[ch] = n
		}
	}
	return &a, nil
}

func scanItem(r sqldb.Row) (*routing.Item, error) {
	var it routing.Item
	var channel, attrs, status, declined string
	var offered, expires, enqueued, queued, assigned, ended int64
	if err := r.Scan(&it.ID, &it.TenantID, &it.QueueID, &channel, &it.Ref, &it.CustomerID, &it.Priority, &attrs, &status,
		&it.AgentID, &it.OfferID, &offered, &expires, &declined, &it.Sticky, &it.Forced, &enqueued, &queued, &assigned,
		&ended, &it.EndReason); err != nil {
		return nil, err
	}
	it.Channel, it.Status = routing.Channel(channel), routing.Status(status)
	it.OfferedAt, it.Expires, it.EnqueuedAt, it.QueuedAt = fromMSOrZero(offered), fromMSOrZero(expires), fromMS(enqueued), fromMS(queued)
	it.AssignedAt, it.EndedAt = fromMSOrZero(assigned), fromMSOrZero(ended)
	if err := json.Unmarshal([]byte(attrs), &it.Attributes); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(declined), &it.Declined); err != nil {
		return nil, err
	}
	return &it, nil
}

// ListQueues implements routing.Store.
func (s *Routing) ListQueues(ctx context.Context, tenantID string) ([]*routing.Queue, error) {
	rows, err := s.c.read().Query(ctx, s.q.QueueList, tenantID)
	return collect(rows, err, scanQueue, "list queues")
}

// GetQueue implements routing.Store.
func (s *Routing) GetQueue(ctx context.Context, tenantID, id string) (*routing.Queue, error) {
	q, err := scanQueue(s.c.read().QueryRow(ctx, s.q.QueueGet, tenantID, id))
	return q, wrap("get queue", notFound(err, routing.ErrQueueNotFound))
}

// CreateQueue implements routing.Store.
func (s *Routing) CreateQueue(ctx context.Context, q *routing.Queue) error {
	args, err := queueArgs(q)
	if err != nil {
		return wrap("create queue", err)
	}
	_, err = s.c.write().Exec(ctx, s.q.QueueInsert, append([]any{q.ID, q.TenantID}, append(args, ms(q.CreatedAt), ms(q.UpdatedAt))...)...)
	if sqldb.IsUnique(err) {
		return routing.ErrQueueNameTaken
	}
	return wrap("create queue", err)
}

// UpdateQueue implements routing.Store.
func (s *Routing) UpdateQueue(ctx context.Context, q *routing.Queue) error {
	args, err := queueArgs(q)
	if err != nil {
		return wrap("update queue", err)
	}
	n, err := s.c.write().Exec(ctx, s.q.QueueUpdate, append([]any{q.TenantID, q.ID}, append(args, ms(q.UpdatedAt))...)...)
	if sqldb.IsUnique(err) {
		return routing.ErrQueueNameTaken
	}
	return wrap("update queue", affected(n, err, routing.ErrQueueNotFound))
}

// DeleteQueue implements routing.Store; a queue that an inbox or another
// queue's overflow names is ErrQueueInUse.
func (s *Routing) DeleteQueue(ctx context.Context, tenantID, id string) error {
	return wrap("delete queue", s.c.atomic(ctx, func(q sqldb.Querier) error {
		var refs int
		if err := q.QueryRow(ctx, s.q.QueueRefs, tenantID, id).Scan(&refs); err != nil {
			return err
		}
		if refs > 0 {
			return routing.ErrQueueInUse
		}
		n, err := q.Exec(ctx, s.q.QueueDelete, tenantID, id)
		return affected(n, err, routing.ErrQueueNotFound)
	}))
}

// queueArgs are the settings columns of QueueInsert and QueueUpdate, from
// name to hours.
func queueArgs(q *routing.Queue) ([]any, error) {
	skills, err := json.Marshal(orNone(q.Skills))
	if err != nil {
		return nil, err
	}
	overflow, err := json.Marshal(orNone(q.Overflow))
	if err != nil {
		return nil, err
	}
	hours := ""
	if q.Hours != nil {
		b, err := json.Marshal(q.Hours)
		if err != nil {
			return nil, err
		}
		hours = string(b)
	}
	return []any{q.Name, string(skills), q.Priority, string(q.Strategy), q.AutoAccept, q.OfferTimeoutSeconds,
		q.MaxWaitSeconds, q.WrapUpSeconds, string(overflow), q.StickySeconds, q.ServiceLevel.Percent,
		q.ServiceLevel.Seconds, q.MissedOfferAway, q.AlternativesAfterSeconds, hours}, nil
}

func scanQueue(r sqldb.Row) (*routing.Queue, error) {
	var q routing.Queue
	var skills, strategy, overflow, hours string
	var created, updated int64
	if err := r.Scan(&q.ID, &q.TenantID, &q.Name, &skills, &q.Priority, &strategy, &q.AutoAccept, &q.OfferTimeoutSeconds,
		&q.MaxWaitSeconds, &q.WrapUpSeconds, &overflow, &q.StickySeconds, &q.ServiceLevel.Percent, &q.ServiceLevel.Seconds,
		&q.MissedOfferAway, &q.AlternativesAfterSeconds, &hours, &created, &updated); err != nil {
		return nil, err
	}
	q.Strategy, q.CreatedAt, q.UpdatedAt = routing.Strategy(strategy), fromMS(created), fromMS(updated)
	if err := json.Unmarshal([]byte(skills), &q.Skills); err != nil {
		return nil, err
	}
	if err := json.Unmarshal([]byte(overflow), &q.Overflow); err != nil {
		return nil, err
	}
	if hours != "" {
		q.Hours = &calendar.Hours{}
		if err := json.Unmarshal([]byte(hours), q.Hours); err != nil {
			return nil, err
		}
	}
	return &q, nil
}

// CreateAwayReason implements routing.Store.
func (s *Routing) CreateAwayReason(ctx context.Context, r *routing.AwayReason) error {
	_, err := s.c.write().Exec(ctx, s.q.ReasonInsert, r.ID, r.TenantID, r.Name, ms(r.CreatedAt))
	if sqldb.IsUnique(err) {
		return routing.ErrReasonTaken
	}
	return wrap("create away reason", err)
}

// ListAwayReasons implements routing.Store.
func (s *Routing) ListAwayReasons(ctx context.Context, tenantID string) ([]*routing.AwayReason, error) {
	rows, err := s.c.read().Query(ctx, s.q.ReasonList, tenantID)
	return collect(rows, err, func(r sqldb.Row) (*routing.AwayReason, error) {
		var v routing.AwayReason
		var created int64
		err := r.Scan(&v.ID, &v.TenantID, &v.Name, &created)
		v.CreatedAt = fromMS(created)
		return &v, err
	}, "list away reasons")
}

// DeleteAwayReason implements routing.Store.
func (s *Routing) DeleteAwayReason(ctx context.Context, tenantID, id string) error {
	n, err := s.c.write().Exec(ctx, s.q.ReasonDelete, tenantID, id)
	return wrap("delete away reason", affected(n, err, routing.ErrReasonNotFound))
}

// Rules implements routing.Store.
func (s *Routing) Rules(ctx context.Context, tenantID string) ([]*routing.Rule, error) {
	rows, err := s.c.read().Query(ctx, s.q.RuleList, tenantID)
	return collect(rows, err, func(r sqldb.Row) (*routing.Rule, error) {
		var v routing.Rule
		var pos int
		err := r.Scan(&v.ID, &v.TenantID, &pos, &v.Name, &v.InboxID, &v.When, &v.QueueID)
		return &v, err
	}, "list routing rules")
}

// ReplaceRules implements routing.Store: the list is replaced whole, in
// order. A rule naming another tenant's or no queue is ErrUnknownQueue.
func (s *Routing) ReplaceRules(ctx context.Context, tenantID string, rules []*routing.Rule) error {
	return wrap("replace routing rules", s.c.atomic(ctx, func(q sqldb.Querier) error {
		if _, err := q.Exec(ctx, s.q.RulesClear, tenantID); err != nil {
			return err
		}
		for i, r := range rules {
			n, err := q.Exec(ctx, s.q.RuleInsert, r.ID, tenantID, i, r.Name, r.InboxID, r.When, r.QueueID)
			if err := affected(n, err, routing.ErrUnknownQueue); err != nil {
				return err
			}
		}
		return nil
	}))
}

// CountSlots implements routing.Store.
func (s *Routing) CountSlots(ctx context.Context, p *routing.SlotParams) ([]*routing.SlotCount, error) {
	rows, err := s.c.read().Query(ctx, s.q.SlotCounts, p.TenantID, ms(p.From), ms(p.To), routing.SlotLength.Milliseconds(), p.QueueID)
	return collect(rows, err, func(r sqldb.Row) (*routing.SlotCount, error) {
		var c routing.SlotCount
		err := r.Scan(&c.QueueID, &c.Slot, &c.Counts.Entered, &c.Counts.Answered, &c.Counts.AnsweredInTarget, &c.Counts.Abandoned)
		return &c, err
	}, "count routing slots")
}

func msOrZero(t time.Time) int64 {
	if t.IsZero() {
		return 0
	}
	return ms(t)
}

func fromMSOrZero(v int64) time.Time {
	if v == 0 {
		return time.Time{}
	}
	return fromMS(v)
}

// orNone makes a nil slice marshal as [] rather than null.
func orNone[T any](s []T) []T {
	if s == nil {
		return []T{}
	}
	return s
}

func orEmpty(m map[string]string) map[string]string {
	if m == nil {
		return map[string]string{}
	}
	return m
}
