// Package shield is the number shield: agents and the parties of anonymous
// bindings call through the tenant's virtual numbers and never learn each
// other's real numbers, and the business — not the telephony layer —
// decides who may reach whom and with which caller ID.
//
// A tenant keeps a pool of virtual numbers (hotline, local, binding), rules
// written in the expression language of internal/rule, a block list and an
// allow list of numbers and prefixes, anonymous bindings (AXB and AXN, the
// Alibaba PNP / Twilio Proxy model) and short-lived dial codes. A PBX asks
// Resolve, per call, what to do: dial a destination with a caller ID, or
// reject with a SIP-style code and a reason. The decision itself is a pure
// function of the tenant's compiled snapshot and a few look-ups
// (engine.go); the snapshot lives in memory per tenant (cache.go) and
// decisions are written to the database in batches, off the call's path
// (decisionlog.go). See ADR 0020.
package shield

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
)

// Purpose tags a virtual number with what the shield uses it for.
type Purpose string

// The purposes. Hotline numbers are the default caller ID; local numbers
// are presented to customers in their own area; binding numbers are the X
// of anonymous bindings.
const (
	PurposeHotline Purpose = "hotline"
	PurposeLocal   Purpose = "local"
	PurposeBinding Purpose = "binding"
)

// Number is one of the tenant's virtual numbers.
type Number struct {
	ID       string  `json:"id"`
	TenantID string  `json:"tenant_id"`
	Number   string  `json:"number"` // E.164
	Purpose  Purpose `json:"purpose"`
	// Area is the geographic area code the number belongs to ("" when it
	// has none, as mobile and service numbers); local numbers are matched
	// to customers by it.
	Area      string    `json:"area"`
	CreatedAt time.Time `json:"created_at"`
}

// Outcome is what a rule decides.
type Outcome string

// The outcomes.
const (
	OutcomeAllow Outcome = "allow"
	OutcomeDeny  Outcome = "deny"
)

// Caller-ID choices a rule may name besides a specific virtual number.
const (
	CallerIDHotline = "hotline"
	CallerIDLocal   = "local"
)

