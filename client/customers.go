package client

import (
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"time"
)

// Customer is a person who contacts the tenant, with phone numbers and
// email addresses masked (+86 138****8000, j***@example.com) whoever asks.
type Customer struct {
	ID     string   `json:"id"`
	Name   string   `json:"name"`
	Email  string   `json:"email,omitempty"`
	Phone  string   `json:"phone,omitempty"`
	Phones []string `json:"phones"`
	Emails []string `json:"emails"`
	// Identities are set when one customer is read, not in lists.
	Identities    []CustomerIdentity `json:"identities,omitempty"`
	Tier          string             `json:"tier"`
	Tags          []string           `json:"tags"`
	Attributes    map[string]any     `json:"attributes"`
	Consent       map[string]bool    `json:"consent"`
	DoNotContact  bool               `json:"do_not_contact"`
	OwnerID       string             `json:"owner_id"`
	CreatedBy     string             `json:"created_by"`
	MergedInto    string             `json:"merged_into,omitempty"`
	CreatedAt     time.Time          `json:"created_at"`
	UpdatedAt     time.Time          `json:"updated_at"`
	ContactCount  int                `json:"contact_count"`
	LastContactAt *time.Time         `json:"last_contact_at,omitempty"`
}

// CustomerIdentity is how a channel knows a customer. Value is masked for
// phone numbers and addresses, absent for secrets.
type CustomerIdentity struct {
	Kind  string `json:"kind"`
	Value string `json:"value,omitempty"`
}

// RevealedCustomer is a customer's personal data unmasked.
type RevealedCustomer struct {
	ID         string             `json:"id"`
	Name       string             `json:"name"`
	Phones     []string           `json:"phones"`
	Emails     []string           `json:"emails"`
	Phone      string             `json:"phone,omitempty"`
	Email      string             `json:"email,omitempty"`
	Identities []CustomerIdentity `json:"identities"`
}

// CustomerTier is one of the tenant's customer tiers.
type CustomerTier struct {
	Name     string `json:"name"`
	Label    string `json:"label"`
	Position int    `json:"position"`
}

// TimelineEntry is one contact of a customer, with its kind (chat, call)
// and, for chat contacts, its conversation's status and last message time.
type TimelineEntry struct {
	ID             string     `json:"id"`
	Kind           string     `json:"kind"`
	Channel        string     `json:"channel"`
	InboxID        string     `json:"inbox_id"`
	ConversationID string     `json:"conversation_id"`
	StartedAt      time.Time  `json:"started_at"`
	EndedAt        *time.Time `json:"ended_at,omitempty"`
	Status         string     `json:"status,omitempty"`
	LastMessageAt  *time.Time `json:"last_message_at,omitempty"`
}

const customersPath = "/api/v1/customers"

// ListCustomers returns a page of customers; Filters carry q, tag, tier,
// owner_id, phone, email and attr.KEY.
func (c *Client) ListCustomers(ctx context.Context, o *ListOptions) (*Page[Customer], error) {
	var p Page[Customer]
	return &p, c.Do(ctx, http.MethodGet, customersPath+o.query(), nil, &p)
}

// CreateCustomer creates a customer from a body such as
// {"name", "phones", "emails", "tier", "tags", "attributes"}.
func (c *Client) CreateCustomer(ctx context.Context, body any) (*Customer, error) {
	var cu Customer
	return &cu, c.Do(ctx, http.MethodPost, customersPath, body, &cu)
}

// GetCustomer returns a customer of the caller's tenant.
func (c *Client) GetCustomer(ctx context.Context, id string) (*Customer, error) {
	var cu Customer
	return &cu, c.Do(ctx, http.MethodGet, customersPath+"/"+url.PathEscape(id), nil, &cu)
}

// UpdateCustomer changes the fields present in body.
func (c *Client) UpdateCustomer(ctx context.Context, id string, body any) (*Customer, error) {
	var cu Customer
	return &cu, c.Do(ctx, http.MethodPatch, customersPath+"/"+url.PathEscape(id), body, &cu)
}

// RevealCustomer returns a customer's phone numbers and addresses
// unmasked; the reveal and its reason are audited.
func (c *Client) RevealCustomer(ctx context.Context, id, reason string) (*RevealedCustomer, error) {
	var r RevealedCustomer
	return &r, c.Do(ctx, http.MethodPost, customersPath+"/"+url.PathEscape(id)+"/reveal", map[string]string{"reason": reason}, &r)
}

// MergeCustomers merges source into target and returns the target.
func (c *Client) MergeCustomers(ctx context.Context, targetID, sourceID string) (*Customer, error) {
	var cu Customer
	return &cu, c.Do(ctx, http.MethodPost, customersPath+"/merge", map[string]string{"target_id": targetID, "source_id": sourceID}, &cu)
}

// ImportCustomers uploads a CSV file and returns how many customers it
// created; a refused file's *Error lists each problem's line and column.
func (c *Client) ImportCustomers(ctx context.Context, csv io.Reader) (int, error) {
	var res struct {
		Imported int `json:"imported"`
	}
	return res.Imported, c.Send(ctx, http.MethodPost, customersPath+"/import", "text/csv", csv, &res)
}

// ExportCustomers downloads every customer as CSV, masked unless reveal
// (which needs pii.reveal and a reason).
func (c *Client) ExportCustomers(ctx context.Context, reveal bool, reason string) ([]byte, error) {
	q := url.Values{}
	if reveal {
		q.Set("reveal", "true")
		q.Set("reason", reason)
	}
	path := customersPath + "/export"
	if len(q) > 0 {
		path += "?" + q.Encode()
	}
	var raw json.RawMessage
	err := c.Send(ctx, http.MethodGet, path, "", nil, &raw)
	return raw, err
}

// CustomerTimeline returns a page of a customer's contacts, newest first.
func (c *Client) CustomerTimeline(ctx context.Context, id string, o *ListOptions) (*Page[TimelineEntry], error) {
	var p Page[TimelineEntry]
	return &p, c.Do(ctx, http.MethodGet, customersPath+"/"+url.PathEscape(id)+"/timeline"+o.query(), nil, &p)
}

// CustomerTiers lists the tenant's customer tiers.
func (c *Client) CustomerTiers(ctx context.Context) ([]CustomerTier, error) {
	var p Page[CustomerTier]
	return p.Data, c.Do(ctx, http.MethodGet, "/api/v1/customer-tiers", nil, &p)
}
