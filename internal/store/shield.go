package store

import (
	"context"
	"errors"
	"math"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/shield"
	"github.com/switchboardhq/switchboard/internal/store/sqldb"
)

type shieldQueries struct {
	SettingsGet     string `query:"ShieldSettingsGet"`
	SettingsSave    string `query:"ShieldSettingsSave"`
	NumberInsert    string `query:"ShieldNumberInsert"`
	NumberGet       string `query:"ShieldNumberGet"`
	NumberList      string `query:"ShieldNumberList"`
	NumberDelete    string `query:"ShieldNumberDelete"`
	RuleInsert      string `query:"ShieldRuleInsert"`
	RuleGet         string `query:"ShieldRuleGet"`
	RuleList        string `query:"ShieldRuleList"`
	RuleUpdate      string `query:"ShieldRuleUpdate"`
	RuleDelete      string `query:"ShieldRuleDelete"`
	EntryInsert     string `query:"ShieldEntryInsert"`
	EntryList       string `query:"ShieldEntryList"`
	EntryDelete     string `query:"ShieldEntryDelete"`
	BindingInsert   string `query:"ShieldBindingInsert"`
	BindingGet      string `query:"ShieldBindingGet"`
	BindingList     string `query:"ShieldBindingList"`
	BindingUpdate   string `query:"ShieldBindingUpdate"`
	BindingDelete   string `query:"ShieldBindingDelete"`
	BindingLiveOn   string `query:"ShieldBindingLiveOn"`
	LastCaller      string `query:"ShieldLastCaller"`
	LastCallerSet   string `query:"ShieldLastCallerSet"`
	PartyFree       string `query:"ShieldPartyFree"`
	PartyInsert     string `query:"ShieldPartyInsert"`
	PartiesClear    string `query:"ShieldPartiesClear"`
	PartyBusy       string `query:"ShieldPartyBusy"`
	CodePrune       string `query:"ShieldCodePrune"`
	CodeInsert      string `query:"ShieldCodeInsert"`
	CodeGet         string `query:"ShieldCodeGet"`
	CodeUse         string `query:"ShieldCodeUse"`
	DecisionInsert  string `query:"ShieldDecisionInsert"`
	DecisionList    string `query:"ShieldDecisionList"`
	DecisionListCus string `query:"ShieldDecisionListCustomer"`
}

// Shield implements shield.Store.
type Shield struct {
	c conn
	q *shieldQueries
}

var _ shield.Store = (*Shield)(nil)

// Shield returns the transaction's shield store.
func (t *Tx) Shield() shield.Store { return t.s.Shield }

// Settings implements shield.Store.
func (s *Shield) Settings(ctx context.Context, tenantID string) (*shield.Settings, error) {
	out := shield.DefaultSettings(tenantID)
	var updated int64
	err := s.c.read().QueryRow(ctx, s.q.SettingsGet, tenantID).Scan(&out.CodePrefix, &out.CodeLength, &out.CodeTTLSeconds,
		&out.FixedCode, &out.WebhookURL, &out.WebhookSecret, &out.Timezone, &updated)
	if errors.Is(err, sqldb.ErrNoRows) {
		return out, nil
	}
	if err != nil {
		return nil, wrap("shield settings", err)
	}
	out.UpdatedAt = fromMS(updated)
	return out, nil
}

// SaveSettings implements shield.Store.
func (s *Shield) SaveSettings(ctx context.Context, st *shield.Settings) error {
	_, err := s.c.write().Exec(ctx, s.q.SettingsSave, st.TenantID, st.CodePrefix, st.CodeLength, st.CodeTTLSeconds,
		st.FixedCode, st.WebhookURL, st.WebhookSecret, st.Timezone, ms(st.UpdatedAt))
	return wrap("save shield settings", err)
}

// CreateNumber implements shield.Store.
func (s *Shield) CreateNumber(ctx context.Context, n *shield.Number) error {
	_, err := s.c.write().Exec(ctx, s.q.NumberInsert, n.ID, n.TenantID, n.Number, string(n.Purpose), n.Area, ms(n.CreatedAt))
	if sqldb.IsUnique(err) {
		return shield.ErrNumberTaken
	}
	return wrap("create virtual number", err)
}

// GetNumber implements shield.Store.
func (s *Shield) GetNumber(ctx context.Context, tenantID, id string) (*shield.Number, error) {
	n, err := scanNumber(s.c.read().QueryRow(ctx, s.q.NumberGet, tenantID, id))
	return n, wrap("get virtual number", notFound(err, shield.ErrNumberNotFound))
}

