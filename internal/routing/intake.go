package routing

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/rule"
)

// maxRules bounds a tenant's queue rules.
const maxRules = 200

// RuleEnv is what a queue rule may read. Field names are the rule
// language's (docs/guide): item.channel == "chat" && customer.tier == "vip".
type RuleEnv struct {
	Item struct {
		Channel    string         `expr:"channel"`
		InboxID    string         `expr:"inbox_id"`
		Language   string         `expr:"language"`
		Attributes map[string]any `expr:"attributes"`
	} `expr:"item"`
	Customer struct {
		Tier       string         `expr:"tier"`
		Tags       []string       `expr:"tags"`
		Attributes map[string]any `expr:"attributes"`
	} `expr:"customer"`
	// Hour (0–23) and Weekday ("mon" … "sun") in the tenant's time zone.
	Hour    int    `expr:"hour"`
	Weekday string `expr:"weekday"`
}

// Work is new work to route. It travels in commands (OpRoute), so it is
// plain data.
type Work struct {
	TenantID   string            `json:"tenant_id"`
	InboxID    string            `json:"inbox_id,omitempty"`
	Channel    Channel           `json:"channel"`
	Ref        string            `json:"ref"`
	CustomerID string            `json:"customer_id,omitempty"`
	Language   string            `json:"language,omitempty"`
	Attributes map[string]string `json:"attributes,omitempty"`
	// CustomerTier, CustomerTags and CustomerAttributes feed the rules.
	CustomerTier       string            `json:"customer_tier,omitempty"`
	CustomerTags       []string          `json:"customer_tags,omitempty"`
	CustomerAttributes map[string]string `json:"customer_attributes,omitempty"`
	// At is when the work arrived; the wait counts from it.
	At time.Time `json:"at"`
	// Sticky is the customer's last agent, once looked up (StickyKnown).
	Sticky      string `json:"sticky,omitempty"`
	StickyKnown bool   `json:"sticky_known,omitempty"`
	// Assignee is the agent who has the work already (a conversation the
	// customer reopened): it stays theirs if they are signed in and not
	// away, else it waits in the queue and they are preferred.
	Assignee string `json:"assignee,omitempty"`
	// QueueID forces the queue, skipping the rules and the inbox default:
	// a person transferred the work there. A queue deleted meanwhile
	// falls back to the normal choice rather than dropping the work.
	QueueID string `json:"queue_id,omitempty"`
}

// Rules returns the tenant's queue rules in order.
func (s *Service) Rules(ctx context.Context, by *permission.Principal) ([]*Rule, error) {
	return s.cfg.Store.Rules(ctx, by.TenantID)
}

// ReplaceRules checks every condition and replaces the tenant's rules.
func (s *Service) ReplaceRules(ctx context.Context, by *permission.Principal, rules []*Rule) ([]*Rule, error) {
	if len(rules) > maxRules {
		return nil, errcode.Errorf(errcode.ValidationFailed, "at most %d rules", maxRules)
	}
	var details []errcode.Detail
	for i, r := range rules {
		r.ID, r.TenantID, r.Name, r.When = s.cfg.NewID(), by.TenantID, strings.TrimSpace(r.Name), strings.TrimSpace(r.When)
		if _, err := rule.Compile(r.When, RuleEnv{}, rule.Field(fmt.Sprintf("rules[%d].when", i))); err != nil {
			details = append(details, detailsOf(err)...)
		}
		if r.QueueID == "" {
			details = append(details, errcode.Detail{Field: fmt.Sprintf("rules[%d].queue_id", i), Message: "is required"})
		}
	}
	if len(details) > 0 {
		return nil, &errcode.Error{Code: errcode.ValidationFailed, Message: "the rules are invalid", Details: details}
	}
	now := s.cfg.Now()
	err := s.cfg.InTx(ctx, func(tx AdminTx) error {
		if err := tx.Routing().ReplaceRules(ctx, by.TenantID, rules); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, ActionRulesReplaced, "tenant", by.TenantID, now).With(map[string]any{"count": len(rules)}))
	})
	if err != nil {
		return nil, err
	}
	return rules, s.reload(ctx, by.TenantID) // the dispatcher holds the rules
}

func detailsOf(err error) []errcode.Detail {
	var e *errcode.Error
	if errors.As(err, &e) {
		return e.Details
	}
	return []errcode.Detail{{Field: "rules", Message: err.Error()}}
}

// ChooseQueue returns the queue for new work: the first rule (for any inbox
// or the work's inbox) whose condition holds, else the inbox's default
// queue; "" when neither exists (the work is not routed). A rule that
// fails at run time counts as not matching. The rules are compiled
// (Prepare).
func ChooseQueue(rules []*Rule, w *Work, defaultQueueID string, loc *time.Location) string {
	if loc == nil {
		loc = time.UTC
	}
	env := RuleEnv{Hour: w.At.In(loc).Hour(), Weekday: strings.ToLower(w.At.In(loc).Weekday().String()[:3])}
	env.Item.Channel, env.Item.InboxID, env.Item.Language = string(w.Channel), w.InboxID, w.Language
	env.Item.Attributes = anyMap(w.Attributes)
	env.Customer.Tier, env.Customer.Tags = w.CustomerTier, w.CustomerTags
	env.Customer.Attributes = anyMap(w.CustomerAttributes)
	for _, r := range rules {
		if r.InboxID != "" && r.InboxID != w.InboxID {
			continue
		}
		if r.cond == nil {
			continue // not compiled: never matches
		}
		if ok, err := r.cond.Eval(env); err == nil && ok {
			return r.QueueID
		}
	}
	return defaultQueueID
}

