package store

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/store/sqldb"
)

type customerQueries struct {
	Insert            string `query:"CustomerInsert"`
	Get               string `query:"CustomerGet"`
	ByIdentity        string `query:"CustomerByIdentity"`
	List              string `query:"CustomerList"`
	IdentityInsert    string `query:"CustomerIdentityInsert"`
	IdentityOwner     string `query:"CustomerIdentityOwner"`
	IdentityDelete    string `query:"CustomerIdentityDelete"`
	IdentitiesOfKind  string `query:"CustomerIdentitiesOfKind"`
	ContactsSync      string `query:"CustomerContactsSync"`
	UpdateProfile     string `query:"CustomerUpdateProfile"`
	Update            string `query:"CustomerUpdate"`
	TierExists        string `query:"CustomerTierExists"`
	TagsClear         string `query:"CustomerTagsClear"`
	TagInsert         string `query:"CustomerTagInsert"`
	AttributesClear   string `query:"CustomerAttributesClear"`
	AttributeInsert   string `query:"CustomerAttributeInsert"`
	AttributeKeys     string `query:"CustomerAttributeKeys"`
	UserExists        string `query:"CustomerUserExists"`
	MoveIdentities    string `query:"CustomerMoveIdentities"`
	MoveContacts      string `query:"CustomerMoveContacts"`
	MoveConversations string `query:"CustomerMoveConversations"`
	MarkMerged        string `query:"CustomerMarkMerged"`
	ContactInsert     string `query:"ContactInsert"`
	Identities        string `query:"CustomerIdentities"`
	Activity          string `query:"CustomerActivity"`
	Timeline          string `query:"CustomerTimeline"`
	TierList          string `query:"CustomerTierList"`
	TierGet           string `query:"CustomerTierGet"`
	TierInsert        string `query:"CustomerTierInsert"`
	TierUpdate        string `query:"CustomerTierUpdate"`
	TierDelete        string `query:"CustomerTierDelete"`

	InsertMany          string `query:"CustomerInsertMany"`
	IdentityInsertMany  string `query:"CustomerIdentityInsertMany"`
	TagInsertMany       string `query:"CustomerTagInsertMany"`
	AttributeInsertMany string `query:"CustomerAttributeInsertMany"`
	IdentityOwners      string `query:"CustomerIdentityOwners"`
	BulkPlans           string `query:"CustomerBulkPlans"`
}

// Customers implements customer.Store and the read side, customer.Reader.
type Customers struct {
	c conn
	q *customerQueries
}

var (
	_ customer.Store  = (*Customers)(nil)
	_ customer.Reader = (*Customers)(nil)
)

// Customers returns the transaction's customer store.
func (t *Tx) Customers() customer.Store { return t.s.Customers }

// Create implements customer.Store. Identities get consecutive
// milliseconds from CreatedAt, so that they read back in the given order.
func (s *Customers) Create(ctx context.Context, c *customer.Customer, ids ...customer.Identity) error {
	return wrap("create customer", s.c.atomic(ctx, func(q sqldb.Querier) error {
		if err := s.checkTier(ctx, q, c); err != nil {
			return err
		}
		tags, attrs, consent, err := customerJSON(c)
		if err != nil {
			return err
		}
		_, err = q.Exec(ctx, s.q.Insert, c.ID, c.TenantID, c.Name, c.Email, c.Phone, c.Tier, tags, attrs, consent,
			c.DoNotContact, c.OwnerID, c.CreatedBy, ms(c.CreatedAt), ms(c.UpdatedAt))
		if err != nil {
			return err
		}
		for i, id := range ids {
			if err := s.addIdentity(ctx, q, c.TenantID, c.ID, id, c.CreatedAt.Add(time.Duration(i)*time.Millisecond)); err != nil {
				return err
			}
		}
		if err := s.index(ctx, q, c); err != nil {
			return err
		}
		return s.syncContacts(ctx, q, c.TenantID, c.ID, ids...)
	}))
}

// Get implements customer.Store.
func (s *Customers) Get(ctx context.Context, tenantID, id string) (*customer.Customer, error) {
	c, err := scanCustomer(s.c.read().QueryRow(ctx, s.q.Get, tenantID, id))
	return c, wrap("get customer", notFound(err, customer.ErrNotFound))
}

// FindByIdentity implements customer.Store.
func (s *Customers) FindByIdentity(ctx context.Context, tenantID string, id customer.Identity) (*customer.Customer, error) {
	c, err := scanCustomer(s.c.read().QueryRow(ctx, s.q.ByIdentity, tenantID, string(id.Kind), id.Value))
	return c, wrap("find customer", notFound(err, customer.ErrNotFound))
}

