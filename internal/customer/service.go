package customer

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/pii"
)

// View is a customer as every API response shows it, phone numbers and
// email addresses masked whoever asks (ADR 0019), with a summary of the
// timeline: what lists show.
type View struct {
	ID   string `json:"id"`
	Name string `json:"name"`
	// Email and Phone are the address and number the customer gave in the
	// chat widget, or else their first email and phone identity.
	Email         string          `json:"email,omitempty"`
	Phone         string          `json:"phone,omitempty"`
	Emails        []string        `json:"emails"`
	Phones        []string        `json:"phones"`
	Tier          string          `json:"tier"`
	Tags          []string        `json:"tags"`
	Attributes    map[string]any  `json:"attributes"`
	Consent       map[string]bool `json:"consent"`
	DoNotContact  bool            `json:"do_not_contact"`
	OwnerID       string          `json:"owner_id"`
	CreatedBy     string          `json:"created_by"`
	MergedInto    string          `json:"merged_into,omitempty"`
	CreatedAt     time.Time       `json:"created_at"`
	UpdatedAt     time.Time       `json:"updated_at"`
	ContactCount  int             `json:"contact_count"`
	LastContactAt *time.Time      `json:"last_contact_at,omitempty"`
}

// Detail is one customer as reading it by ID shows it: the View and its
// identities, without secrets and masked.
type Detail struct {
	View
	Identities []Identity `json:"identities"`
}

// Activity summarises a customer's timeline.
type Activity struct {
	ContactCount  int
	LastContactAt *time.Time // nil without contacts
}

// Summary is a customer with its activity, as lists read it.
type Summary struct {
	Customer
	Activity
}

// Reader reads what the customer views show; every call is confined to one
// tenant.
type Reader interface {
	Get(ctx context.Context, tenantID, id string) (*Customer, error)
	// Identities lists a customer's identities, oldest first.
	Identities(ctx context.Context, tenantID, customerID string) ([]Identity, error)
	Activity(ctx context.Context, tenantID, customerID string) (*Activity, error)
	Timeline(ctx context.Context, p *TimelineParams) ([]*TimelineEntry, error)
	// List returns a page of customers that are not merged, in ID
	// (creation) order.
	List(ctx context.Context, p *ListParams) ([]*Summary, error)
	FindByIdentity(ctx context.Context, tenantID string, id Identity) (*Customer, error)
	// IdentityOwners maps those of values (of one kind) that belong to a
	// customer of the tenant to that customer's ID.
	IdentityOwners(ctx context.Context, tenantID string, kind IdentityKind, values []string) (map[string]string, error)
	// AttributeKeys lists the attribute keys the tenant's customers use.
	AttributeKeys(ctx context.Context, tenantID string) ([]string, error)
	// UserExists reports whether a user of the tenant has this ID.
	UserExists(ctx context.Context, tenantID, id string) (bool, error)
}

// Service applies the rules for customers.
type Service struct {
	cfg Config
}

// Config wires a Service.
type Config struct {
	// Customers and Tiers serve reads outside transactions.
	Customers Reader
	Tiers     TierStore
	// InTx runs fn in one database transaction.
	InTx func(ctx context.Context, fn func(Tx) error) error
	// Region returns the region (ISO 3166-1 alpha-2) the tenant's phone
	// numbers written without "+" are read in.
	Region func(ctx context.Context, tenantID string) (string, error)
	Now    func() time.Time
	NewID  func() string
}

// NewService returns a Service.
func NewService(cfg Config) *Service {
	return &Service{cfg: cfg}
}

// Get returns a customer of the principal's tenant, masked, with its
// identities and activity. Every holder of customers.read reads every
// customer of the tenant (ADR 0019): an agent must be able to open the
// record of a caller they found.
func (s *Service) Get(ctx context.Context, by *permission.Principal, id string) (*Detail, error) {
	c, ids, err := s.withIdentities(ctx, by.TenantID, id)
	if err != nil {
		return nil, err
	}
	act, err := s.cfg.Customers.Activity(ctx, by.TenantID, id)
	if err != nil {
		return nil, err
	}
	d := &Detail{View: *view(c, act), Identities: make([]Identity, 0, len(ids))}
	for _, i := range ids {
		d.Identities = append(d.Identities, shown(i))
	}
	return d, nil
}

// withIdentities reads a customer of the tenant and its identities.
func (s *Service) withIdentities(ctx context.Context, tenantID, id string) (*Customer, []Identity, error) {
	c, err := s.cfg.Customers.Get(ctx, tenantID, id)
	if err != nil {
		return nil, nil, err
	}
	ids, err := s.cfg.Customers.Identities(ctx, tenantID, id)
	if err != nil {
		return nil, nil, err
	}
	return c, ids, nil
}

// Timeline returns a page of the customer's timeline, newest first, under
// the same access rule as Get. Each entry's conversation is opened under
// the conversation rule: the timeline tells that it exists, not what was
// said.
func (s *Service) Timeline(ctx context.Context, by *permission.Principal, p TimelineParams) ([]*TimelineEntry, error) {
	if _, err := s.cfg.Customers.Get(ctx, by.TenantID, p.CustomerID); err != nil {
		return nil, err
	}
	p.TenantID = by.TenantID
	return s.cfg.Customers.Timeline(ctx, &p)
}

// view is c as responses show it, masked.
func view(c *Customer, act *Activity) *View {
	v := &View{ID: c.ID, Name: c.Name, Phones: maskAll(c.Phones, pii.MaskPhone), Emails: maskAll(c.Emails, pii.MaskEmail),
		Tier: c.Tier, Tags: c.Tags, Attributes: c.Attributes, Consent: c.Consent, DoNotContact: c.DoNotContact,
		OwnerID: c.OwnerID, CreatedBy: c.CreatedBy, MergedInto: c.MergedInto, CreatedAt: c.CreatedAt, UpdatedAt: c.UpdatedAt,
		Phone: pii.MaskPhone(firstOf(c.Phone, c.Phones)), Email: pii.MaskEmail(firstOf(c.Email, c.Emails))}
	if act != nil {
		v.ContactCount, v.LastContactAt = act.ContactCount, act.LastContactAt
	}
	if v.Tags == nil {
		v.Tags = []string{}
	}
	if v.Attributes == nil {
		v.Attributes = map[string]any{}
	}
	if v.Consent == nil {
		v.Consent = map[string]bool{}
	}
	return v
}

func maskAll(vs []string, mask func(string) string) []string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = mask(v)
	}
	return out
}

// firstOf is given if set, else the first of list.
func firstOf(given string, list []string) string {
	if given != "" || len(list) == 0 {
		return given
	}
	return list[0]
}

// shown is an identity as views show it: phone numbers and addresses
// masked, a site's own user ID as it is unless it is itself an address or
// a number (sites often identify users by email), and anything else
// without its value — a visitor identity is a token's digest, a WeChat
// OpenID reaches the person through the official account.
func shown(i Identity) Identity {
	switch i.Kind {
	case IdentityPhone:
		return Identity{Kind: i.Kind, Value: pii.MaskPhone(i.Value)}
	case IdentityEmail:
		return Identity{Kind: i.Kind, Value: pii.MaskEmail(i.Value)}
	case IdentityExternal:
		return Identity{Kind: i.Kind, Value: maskIfPersonal(i.Value)}
	}
	return Identity{Kind: i.Kind}
}
