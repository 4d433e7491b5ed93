package client

import (
	"context"
	"net/http"
	"net/url"
	"time"
)

// VirtualNumber is one of the tenant's shield numbers.
type VirtualNumber struct {
	ID        string    `json:"id"`
	Number    string    `json:"number"`
	Purpose   string    `json:"purpose"`
	Area      string    `json:"area"`
	CreatedAt time.Time `json:"created_at"`
}

// ShieldRule allows or denies agents' calls.
type ShieldRule struct {
	ID        string `json:"id"`
	Name      string `json:"name"`
	Condition string `json:"condition"`
	Outcome   string `json:"outcome"`
	Reason    string `json:"reason"`
	CallerID  string `json:"caller_id"`
	Record    bool   `json:"record"`
	Notify    string `json:"notify"`
	Position  int    `json:"position"`
}

// ListEntry is a number or prefix on the block or allow list.
type ListEntry struct {
	ID     string `json:"id"`
	List   string `json:"list"`
	Number string `json:"number"`
}

// Binding is an anonymous binding through virtual number X.
type Binding struct {
	ID             string     `json:"id"`
	Type           string     `json:"type"`
	X              string     `json:"x"`
	A              string     `json:"a"`
	B              string     `json:"b"`
	Direction      string     `json:"direction"`
	Record         bool       `json:"record"`
	ExternalID     string     `json:"external_id"`
	AllowedCallers []string   `json:"allowed_callers"`
	ExpiresAt      *time.Time `json:"expires_at"`
}

// DialCode lets the agent who asked call a customer by dialing Code.
type DialCode struct {
	Code       string    `json:"code"`
	CustomerID string    `json:"customer_id"`
	Reusable   bool      `json:"reusable"`
	ExpiresAt  time.Time `json:"expires_at"`
}

// ShieldAnswer is the shield's decision on a call.
type ShieldAnswer struct {
	Action      string `json:"action"`
	Destination string `json:"destination"`
	CallerID    string `json:"caller_id"`
	BindingID   string `json:"binding_id"`
	CustomerID  string `json:"customer_id"`
	AgentID     string `json:"agent_id"`
	Record      *bool  `json:"record"`
	Code        int    `json:"code"`
	Reason      string `json:"reason"`
	RuleID      string `json:"rule_id"`
	Notify      string `json:"notify"`
}

// ShieldDecision is the record of one resolve; numbers are masked.
type ShieldDecision struct {
	ID          string    `json:"id"`
	At          time.Time `json:"at"`
	CallID      string    `json:"call_id"`
	Caller      string    `json:"caller"`
	Destination string    `json:"destination"`
	Via         string    `json:"via"`
	AgentID     string    `json:"agent_id"`
	CustomerID  string    `json:"customer_id"`
	BindingID   string    `json:"binding_id"`
	Outcome     string    `json:"outcome"`
	Code        int       `json:"code"`
	Reason      string    `json:"reason"`
	RuleID      string    `json:"rule_id"`
	CallerID    string    `json:"caller_id"`
}

// CreateShieldNumber adds a virtual number: {"number","purpose","area"?}.
func (c *Client) CreateShieldNumber(ctx context.Context, number, purpose string) (*VirtualNumber, error) {
	var n VirtualNumber
	return &n, c.Do(ctx, http.MethodPost, "/api/v1/shield/numbers", map[string]any{"number": number, "purpose": purpose}, &n)
}

// CreateShieldRule adds a rule from a body such as {"name","condition",
// "outcome","reason"?,"caller_id"?,"position"?}.
func (c *Client) CreateShieldRule(ctx context.Context, in map[string]any) (*ShieldRule, error) {
	var r ShieldRule
	return &r, c.Do(ctx, http.MethodPost, "/api/v1/shield/rules", in, &r)
}

// AddListEntry puts a number or prefix on list (block or allow).
func (c *Client) AddListEntry(ctx context.Context, list, number string) (*ListEntry, error) {
	var e ListEntry
	return &e, c.Do(ctx, http.MethodPost, "/api/v1/shield/lists/"+url.PathEscape(list), map[string]any{"number": number}, &e)
}

// CreateBinding binds parties from a body such as {"type","a","b"?,
// "expires_in"?}.
func (c *Client) CreateBinding(ctx context.Context, in map[string]any) (*Binding, error) {
	var b Binding
	return &b, c.Do(ctx, http.MethodPost, "/api/v1/shield/bindings", in, &b)
}

// IssueDialCode asks for a code that calls the customer.
func (c *Client) IssueDialCode(ctx context.Context, customerID string, reusable bool) (*DialCode, error) {
	var d DialCode
	return &d, c.Do(ctx, http.MethodPost, "/api/v1/shield/dial-codes", map[string]any{"customer_id": customerID, "reusable": reusable}, &d)
}

// Resolve asks the shield what to do with a call.
func (c *Client) Resolve(ctx context.Context, caller, dialed, callID string) (*ShieldAnswer, error) {
	var a ShieldAnswer
	in := map[string]any{"caller": caller, "dialed": dialed}
	if callID != "" {
		in["call_id"] = callID
	}
	return &a, c.Do(ctx, http.MethodPost, "/api/v1/shield/resolve", in, &a)
}

// ShieldDecisions lists recorded decisions, newest first; the filter
// customer_id narrows them to one customer.
func (c *Client) ShieldDecisions(ctx context.Context, o *ListOptions) (*Page[ShieldDecision], error) {
	var p Page[ShieldDecision]
	return &p, c.Do(ctx, http.MethodGet, "/api/v1/shield/decisions"+o.query(), nil, &p)
}
