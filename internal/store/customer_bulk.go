package store

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/store/sqldb"
)

// An import writes up to 50,000 customers in one transaction. One statement
// per customer and per identity, tag and attribute would be hundreds of
// thousands of round trips on PostgreSQL, so a page of customers goes as
// JSON arrays, one statement per table (CustomerInsertMany and its kin).

// bulkPage is how many customers one set of statements writes.
const bulkPage = 500

// bulkCustomer is a customer as CustomerInsertMany reads it: the JSON
// columns already encoded.
type bulkCustomer struct {
	ID           string `json:"id"`
	Name         string `json:"name"`
	Phones       string `json:"phones"`
	Emails       string `json:"emails"`
	Tier         string `json:"tier"`
	Tags         string `json:"tags"`
	Attributes   string `json:"attributes"`
	Consent      string `json:"consent"`
	DoNotContact bool   `json:"do_not_contact"`
	OwnerID      string `json:"owner_id"`
	CreatedBy    string `json:"created_by"`
	At           int64  `json:"at"`
}

// bulkRow is an identity, a tag (Value) or an attribute (Kind, Value) of
// a customer.
type bulkRow struct {
	CustomerID string `json:"customer_id"`
	Kind       string `json:"kind,omitempty"`
	Value      string `json:"value"`
	At         int64  `json:"at,omitempty"`
}

// bulk is one page's arrays.
type bulk struct {
	customers               []bulkCustomer
	identities, tags, attrs []bulkRow
	tiers                   map[string]bool
}

// CreateMany implements customer.Store.
func (s *Customers) CreateMany(ctx context.Context, cs []*customer.Customer) error {
	return wrap("create customers", s.c.atomic(ctx, func(q sqldb.Querier) error {
		if _, err := q.Exec(ctx, s.q.BulkPlans); err != nil {
			return err
		}
		for start := 0; start < len(cs); start += bulkPage {
			if err := s.createPage(ctx, q, cs[start:min(start+bulkPage, len(cs))]); err != nil {
				return err
			}
		}
		return nil
	}))
}

func (s *Customers) createPage(ctx context.Context, q sqldb.Querier, cs []*customer.Customer) error {
	b, err := newBulk(cs)
	if err != nil {
		return err
	}
	tenantID := cs[0].TenantID
	for tier := range b.tiers {
		if err := s.checkTier(ctx, q, &customer.Customer{TenantID: tenantID, Tier: tier}); err != nil {
			return err
		}
	}
	for _, st := range []struct {
		query string
		rows  any
		n     int
	}{{s.q.InsertMany, b.customers, len(b.customers)}, {s.q.IdentityInsertMany, b.identities, len(b.identities)},
		{s.q.TagInsertMany, b.tags, len(b.tags)}, {s.q.AttributeInsertMany, b.attrs, len(b.attrs)}} {
		if st.n == 0 {
			continue
		}
		data, err := json.Marshal(st.rows)
		if err != nil {
			return fmt.Errorf("encode customers: %w", err)
		}
		n, err := q.Exec(ctx, st.query, string(data), tenantID)
		if err != nil {
			return err
		}
		if int(n) < st.n {
			return customer.ErrIdentityTaken // only identities are skipped on conflict
		}
	}
	return nil
}

// newBulk encodes a page of customers; identities get consecutive
// milliseconds from CreatedAt, as Create gives them.
func newBulk(cs []*customer.Customer) (*bulk, error) {
	b := &bulk{tiers: map[string]bool{}}
	for _, c := range cs {
		tags, attrs, consent, err := customerJSON(c)
		if err != nil {
			return nil, err
		}
		b.customers = append(b.customers, bulkCustomer{ID: c.ID, Name: c.Name, Phones: strings.Join(c.Phones, ","),
			Emails: strings.Join(c.Emails, ","), Tier: c.Tier, Tags: tags, Attributes: attrs, Consent: consent,
			DoNotContact: c.DoNotContact, OwnerID: c.OwnerID, CreatedBy: c.CreatedBy, At: ms(c.CreatedAt)})
		if c.Tier != "" {
			b.tiers[c.Tier] = true
		}
		for i, v := range append(append([]string{}, c.Phones...), c.Emails...) {
			kind := customer.IdentityPhone
			if i >= len(c.Phones) {
				kind = customer.IdentityEmail
			}
			at := ms(c.CreatedAt.Add(time.Duration(i) * time.Millisecond))
			b.identities = append(b.identities, bulkRow{CustomerID: c.ID, Kind: string(kind), Value: v, At: at})
		}
		for _, t := range c.Tags {
			b.tags = append(b.tags, bulkRow{CustomerID: c.ID, Value: t})
		}
		for k, v := range c.Attributes {
			b.attrs = append(b.attrs, bulkRow{CustomerID: c.ID, Kind: k, Value: customer.AttributeText(v)})
		}
	}
	return b, nil
}

// IdentityOwners implements customer.Reader.
func (s *Customers) IdentityOwners(ctx context.Context, tenantID string, kind customer.IdentityKind, values []string) (map[string]string, error) {
	out := map[string]string{}
	for start := 0; start < len(values); start += bulkPage {
		data, err := json.Marshal(values[start:min(start+bulkPage, len(values))])
		if err != nil {
			return nil, fmt.Errorf("encode identities: %w", err)
		}
		rows, err := s.c.read().Query(ctx, s.q.IdentityOwners, tenantID, string(kind), string(data))
		pairs, err := collect(rows, err, func(r sqldb.Row) (*[2]string, error) {
			var p [2]string
			return &p, r.Scan(&p[0], &p[1])
		}, "identity owners")
		if err != nil {
			return nil, err
		}
		for _, p := range pairs {
			out[p[0]] = p[1]
		}
	}
	return out, nil
}