// AddIdentity implements customer.Store.
func (s *Customers) AddIdentity(ctx context.Context, tenantID, customerID string, id customer.Identity, at time.Time) error {
	return wrap("add identity", s.c.atomic(ctx, func(q sqldb.Querier) error {
		if err := s.addIdentity(ctx, q, tenantID, customerID, id, at); err != nil {
			return err
		}
		return s.syncContacts(ctx, q, tenantID, customerID, id)
	}))
}

// addIdentity inserts the identity unless it exists; an existing one must
// belong to the same customer. ON CONFLICT keeps a PostgreSQL transaction
// usable when it does not.
func (s *Customers) addIdentity(ctx context.Context, q sqldb.Querier, tenantID, customerID string, id customer.Identity, at time.Time) error {
	n, err := q.Exec(ctx, s.q.IdentityInsert, tenantID, string(id.Kind), id.Value, customerID, ms(at))
	if err != nil || n == 1 {
		return err
	}
	var owner string
	if err := q.QueryRow(ctx, s.q.IdentityOwner, tenantID, string(id.Kind), id.Value).Scan(&owner); err != nil {
		return err
	}
	if owner != customerID {
		return customer.ErrIdentityTaken
	}
	return nil
}

// SetIdentities implements customer.Store: identities no longer listed go,
// new ones are added after the kept ones, in the given order.
func (s *Customers) SetIdentities(ctx context.Context, p *customer.IdentitiesParams) error {
	return wrap("set identities", s.c.atomic(ctx, func(q sqldb.Querier) error {
		rows, err := q.Query(ctx, s.q.IdentitiesOfKind, p.TenantID, p.CustomerID, string(p.Kind))
		old, err := collectIDs(rows, err, "identities of kind")
		if err != nil {
			return err
		}
		for _, v := range old {
			if !slices.Contains(p.Values, v) {
				if _, err := q.Exec(ctx, s.q.IdentityDelete, p.TenantID, p.CustomerID, string(p.Kind), v); err != nil {
					return err
				}
			}
		}
		for i, v := range p.Values {
			if slices.Contains(old, v) {
				continue
			}
			id := customer.Identity{Kind: p.Kind, Value: v}
			if err := s.addIdentity(ctx, q, p.TenantID, p.CustomerID, id, p.At.Add(time.Duration(i)*time.Millisecond)); err != nil {
				return err
			}
		}
		_, err = q.Exec(ctx, s.q.ContactsSync, p.TenantID, p.CustomerID)
		return err
	}))
}

// UpdateProfile implements customer.Store.
func (s *Customers) UpdateProfile(ctx context.Context, c *customer.Customer) error {
	n, err := s.c.write().Exec(ctx, s.q.UpdateProfile, c.TenantID, c.ID, c.Name, c.Email, c.Phone, ms(c.UpdatedAt))
	return wrap("update customer", affected(n, err, customer.ErrNotFound))
}

// Update implements customer.Store.
func (s *Customers) Update(ctx context.Context, c *customer.Customer) error {
	return wrap("update customer", s.c.atomic(ctx, func(q sqldb.Querier) error {
		return s.update(ctx, q, c)
	}))
}

func (s *Customers) update(ctx context.Context, q sqldb.Querier, c *customer.Customer) error {
	if err := s.checkTier(ctx, q, c); err != nil {
		return err
	}
	tags, attrs, consent, err := customerJSON(c)
	if err != nil {
		return err
	}
	n, err := q.Exec(ctx, s.q.Update, c.TenantID, c.ID, c.Name, c.Email, c.Phone, c.Tier, tags, attrs, consent,
		c.DoNotContact, c.OwnerID, ms(c.UpdatedAt))
	if err := affected(n, err, customer.ErrNotFound); err != nil {
		return err
	}
	for _, clear := range []string{s.q.TagsClear, s.q.AttributesClear} {
		if _, err := q.Exec(ctx, clear, c.TenantID, c.ID); err != nil {
			return err
		}
	}
	return s.index(ctx, q, c)
}

// checkTier refuses a tier the tenant does not have: there is no foreign
// key to do it (0009_customers.sql).
func (s *Customers) checkTier(ctx context.Context, q sqldb.Querier, c *customer.Customer) error {
	if c.Tier == "" {
		return nil
	}
	var n int64
	if err := q.QueryRow(ctx, s.q.TierExists, c.TenantID, c.Tier).Scan(&n); err != nil {
		return err
	}
	if n == 0 {
		return customer.ErrUnknownTier
	}
	return nil
}

