// Package customer keeps the people who contact a tenant: one record per
// customer with the identities each channel knows them by (a web visitor
// token, a site's own user ID, later phone numbers, email addresses and
// WeChat OpenIDs), so that every contact lands on one timeline.
package customer

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/internal/errcode"
)

// Customer is a person who contacts the tenant.
type Customer struct {
	ID        string    `json:"id"`
	TenantID  string    `json:"tenant_id"`
	Name      string    `json:"name"`
	Email     string    `json:"-"` // personal data: shown only through permitted views
	Phone     string    `json:"-"`
	CreatedAt time.Time `json:"created_at"`
	UpdatedAt time.Time `json:"updated_at"`
}

// IdentityKind names how a channel knows a customer.
type IdentityKind string

// The identity kinds used so far.
const (
	// IdentityVisitor is the digest of an anonymous web visitor's token.
	IdentityVisitor IdentityKind = "web_visitor"
	// IdentityExternal is a site's own user ID, verified by HMAC.
	IdentityExternal IdentityKind = "external"
)

// Identity is one way a channel identifies a customer.
type Identity struct {
	Kind  IdentityKind
	Value string
}

// Contact is one interaction of a customer on a channel: an entry of the
// customer's timeline.
type Contact struct {
	ID             string     `json:"id"`
	TenantID       string     `json:"tenant_id"`
	CustomerID     string     `json:"customer_id"`
	Channel        string     `json:"channel"`
	InboxID        string     `json:"inbox_id"`
	ConversationID string     `json:"conversation_id"`
	StartedAt      time.Time  `json:"started_at"`
	EndedAt        *time.Time `json:"ended_at,omitempty"`
}

// Store persists customers; every call is confined to one tenant.
type Store interface {
	// Create inserts a customer with its first identity.
	Create(ctx context.Context, c *Customer, id Identity) error
	Get(ctx context.Context, tenantID, id string) (*Customer, error)
	// FindByIdentity returns the customer an identity belongs to.
	FindByIdentity(ctx context.Context, tenantID string, id Identity) (*Customer, error)
	// AddIdentity attaches an identity to a customer; attaching one that
	// already belongs to the same customer is not an error.
	AddIdentity(ctx context.Context, tenantID, customerID string, id Identity, at time.Time) error
	// UpdateProfile sets name, email and phone where the given value is not
	// empty.
	UpdateProfile(ctx context.Context, c *Customer) error
	CreateContact(ctx context.Context, ct *Contact) error
}

// Errors.
var (
	ErrNotFound      = errcode.New(errcode.NotFound, "customer not found")
	ErrIdentityTaken = errcode.New(errcode.Conflict, "the identity belongs to another customer")
)
