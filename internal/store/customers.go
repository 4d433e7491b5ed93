package store

import (
	"context"
	"time"

	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/store/sqldb"
)

type customerQueries struct {
	Insert         string `query:"CustomerInsert"`
	Get            string `query:"CustomerGet"`
	ByIdentity     string `query:"CustomerByIdentity"`
	IdentityInsert string `query:"CustomerIdentityInsert"`
	IdentityOwner  string `query:"CustomerIdentityOwner"`
	UpdateProfile  string `query:"CustomerUpdateProfile"`
	ContactInsert  string `query:"ContactInsert"`
}

// Customers implements customer.Store.
type Customers struct {
	c conn
	q *customerQueries
}

var _ customer.Store = (*Customers)(nil)

// Customers returns the transaction's customer store.
func (t *Tx) Customers() customer.Store { return t.s.Customers }

// Create implements customer.Store.
func (s *Customers) Create(ctx context.Context, c *customer.Customer, id customer.Identity) error {
	return wrap("create customer", s.c.atomic(ctx, func(q sqldb.Querier) error {
		_, err := q.Exec(ctx, s.q.Insert, c.ID, c.TenantID, c.Name, c.Email, c.Phone, ms(c.CreatedAt), ms(c.UpdatedAt))
		if err != nil {
			return err
		}
		return s.addIdentity(ctx, q, c.TenantID, c.ID, id, c.CreatedAt)
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
		return s.addIdentity(ctx, q, tenantID, customerID, id, at)
	}))
}

// addIdentity inserts the identity unless it exists; an existing one must
// belong to the same customer.
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

// UpdateProfile implements customer.Store.
func (s *Customers) UpdateProfile(ctx context.Context, c *customer.Customer) error {
	n, err := s.c.write().Exec(ctx, s.q.UpdateProfile, c.TenantID, c.ID, c.Name, c.Email, c.Phone, ms(c.UpdatedAt))
	return wrap("update customer", affected(n, err, customer.ErrNotFound))
}

// CreateContact implements customer.Store.
func (s *Customers) CreateContact(ctx context.Context, ct *customer.Contact) error {
	_, err := s.c.write().Exec(ctx, s.q.ContactInsert, ct.ID, ct.TenantID, ct.CustomerID, ct.Channel, ct.InboxID,
		ct.ConversationID, ms(ct.StartedAt))
	return wrap("create contact", err)
}

func scanCustomer(r sqldb.Row) (*customer.Customer, error) {
	var c customer.Customer
	var created, updated int64
	if err := r.Scan(&c.ID, &c.TenantID, &c.Name, &c.Email, &c.Phone, &created, &updated); err != nil {
		return nil, err
	}
	c.CreatedAt, c.UpdatedAt = fromMS(created), fromMS(updated)
	return &c, nil
}