func anyMap(m map[string]string) map[string]any {
	out := make(map[string]any, len(m))
	for k, v := range m {
		out[k] = v
	}
	return out
}

// Route takes in new work: the tenant's dispatcher picks the queue by the
// rules it holds and enqueues it, in one command. A queue that prefers
// the customer's last agent sends the command back for that agent, which
// only the store knows. Route returns the item, or nil when no queue
// takes the work. Routing the same Ref twice while it is active is
// ErrActiveItem.
func (s *Service) Route(ctx context.Context, w *Work) (*Item, error) {
	res, err := s.cfg.Engine.Execute(ctx, w.TenantID, &Command{Op: OpRoute, Work: w})
	if err != nil || res.StickySince == nil {
		return routed(res, err)
	}
	sticky, err := s.cfg.Store.LastAgent(ctx, w.TenantID, w.CustomerID, *res.StickySince)
	if err != nil {
		return nil, err
	}
	again := *w
	again.Sticky, again.StickyKnown = sticky, true
	return routed(s.cfg.Engine.Execute(ctx, w.TenantID, &Command{Op: OpRoute, Work: &again}))
}

func routed(res *Result, err error) (*Item, error) {
	if err != nil {
		return nil, err
	}
	return res.Item, nil
}

// keepWith takes in work that stays with the agent who has it: assigned
// to them at once, even above their capacity, as a person's assignment.
func (b *Board) keepWith(it *Item, userID string, now time.Time) ([]Effect, error) {
	if _, err := b.insert(it, now); err != nil {
		return nil, err
	}
	fx := []Effect{{Kind: EffectQueued, Item: cloneItem(it)}}
	afx, err := b.Assign(it.Ref, userID, true, now)
	return append(fx, afx...), err
}

// route picks the queue for new work and enqueues it (OpRoute).
func (b *Board) route(w *Work, now time.Time) (*Result, error) {
	if w == nil || w.Ref == "" || !w.Channel.Valid() {
		return nil, errcode.New(errcode.ValidationFailed, "routing: work needs a ref and a channel")
	}
	q := b.queues[w.QueueID]
	if q == nil {
		q = b.queues[ChooseQueue(b.rules, w, b.inboxQueues[w.InboxID], b.settings.Location)]
	}
	if q == nil {
		return &Result{}, nil // no queue takes the work
	}
	it := &Item{ID: b.newID(), TenantID: w.TenantID, QueueID: q.ID, Channel: w.Channel, Ref: w.Ref,
		CustomerID: w.CustomerID, Attributes: w.Attributes, EnqueuedAt: w.At, Sticky: w.Sticky}
	var fx []Effect
	var err error
	switch a := b.agents[w.Assignee]; {
	case a != nil && a.Presence != Offline && a.Presence != Away:
		fx, err = b.keepWith(it, a.UserID, now)
	case w.Assignee != "":
		it.Sticky = w.Assignee
		fx, err = b.Enqueue(it, now)
	case q.StickySeconds > 0 && w.CustomerID != "" && !w.StickyKnown:
		since := w.At.Add(-seconds(q.StickySeconds))
		return &Result{StickySince: &since}, nil
	default:
		fx, err = b.Enqueue(it, now)
	}
	if err != nil {
		return nil, err
	}
	res := &Result{Effects: fx}
	if res.Item, _ = b.Item(w.Ref); res.Item == nil {
		res.Item = cloneItem(it) // ended at once
	}
	return res, nil
}

// Work returns the active routed work for ref (ErrItemNotFound if none).
func (s *Service) Work(ctx context.Context, tenantID, ref string) (*Item, error) {
	res, err := s.cfg.Engine.Execute(ctx, tenantID, &Command{Op: OpItem, Ref: ref})
	if err != nil {
		return nil, err
	}
	return res.Item, nil
}

// End finishes the routed work for ref (resolved, closed, hung up).
func (s *Service) End(ctx context.Context, tenantID, ref, reason string) error {
	_, err := s.cfg.Engine.Execute(ctx, tenantID, &Command{Op: OpEnd, Ref: ref, Reason: reason})
	return err
}

// Assigned records that a person gave the work for ref to an agent
// directly; routing follows (the agent's capacity may be exceeded).
func (s *Service) Assigned(ctx context.Context, tenantID, ref, userID string) error {
	_, err := s.cfg.Engine.Execute(ctx, tenantID, &Command{Op: OpAssign, Ref: ref, UserID: userID, Force: true})
	if isNotFound(err) {
		return nil // not routed, or the agent cannot take work
	}
	return err
}

// Position returns where the routed work for ref waits.
func (s *Service) Position(ctx context.Context, tenantID, ref string) (*Position, error) {
	res, err := s.cfg.Engine.Execute(ctx, tenantID, &Command{Op: OpPosition, Ref: ref})
	if err != nil {
		return nil, err
	}
	return res.Position, nil
}