// index writes the search rows of c's tags and attributes.
func (s *Customers) index(ctx context.Context, q sqldb.Querier, c *customer.Customer) error {
	for _, t := range c.Tags {
		if _, err := q.Exec(ctx, s.q.TagInsert, c.TenantID, c.ID, t); err != nil {
			return err
		}
	}
	for k, v := range c.Attributes {
		if _, err := q.Exec(ctx, s.q.AttributeInsert, c.TenantID, c.ID, k, customer.AttributeText(v)); err != nil {
			return err
		}
	}
	return nil
}

// syncContacts rewrites the customer's phones and emails columns when one
// of ids is a phone number or an address.
func (s *Customers) syncContacts(ctx context.Context, q sqldb.Querier, tenantID, customerID string, ids ...customer.Identity) error {
	if !slices.ContainsFunc(ids, func(i customer.Identity) bool {
		return i.Kind == customer.IdentityPhone || i.Kind == customer.IdentityEmail
	}) {
		return nil
	}
	_, err := q.Exec(ctx, s.q.ContactsSync, tenantID, customerID)
	return err
}

// Merge implements customer.Store.
func (s *Customers) Merge(ctx context.Context, p *customer.MergeParams) error {
	t := p.Target
	return wrap("merge customers", s.c.atomic(ctx, func(q sqldb.Querier) error {
		n, err := q.Exec(ctx, s.q.MarkMerged, t.TenantID, p.SourceID, t.ID, ms(t.UpdatedAt))
		if err := affected(n, err, customer.ErrNotFound); err != nil {
			return err
		}
		for _, move := range []string{s.q.MoveIdentities, s.q.MoveContacts, s.q.MoveConversations} {
			if _, err := q.Exec(ctx, move, t.TenantID, p.SourceID, t.ID); err != nil {
				return err
			}
		}
		for _, clear := range []string{s.q.TagsClear, s.q.AttributesClear} {
			if _, err := q.Exec(ctx, clear, t.TenantID, p.SourceID); err != nil {
				return err
			}
		}
		if err := s.update(ctx, q, t); err != nil {
			return err
		}
		_, err = q.Exec(ctx, s.q.ContactsSync, t.TenantID, t.ID)
		return err
	}))
}

// CreateContact implements customer.Store.
func (s *Customers) CreateContact(ctx context.Context, ct *customer.Contact) error {
	_, err := s.c.write().Exec(ctx, s.q.ContactInsert, ct.ID, ct.TenantID, ct.CustomerID, ct.Channel, ct.InboxID,
		ct.ConversationID, ms(ct.StartedAt))
	return wrap("create contact", err)
}

// customerJSON encodes the JSON columns; empty values are stored as [] and
// {} and read back as nil.
func customerJSON(c *customer.Customer) (tags, attrs, consent string, err error) {
	enc := func(v any, empty string) string {
		if err != nil {
			return ""
		}
		var b []byte
		b, err = json.Marshal(v)
		if string(b) == "null" {
			return empty
		}
		return string(b)
	}
	tags, attrs, consent = enc(c.Tags, "[]"), enc(c.Attributes, "{}"), enc(c.Consent, "{}")
	if err != nil {
		return "", "", "", fmt.Errorf("encode customer: %w", err)
	}
	return tags, attrs, consent, nil
}

func scanCustomer(r sqldb.Row) (*customer.Customer, error) {
	var c customer.Customer
	var phones, emails, tags, attrs, consent string
	var created, updated int64
	if err := r.Scan(&c.ID, &c.TenantID, &c.Name, &c.Email, &c.Phone, &phones, &emails, &c.Tier, &tags, &attrs, &consent,
		&c.DoNotContact, &c.OwnerID, &c.CreatedBy, &c.MergedInto, &created, &updated); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	if phones != "" {
		c.Phones = strings.Split(phones, ",")
	}
	if emails != "" {
		c.Emails = strings.Split(emails, ",")
	}
	for _, f := range []struct {
		raw string
		dst any
	}{{tags, &c.Tags}, {attrs, &c.Attributes}, {consent, &c.Consent}} {
		if f.raw == "[]" || f.raw == "{}" {
			continue
		}
		if err := json.Unmarshal([]byte(f.raw), f.dst); err != nil {
			return nil, fmt.Errorf("decode customer %s: %w", c.ID, err)
		}
	}
	return &c, nil
}