// Numbers implements shield.Store.
func (s *Shield) Numbers(ctx context.Context, tenantID string) ([]*shield.Number, error) {
	rows, err := s.c.read().Query(ctx, s.q.NumberList, tenantID)
	return collect(rows, err, scanNumber, "list virtual numbers")
}

// DeleteNumber implements shield.Store.
func (s *Shield) DeleteNumber(ctx context.Context, tenantID, id string) error {
	n, err := s.c.write().Exec(ctx, s.q.NumberDelete, tenantID, id)
	return wrap("delete virtual number", affected(n, err, shield.ErrNumberNotFound))
}

func scanNumber(r sqldb.Row) (*shield.Number, error) {
	var n shield.Number
	var purpose string
	var created int64
	if err := r.Scan(&n.ID, &n.TenantID, &n.Number, &purpose, &n.Area, &created); err != nil {
		return nil, err
	}
	n.Purpose, n.CreatedAt = shield.Purpose(purpose), fromMS(created)
	return &n, nil
}

// CreateRule implements shield.Store.
func (s *Shield) CreateRule(ctx context.Context, r *shield.Rule) error {
	_, err := s.c.write().Exec(ctx, s.q.RuleInsert, r.ID, r.TenantID, r.Name, r.Condition, string(r.Outcome), r.Reason,
		r.CallerID, r.Record, r.Notify, r.Position, ms(r.CreatedAt), ms(r.UpdatedAt))
	return wrap("create shield rule", err)
}

// GetRule implements shield.Store.
func (s *Shield) GetRule(ctx context.Context, tenantID, id string) (*shield.Rule, error) {
	r, err := scanShieldRule(s.c.read().QueryRow(ctx, s.q.RuleGet, tenantID, id))
	return r, wrap("get shield rule", notFound(err, shield.ErrRuleNotFound))
}

// Rules implements shield.Store.
func (s *Shield) Rules(ctx context.Context, tenantID string) ([]*shield.Rule, error) {
	rows, err := s.c.read().Query(ctx, s.q.RuleList, tenantID)
	return collect(rows, err, scanShieldRule, "list shield rules")
}

// UpdateRule implements shield.Store.
func (s *Shield) UpdateRule(ctx context.Context, r *shield.Rule) error {
	n, err := s.c.write().Exec(ctx, s.q.RuleUpdate, r.TenantID, r.ID, r.Name, r.Condition, string(r.Outcome), r.Reason,
		r.CallerID, r.Record, r.Notify, r.Position, ms(r.UpdatedAt))
	return wrap("update shield rule", affected(n, err, shield.ErrRuleNotFound))
}

// DeleteRule implements shield.Store.
func (s *Shield) DeleteRule(ctx context.Context, tenantID, id string) error {
	n, err := s.c.write().Exec(ctx, s.q.RuleDelete, tenantID, id)
	return wrap("delete shield rule", affected(n, err, shield.ErrRuleNotFound))
}

func scanShieldRule(row sqldb.Row) (*shield.Rule, error) {
	var r shield.Rule
	var outcome string
	var created, updated int64
	if err := row.Scan(&r.ID, &r.TenantID, &r.Name, &r.Condition, &outcome, &r.Reason, &r.CallerID, &r.Record, &r.Notify,
		&r.Position, &created, &updated); err != nil {
		return nil, err
	}
	r.Outcome, r.CreatedAt, r.UpdatedAt = shield.Outcome(outcome), fromMS(created), fromMS(updated)
	return &r, nil
}

// AddListEntry implements shield.Store.
func (s *Shield) AddListEntry(ctx context.Context, e *shield.ListEntry) error {
	_, err := s.c.write().Exec(ctx, s.q.EntryInsert, e.ID, e.TenantID, string(e.List), e.Number, ms(e.CreatedAt))
	if sqldb.IsUnique(err) {
		return shield.ErrListEntryExists
	}
	return wrap("add list entry", err)
}

// ListEntries implements shield.Store.
func (s *Shield) ListEntries(ctx context.Context, p *shield.EntryListParams) ([]*shield.ListEntry, error) {
	n := math.MaxInt32
	if p.Limit > 0 {
		n = limit(p.Limit)
	}
	rows, err := s.c.read().Query(ctx, s.q.EntryList, p.TenantID, string(p.List), p.After, n)
	return collect(rows, err, scanEntry, "list list entries")
}

