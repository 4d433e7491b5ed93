package customer

import (
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"

	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/pii"
	"github.com/switchboardhq/switchboard/internal/user"
)

// MaxAttributeFilters bounds the attr.KEY=VALUE filters of one search.
const MaxAttributeFilters = 3

// ListParams select a page of a tenant's customers that are not merged,
// in ID order. Empty fields do not filter.
type ListParams struct {
	TenantID string
	// Query matches a case-insensitive substring of the name; lower case.
	Query   string
	Tag     string
	Tier    string
	OwnerID string
	// Identity, when set, finds the customer with this identity (an exact
	// phone number or address: searching by those needs pii.reveal).
	Identity Identity
	// Attributes match attribute values by their AttributeText.
	Attributes []AttributeFilter
	After      string
	Limit      int
}

// AttributeFilter matches customers whose attribute Key has Value.
type AttributeFilter struct{ Key, Value string }

// Query is a search as a caller asks for it.
type Query struct {
	// Q matches the name. OwnerID "me" is the caller.
	Q, Tag, Tier, OwnerID string
	// Phone and Email find the customer with this number or address,
	// compared after normalising; they need pii.reveal.
	Phone, Email string
	Attributes   map[string]string
	After        string
	Limit        int
}

var errPIISearch = errcode.New(errcode.Forbidden, "searching customers by phone number or email address needs the pii.reveal permission")

// List returns a page of the caller's tenant's customers matching q,
// masked like every other view: even a search by phone number answers with
// the number masked.
func (s *Service) List(ctx context.Context, by *permission.Principal, q Query) ([]*View, error) {
	p := &ListParams{TenantID: by.TenantID, Query: strings.ToLower(strings.TrimSpace(q.Q)), Tag: strings.TrimSpace(q.Tag),
		Tier: strings.TrimSpace(q.Tier), OwnerID: q.OwnerID, After: q.After, Limit: q.Limit}
	if p.OwnerID == "me" {
		p.OwnerID = by.UserID
	}
	if err := s.identityFilter(ctx, by, q, p); err != nil {
		return nil, err
	}
	if len(q.Attributes) > MaxAttributeFilters {
		return nil, errcode.Errorf(errcode.InvalidRequest, "at most %d attr.KEY filters", MaxAttributeFilters)
	}
	for _, k := range slices.Sorted(maps.Keys(q.Attributes)) {
		p.Attributes = append(p.Attributes, AttributeFilter{Key: k, Value: q.Attributes[k]})
	}
	rows, err := s.cfg.Customers.List(ctx, p)
	if err != nil {
		return nil, err
	}
	out := make([]*View, len(rows))
	for i, r := range rows {
		out[i] = view(&r.Customer, &r.Activity)
	}
	return out, nil
}

// identityFilter turns a phone or email search into an identity look-up,
// for callers who may reveal personal data only. Neither the refusal nor
// a malformed value's error repeats what was searched for.
func (s *Service) identityFilter(ctx context.Context, by *permission.Principal, q Query, p *ListParams) error {
	if q.Phone == "" && q.Email == "" {
		return nil
	}
	if !by.Can(permission.PIIReveal) {
		return errPIISearch
	}
	if q.Phone != "" && q.Email != "" {
		return errcode.New(errcode.InvalidRequest, "search by phone or by email, not both")
	}
	if q.Email != "" {
		e, err := user.NormalizeEmail(q.Email)
		if err != nil {
			return errcode.New(errcode.InvalidEmail, "email is not a valid email address")
		}
		p.Identity = Identity{Kind: IdentityEmail, Value: e}
		return nil
	}
	region, err := s.region(ctx, by.TenantID)
	if err != nil {
		return err
	}
	phone, err := pii.ParsePhone(q.Phone, region)
	if err != nil {
		return errcode.New(errcode.InvalidPhone, fmt.Sprintf("phone is not a valid phone number (one without + is read in %s)", region))
	}
	p.Identity = Identity{Kind: IdentityPhone, Value: phone}
	return nil
}
