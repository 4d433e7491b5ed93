// Package customer keeps the people who contact a tenant: one record per
// customer with the identities each channel knows them by (phone numbers in
// E.164, email addresses, WeChat OpenIDs, a web visitor token, a site's own
// user ID), a tier from the tenant's list, tags, custom attributes, consent
// flags and an owner agent, so that every contact lands on one timeline.
// Phone numbers and email addresses leave this package masked; only the
// audited reveal shows them in full (ADR 0019).
package customer

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
)

// Customer is a person who contacts the tenant.
type Customer struct {
	ID       string `json:"id"`
	TenantID string `json:"tenant_id"`
	Name     string `json:"name"`
	// Email and Phone are what a visitor typed into the chat widget's
	// pre-chat form, kept as typed: unverified, and personal data shown
	// only masked.
	Email string `json:"-"`
	Phone string `json:"-"`
	// Phones (E.164) and Emails (lower case) are the customer's phone and
	// email identities, oldest first: the store keeps them in step with
	// the identities.
	Phones []string `json:"-"`
	Emails []string `json:"-"`
	// Tier is one of the tenant's tiers by name; "" is none.
	Tier string   `json:"tier"`
	Tags []string `json:"tags"`
	// Attributes are the tenant's own fields: string, number or bool.
	Attributes map[string]any `json:"attributes"`
	// Consent holds the flags the customer gave or refused (Consents).
	Consent      map[string]bool `json:"consent"`
	DoNotContact bool            `json:"do_not_contact"`
	// OwnerID is the agent responsible for the customer; "" is nobody.
	OwnerID string `json:"owner_id"`
	// CreatedBy is the user who created the record; "" for a channel.
	CreatedBy string `json:"created_by"`
	// MergedInto is set once the customer was merged into another.
	MergedInto string    `json:"merged_into,omitempty"`
	CreatedAt  time.Time `json:"created_at"`
	UpdatedAt  time.Time `json:"updated_at"`
}

// IdentityKind names how a channel knows a customer.
type IdentityKind string

// The identity kinds. A (kind, value) pair belongs to at most one customer
// of a tenant.
const (
	// IdentityVisitor is the digest of an anonymous web visitor's token.
	IdentityVisitor IdentityKind = "web_visitor"
	// IdentityExternal is a site's own user ID, verified by HMAC, or an
	// external system's ID given through the API.
	IdentityExternal IdentityKind = "external"
	// IdentityPhone is a phone number in E.164.
	IdentityPhone IdentityKind = "phone"
	// IdentityEmail is an email address in lower case.
	IdentityEmail IdentityKind = "email"
	// IdentityWeChat is a WeChat OpenID.
	IdentityWeChat IdentityKind = "wechat_openid"
)

// Identity is one way a channel identifies a customer. Views leave Value
// empty where it is a secret's digest (web_visitor) and mask it where it is
// personal data.
type Identity struct {
	Kind  IdentityKind `json:"kind"`
	Value string       `json:"value,omitempty"`
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
	// Create inserts a customer with its identities, phones and emails
	// among them. ErrIdentityTaken.
	Create(ctx context.Context, c *Customer, ids ...Identity) error
	// CreateMany inserts many customers with their phone and email
	// identities, tags and attributes, in few statements: an import.
	// ErrIdentityTaken, ErrUnknownTier.
	CreateMany(ctx context.Context, cs []*Customer) error
	Get(ctx context.Context, tenantID, id string) (*Customer, error)
	// FindByIdentity returns the customer an identity belongs to.
	FindByIdentity(ctx context.Context, tenantID string, id Identity) (*Customer, error)
	// AddIdentity attaches an identity to a customer; attaching one that
	// already belongs to the same customer is not an error.
	AddIdentity(ctx context.Context, tenantID, customerID string, id Identity, at time.Time) error
	// SetIdentities replaces the customer's identities of one kind.
	// ErrIdentityTaken.
	SetIdentities(ctx context.Context, p *IdentitiesParams) error
	// UpdateProfile sets name, email and phone where the given value is not
	// empty.
	UpdateProfile(ctx context.Context, c *Customer) error
	// Update writes name, tier, tags, attributes, consent, do-not-contact,
	// owner and updated_at. ErrUnknownTier.
	Update(ctx context.Context, c *Customer) error
	// Merge moves the source's identities, contacts and conversations to
	// the target and marks the source merged.
	Merge(ctx context.Context, p *MergeParams) error
	CreateContact(ctx context.Context, ct *Contact) error
}

// IdentitiesParams replace a customer's identities of Kind with Values.
type IdentitiesParams struct {
	TenantID, CustomerID string
	Kind                 IdentityKind
	Values               []string
	At                   time.Time
}

// MergeParams merge Source into Target: Target is the merged record as
// it is to be written, with the fields the service combined.
type MergeParams struct {
	Target   *Customer
	SourceID string
}

// Tx is the transactional view the service writes through.
type Tx interface {
	audit.Recorder
	Customers() Store
	CustomerTiers() TierStore
}

// Audit actions and events. Event bodies carry IDs and field names, never
// phone numbers or addresses.
const (
	ActionCreated  = "customer.created"
	ActionUpdated  = "customer.updated"
	ActionMerged   = "customer.merged"
	ActionRevealed = "customer.revealed"
	ActionImported = "customer.imported"
	ActionExported = "customer.exported"

	EventCreated  = "sb.customer.created"
	EventUpdated  = "sb.customer.updated"
	EventMerged   = "sb.customer.merged"
	EventImported = "sb.customer.imported"
)

// Errors. Messages never carry a phone number or an address; where one
// must be named, it is masked.
var (
	ErrNotFound      = errcode.New(errcode.NotFound, "customer not found")
	ErrIdentityTaken = errcode.New(errcode.IdentityTaken, "the identity belongs to another customer")
	ErrUnknownTier   = errcode.New(errcode.UnknownTier, "the tier is not one of the tenant's customer tiers")
	ErrMerged        = errcode.New(errcode.CustomerMerged, "the customer was merged into another one; change that one instead")
	ErrUnknownOwner  = errcode.New(errcode.UnknownUser, "owner_id is not a user of the tenant")
)