// DeleteListEntry implements shield.Store.
func (s *Shield) DeleteListEntry(ctx context.Context, tenantID string, list shield.List, id string) error {
	n, err := s.c.write().Exec(ctx, s.q.EntryDelete, tenantID, string(list), id)
	return wrap("delete list entry", affected(n, err, shield.ErrEntryNotFound))
}

func scanEntry(r sqldb.Row) (*shield.ListEntry, error) {
	var e shield.ListEntry
	var list string
	var created int64
	if err := r.Scan(&e.ID, &e.TenantID, &list, &e.Number, &created); err != nil {
		return nil, err
	}
	e.List, e.CreatedAt = shield.List(list), fromMS(created)
	return &e, nil
}

// CreateCode implements shield.Store: the agent's expired codes go first,
// so their codes may be drawn again and the table holds live codes only.
func (s *Shield) CreateCode(ctx context.Context, c *shield.DialCode) (bool, error) {
	var ok bool
	err := s.c.atomic(ctx, func(q sqldb.Querier) error {
		if _, err := q.Exec(ctx, s.q.CodePrune, c.TenantID, c.AgentID, ms(c.CreatedAt)); err != nil {
			return err
		}
		n, err := q.Exec(ctx, s.q.CodeInsert, c.TenantID, c.AgentID, c.Code, c.CustomerID, c.Reusable, ms(c.ExpiresAt),
			ms(c.CreatedAt))
		ok = n == 1
		return err
	})
	return ok, wrap("create dial code", err)
}

// Code implements shield.Store.
func (s *Shield) Code(ctx context.Context, tenantID, agentID, code string) (*shield.DialCode, error) {
	c := shield.DialCode{TenantID: tenantID}
	var expires, created int64
	var used *int64
	err := s.c.read().QueryRow(ctx, s.q.CodeGet, tenantID, agentID, code).Scan(&c.Code, &c.AgentID, &c.CustomerID,
		&c.Reusable, &expires, &used, &created)
	if err != nil {
		return nil, wrap("get dial code", notFound(err, shield.ErrCodeUnknown))
	}
	c.ExpiresAt, c.UsedAt, c.CreatedAt = fromMS(expires), fromMSPtr(used), fromMS(created)
	return &c, nil
}

// UseCode implements shield.Store.
func (s *Shield) UseCode(ctx context.Context, tenantID, agentID, code string, at time.Time) error {
	_, err := s.c.write().Exec(ctx, s.q.CodeUse, tenantID, agentID, code, ms(at))
	return wrap("use dial code", err)
}

// AppendDecision implements shield.Store.
func (s *Shield) AppendDecision(ctx context.Context, d *shield.Decision) error {
	_, err := s.c.write().Exec(ctx, s.q.DecisionInsert, d.ID, d.TenantID, ms(d.At), d.CallID, d.Caller, d.Destination,
		d.Via, d.AgentID, d.CustomerID, d.BindingID, d.ActorID, d.Outcome, d.Code, d.Reason, d.RuleID, d.CallerID)
	return wrap("append shield decision", err)
}

// Decisions implements shield.Store.
func (s *Shield) Decisions(ctx context.Context, p *shield.DecisionListParams) ([]*shield.Decision, error) {
	var rows sqldb.Rows
	var err error
	if p.CustomerID != "" {
		rows, err = s.c.read().Query(ctx, s.q.DecisionListCus, p.TenantID, p.CustomerID, p.BeforeAt, p.BeforeID, limit(p.Limit))
	} else {
		rows, err = s.c.read().Query(ctx, s.q.DecisionList, p.TenantID, p.BeforeAt, p.BeforeID, limit(p.Limit))
	}
	return collect(rows, err, scanDecision, "list shield decisions")
}

func scanDecision(r sqldb.Row) (*shield.Decision, error) {
	var d shield.Decision
	var at int64
	if err := r.Scan(&d.ID, &d.TenantID, &at, &d.CallID, &d.Caller, &d.Destination, &d.Via, &d.AgentID, &d.CustomerID,
		&d.BindingID, &d.ActorID, &d.Outcome, &d.Code, &d.Reason, &d.RuleID, &d.CallerID); err != nil {
		return nil, err
	}
	d.At = fromMS(at)
	return &d, nil
}

// joinCallers stores allowed callers comma-joined; E.164 has no commas.
func joinCallers(c []string) string { return strings.Join(c, ",") }