// Rule allows or denies an agent's call when its condition holds. Rules are
// evaluated in position order and the first match decides.
type Rule struct {
	ID        string  `json:"id"`
	TenantID  string  `json:"tenant_id"`
	Name      string  `json:"name"`
	Condition string  `json:"condition"`
	Outcome   Outcome `json:"outcome"`
	// Reason is told to the agent's phone when the rule denies.
	Reason string `json:"reason"`
	// CallerID, for an allowing rule, is a virtual number (E.164),
	// "hotline" or "local"; "" is the hotline.
	CallerID string `json:"caller_id"`
	// Record asks the PBX to record calls the rule allows.
	Record bool `json:"record"`
	// Notify is the text of a pre-call SMS ("you will be called by …")
	// that flows will send before ringing; stored and reported only.
	Notify    string    `json:"notify"`
	Position  int       `json:"position"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// List names the two enterprise lists.
type List string

// The lists. The block list always rejects; a non-empty allow list lets
// only its numbers and prefixes be dialed.
const (
	ListBlock List = "block"
	ListAllow List = "allow"
)

// ListEntry is a number (E.164) or a prefix of one ("+86138").
type ListEntry struct {
	ID        string    `json:"id"`
	TenantID  string    `json:"tenant_id"`
	List      List      `json:"list"`
	Number    string    `json:"number"`
	CreatedAt time.Time `json:"created_at"`
}

// Settings are a tenant's shield settings.
type Settings struct {
	TenantID string `json:"-"`
	// CodePrefix starts every dial code, CodeLength digits follow it.
	CodePrefix string `json:"code_prefix"`
	CodeLength int    `json:"code_length"`
	// CodeTTLSeconds is how long a dial code is valid.
	CodeTTLSeconds int `json:"code_ttl_seconds"`
	// FixedCode means "the customer of my current work item"; "" is off.
	FixedCode string `json:"fixed_code"`
	// WebhookURL receives binding call events, signed with WebhookSecret.
	WebhookURL    string `json:"webhook_url"`
	WebhookSecret string `json:"-"`
	// Timezone (IANA) is the zone of a rule's time.
	Timezone  string    `json:"timezone"`
	UpdatedAt time.Time `json:"updated_at"`
}

// DefaultSettings are a tenant's settings until an admin changes them.
func DefaultSettings(tenantID string) *Settings {
	return &Settings{TenantID: tenantID, CodePrefix: "8", CodeLength: 4, CodeTTLSeconds: 600, FixedCode: "8888",
		Timezone: "UTC"}
}

// BindingType names the two binding models.
type BindingType string

// The binding types. AXB: A and B reach each other through X. AXN: anyone
// (or the allowed callers) reaches A through X, and A calling X reaches the
// last party that called.
const (
	BindingAXB BindingType = "axb"
	BindingAXN BindingType = "axn"
)

// Direction restricts which way an AXB binding may be called.
type Direction string

// The directions.
const (
	DirectionBoth Direction = "both"
	DirectionAToB Direction = "a_to_b"
	DirectionBToA Direction = "b_to_a"
)

// Binding is an anonymous binding through virtual number X.
type Binding struct {
	ID        string      `json:"id"`
	TenantID  string      `json:"tenant_id"`
	Type      BindingType `json:"type"`
	X         string      `json:"x"`
	A         string      `json:"a"`
	B         string      `json:"b"`
	Direction Direction   `json:"direction"`
	Record    bool        `json:"record"`
	// ExternalID is the integrator's own reference, echoed in webhooks.
	ExternalID string `json:"external_id"`
	// AllowedCallers, for AXN, limits who may call X to reach A.
	AllowedCallers []string `json:"allowed_callers"`
	// ExpiresAt is nil for a binding that lasts until it is deleted.
	ExpiresAt *time.Time `json:"expires_at"`
	CreatedAt time.Time  `json:"created_at"`
	UpdatedAt time.Time  `json:"updated_at"`
}

// Live reports whether the binding has not expired at now.
func (b *Binding) Live(now time.Time) bool { return b.ExpiresAt == nil || now.Before(*b.ExpiresAt) }

// anyone is the party key of an AXN binding open to every caller: at most
// one such binding may use an X at a time.
const anyone = "*"

// Parties are the keys that identify the binding's callers on X; each may
// belong to one live binding per X.
func (b *Binding) Parties() []string {
	out := []string{b.A}
	switch {
	case b.Type == BindingAXB:
		out = append(out, b.B)
	case len(b.AllowedCallers) == 0:
		out = append(out, anyone)
	default:
		out = append(out, b.AllowedCallers...)
	}
	return out
}

// DialCode lets one agent call one customer by dialing the code.
type DialCode struct {
	TenantID   string     `json:"-"`
	Code       string     `json:"code"`
	AgentID    string     `json:"agent_id"`
	CustomerID string     `json:"customer_id"`
	Reusable   bool       `json:"reusable"`
	ExpiresAt  time.Time  `json:"expires_at"`
	CreatedAt  time.Time  `json:"created_at"`
	UsedAt     *time.Time `json:"-"`
}

// Decision is the stored record of one resolve: who called, which
// customer, which rule decided and the outcome. It never holds a real
// number in clear: Caller is an extension or a masked number, Destination
// is masked.
type Decision struct {
	ID          string    `json:"id"`
	TenantID    string    `json:"tenant_id"`
	At          time.Time `json:"at"`
	CallID      string    `json:"call_id"`
	Caller      string    `json:"caller"`
	Destination string    `json:"destination"`
	// Via is how the destination was found: code, fixed_code, number,
	// binding, or "" when the call was refused before.
	Via        string `json:"via"`
	AgentID    string `json:"agent_id"`
	CustomerID string `json:"customer_id"`
	BindingID  string `json:"binding_id"`
	// ActorID is the user whose token asked (the PBX's token owner).
	ActorID  string `json:"actor_id"`
	Outcome  string `json:"outcome"` // dial or reject
	Code     int    `json:"code"`    // 0 for dial
	Reason   string `json:"reason"`
	RuleID   string `json:"rule_id"`
	CallerID string `json:"caller_id"`
}

// DecisionListParams select a page of decisions, newest first.
type DecisionListParams struct {
	TenantID   string
	CustomerID string // optional filter
	// Cursor: the time (Unix ms) and ID of the previous page's last one.
	BeforeAt int64
	BeforeID string
	Limit    int
}

// Audit actions and event subjects. Configuration events make every node
// rebuild the tenant's snapshot; binding events carry the binding's ID so
// nodes refresh that one binding.
const (
	ActionNumberCreated  = "shield.number_created"
	ActionNumberDeleted  = "shield.number_deleted"
	ActionRuleCreated    = "shield.rule_created"
	ActionRuleUpdated    = "shield.rule_updated"
	ActionRuleDeleted    = "shield.rule_deleted"
	ActionListAdded      = "shield.list_entry_added"
	ActionListRemoved    = "shield.list_entry_removed"
	ActionSettings       = "shield.settings_updated"
	ActionBindingCreated = "shield.binding_created"
	ActionBindingUpdated = "shield.binding_updated"
	ActionBindingDeleted = "shield.binding_deleted"
	ActionDialCode       = "shield.dial_code_issued"

	EventConfigChanged = "sb.shield.config_changed"
	EventBindingSaved  = "sb.shield.binding_saved"
	EventBindingGone   = "sb.shield.binding_deleted"
	// EventCall is a binding's call event (attempt, ring, answer, end),
	// delivered to the tenant's webhook.
	EventCall = "sb.shield.call"
)

// CallEvent is the body of EventCall and of the webhook it becomes. It
// names the binding and the call, never a number.
type CallEvent struct {
	Type       string `json:"type"` // attempt, ring, answer, end
	BindingID  string `json:"binding_id"`
	ExternalID string `json:"external_id,omitempty"`
	CallID     string `json:"call_id,omitempty"`
	Cause      string `json:"cause,omitempty"`
	// Action and Code report an attempt's decision.
	Action string `json:"action,omitempty"`
	Code   int    `json:"code,omitempty"`
}

// Store persists the shield; every call is confined to one tenant.
type Store interface {
	NumberStore
	RuleStore
	ListStore
	BindingStore
	CodeStore
	DecisionStore
	// Settings returns the tenant's settings, DefaultSettings when it has
	// never saved any.
	Settings(ctx context.Context, tenantID string) (*Settings, error)
	SaveSettings(ctx context.Context, s *Settings) error
}

// NumberStore keeps the virtual number pool.
type NumberStore interface {
	// CreateNumber inserts n. ErrNumberTaken.
	CreateNumber(ctx context.Context, n *Number) error
	GetNumber(ctx context.Context, tenantID, id string) (*Number, error)
	// Numbers lists the pool in number order.
	Numbers(ctx context.Context, tenantID string) ([]*Number, error)
	DeleteNumber(ctx context.Context, tenantID, id string) error
}

// RuleStore keeps the rules.
type RuleStore interface {
	CreateRule(ctx context.Context, r *Rule) error
	GetRule(ctx context.Context, tenantID, id string) (*Rule, error)
	// Rules lists the rules in position order.
	Rules(ctx context.Context, tenantID string) ([]*Rule, error)
	UpdateRule(ctx context.Context, r *Rule) error
	DeleteRule(ctx context.Context, tenantID, id string) error
}

// ListStore keeps the block and allow lists.
type ListStore interface {
	// AddListEntry inserts e. ErrListEntryExists.
	AddListEntry(ctx context.Context, e *ListEntry) error
	// ListEntries lists a page of one list, or of both when List is "",
	// in number order.
	ListEntries(ctx context.Context, p *EntryListParams) ([]*ListEntry, error)
	DeleteListEntry(ctx context.Context, tenantID string, list List, id string) error
}

// EntryListParams select list entries in number order.
type EntryListParams struct {
	TenantID string
	List     List   // "" for both
	After    string // the previous page's last number
	// Limit is the page size; 0 or less lists every entry.
	Limit int
}

// BindingStore keeps bindings and the party index that keeps each party
// on one live binding per X.
type BindingStore interface {
	// CreateBinding inserts b and its parties. ErrPartyBound when a party
	// is on another live binding with the same X.
	CreateBinding(ctx context.Context, b *Binding, now time.Time) error
	GetBinding(ctx context.Context, tenantID, id string) (*Binding, error)
	// Bindings lists a page of bindings in ID order; LiveAt, when not
	// zero, keeps those that have not expired then.
	Bindings(ctx context.Context, p *BindingListParams) ([]*Binding, error)
	// UpdateBinding writes every field and replaces its parties.
	// ErrPartyBound.
	UpdateBinding(ctx context.Context, b *Binding, now time.Time) error
	DeleteBinding(ctx context.Context, tenantID, id string) error
	// BusyNumbers lists the X values on which any of parties is bound by
	// a live binding at now.
	BusyNumbers(ctx context.Context, tenantID string, parties []string, now time.Time) ([]string, error)
	// LiveBindingsOn counts the live bindings whose X is x.
	LiveBindingsOn(ctx context.Context, tenantID, x string, now time.Time) (int, error)
	// LastCaller returns who last called an AXN binding ("" for nobody).
	LastCaller(ctx context.Context, tenantID, bindingID string) (string, error)
}

// BindingListParams select a page of bindings.
type BindingListParams struct {
	TenantID string
	LiveAt   time.Time
	After    string
	Limit    int
}

// CodeStore keeps dial codes.
type CodeStore interface {
	// CreateCode inserts c unless the agent holds the same code live;
	// false means it is taken (draw another).
	CreateCode(ctx context.Context, c *DialCode) (bool, error)
	// Code returns an agent's code. ErrCodeUnknown.
	Code(ctx context.Context, tenantID, agentID, code string) (*DialCode, error)
}

// DecisionStore keeps decisions and what resolving changed.
type DecisionStore interface {
	// AppendDecision stores d.
	AppendDecision(ctx context.Context, d *Decision) error
	// UseCode marks a one-time code used at at.
	UseCode(ctx context.Context, tenantID, agentID, code string, at time.Time) error
	// SetLastCaller remembers who last called an AXN binding.
	SetLastCaller(ctx context.Context, tenantID, bindingID, caller string, at time.Time) error
	Decisions(ctx context.Context, p *DecisionListParams) ([]*Decision, error)
}

// Tx is the transactional view the service writes through.
type Tx interface {
	audit.Recorder
	Shield() Store
}

// Errors.
var (
	ErrNumberNotFound   = errcode.New(errcode.NotFound, "virtual number not found")
	ErrRuleNotFound     = errcode.New(errcode.NotFound, "shield rule not found")
	ErrEntryNotFound    = errcode.New(errcode.NotFound, "list entry not found")
	ErrBindingNotFound  = errcode.New(errcode.NotFound, "binding not found")
	ErrCodeUnknown      = errcode.New(errcode.NotFound, "dial code not found")
	ErrNumberTaken      = errcode.New(errcode.NumberTaken, "the number is already in the tenant's pool")
	ErrNumberInUse      = errcode.New(errcode.NumberInUse, "the number is a rule's caller ID or the X of a live binding")
	ErrListEntryExists  = errcode.New(errcode.ListEntryExists, "the number or prefix is already on this list")
	ErrPartyBound       = errcode.New(errcode.PartyBound, "a party already has a live binding on this virtual number")
	ErrNoBindingNumber  = errcode.New(errcode.NoBindingNumber, "no binding number is free for these parties; add binding numbers to the pool")
	ErrUnknownCustomer  = errcode.New(errcode.UnknownCustomer, "the customer does not exist in the tenant")
	ErrCustomerNoPhone  = errcode.New(errcode.CustomerNoPhone, "the customer has no phone number to call")
	ErrUnknownAgent     = errcode.New(errcode.UnknownUser, "no user of the tenant has this ID or extension")
	ErrUnknownCallerID  = errcode.New(errcode.UnknownNumber, "caller_id is not one of the tenant's virtual numbers, hotline or local")
	errCodesUnavailable = errcode.New(errcode.Conflict, "no free dial code could be drawn; try again")
)
