package customer

import (
	"context"
	"errors"
	"slices"
	"strings"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/pii"
)

// finder looks customers up by identity, in or outside a transaction.
type finder interface {
	FindByIdentity(ctx context.Context, tenantID string, id Identity) (*Customer, error)
}

// Create adds a customer to the caller's tenant.
func (s *Service) Create(ctx context.Context, by *permission.Principal, p *Params) (*Detail, error) {
	region, err := s.region(ctx, by.TenantID)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	c := &Customer{ID: s.cfg.NewID(), TenantID: by.TenantID, CreatedBy: by.UserID, CreatedAt: now, UpdatedAt: now}
	var ps problems
	if p.Name == nil {
		ps.add(errcode.ValidationFailed, "name", "is required")
	}
	applyParams(c, p, region, &ps)
	ids := append(contactIdentities(c), normalizeIdentities(p.Identities, &ps)...)
	if err := s.checkOwner(ctx, c, &ps); err != nil {
		return nil, err
	}
	if err := ps.err(); err != nil {
		return nil, err
	}
	err = s.cfg.InTx(ctx, func(tx Tx) error {
		if err := checkRefs(ctx, tx, c, ids, &ps); err != nil {
			return err
		}
		if err := ps.err(); err != nil {
			return err
		}
		if err := tx.Customers().Create(ctx, c, ids...); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, ActionCreated, "customer", c.ID, now),
			event.Event{Subject: EventCreated, Data: event.Change{ID: c.ID}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, by, c.ID)
}

// Update changes a customer of the caller's tenant. Phones, emails, tags,
// attributes and consent replace the whole list or object.
func (s *Service) Update(ctx context.Context, by *permission.Principal, id string, p *Params) (*Detail, error) {
	region, err := s.region(ctx, by.TenantID)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	err = s.cfg.InTx(ctx, func(tx Tx) error {
		c, err := tx.Customers().Get(ctx, by.TenantID, id)
		if err != nil {
			return err
		}
		if c.MergedInto != "" {
			return ErrMerged
		}
		before := *c
		var ps problems
		fields := applyParams(c, p, region, &ps)
		others, changed, err := s.otherIdentities(ctx, c, p.Identities, &ps)
		if err != nil {
			return err
		}
		if changed {
			fields = append(fields, "identities")
		}
		if len(fields) == 0 && len(ps.details) == 0 {
			return nil
		}
		if err := s.checkOwner(ctx, c, &ps); err != nil {
			return err
		}
		if err := checkRefs(ctx, tx, c, append(contactIdentities(c), others...), &ps); err != nil {
			return err
		}
		if err := ps.err(); err != nil {
			return err
		}
		c.UpdatedAt = now
		if err := s.write(ctx, tx, &before, c); err != nil {
			return err
		}
		if err := setOthers(ctx, tx, c, others, changed); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, ActionUpdated, "customer", c.ID, now).With(map[string]any{"fields": fields}),
			event.Event{Subject: EventUpdated, Data: event.Change{ID: c.ID, Fields: fields}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, by, id)
}

// write stores c's fields and replaces the phone and email identities that
// changed since before.
func (s *Service) write(ctx context.Context, tx Tx, before, c *Customer) error {
	if err := tx.Customers().Update(ctx, c); err != nil {
		return err
	}
	sets := []struct {
		kind     IdentityKind
		old, new []string
	}{{IdentityPhone, before.Phones, c.Phones}, {IdentityEmail, before.Emails, c.Emails}}
	for _, set := range sets {
		if slices.Equal(set.old, set.new) {
			continue
		}
		err := tx.Customers().SetIdentities(ctx, &IdentitiesParams{TenantID: c.TenantID, CustomerID: c.ID, Kind: set.kind,
			Values: set.new, At: c.UpdatedAt})
		if err != nil {
			return err
		}
	}
	return nil
}

// checkOwner records an owner who is not a user of the tenant.
func (s *Service) checkOwner(ctx context.Context, c *Customer, ps *problems) error {
	if c.OwnerID == "" {
		return nil
	}
	ok, err := s.cfg.Customers.UserExists(ctx, c.TenantID, c.OwnerID)
	if err != nil {
		return err
	}
	if !ok {
		ps.add(errcode.UnknownUser, "owner_id", "is not a user of the tenant")
	}
	return nil
}

// otherIdentities normalises the identities Params set besides phone
// numbers and addresses (SettableKinds) and reports whether they differ
// from the customer's; nil given leaves them as they are.
func (s *Service) otherIdentities(ctx context.Context, c *Customer, given *[]Identity, ps *problems) ([]Identity, bool, error) {
	if given == nil {
		return nil, false, nil
	}
	want := normalizeIdentities(given, ps)
	cur, err := s.cfg.Customers.Identities(ctx, c.TenantID, c.ID)
	if err != nil {
		return nil, false, err
	}
	cur = slices.DeleteFunc(cur, func(i Identity) bool { return !slices.Contains(SettableKinds(), i.Kind) })
	byValue := func(a, b Identity) int {
		return strings.Compare(string(a.Kind)+"\x00"+a.Value, string(b.Kind)+"\x00"+b.Value)
	}
	sorted := slices.SortedFunc(slices.Values(want), byValue)
	slices.SortFunc(cur, byValue)
	return want, !slices.Equal(cur, sorted), nil
}

// setOthers replaces the customer's identities of every settable kind.
func setOthers(ctx context.Context, tx Tx, c *Customer, others []Identity, changed bool) error {
	if !changed {
		return nil
	}
	for _, kind := range SettableKinds() {
		var vals []string
		for _, i := range others {
			if i.Kind == kind {
				vals = append(vals, i.Value)
			}
		}
		err := tx.Customers().SetIdentities(ctx, &IdentitiesParams{TenantID: c.TenantID, CustomerID: c.ID, Kind: kind,
			Values: vals, At: c.UpdatedAt})
		if err != nil {
			return err
		}
	}
	return nil
}

// checkRefs records a tier the tenant does not have and identities that
// belong to another customer, named masked.
func checkRefs(ctx context.Context, tx Tx, c *Customer, ids []Identity, ps *problems) error {
	if c.Tier != "" {
		_, err := tx.CustomerTiers().Get(ctx, c.TenantID, c.Tier)
		if errors.Is(err, ErrTierNotFound) {
			ps.add(errcode.UnknownTier, "tier", "is not one of the tenant's customer tiers")
		} else if err != nil {
			return err
		}
	}
	return checkIdentities(ctx, tx.Customers(), c, ids, ps)
}

// checkIdentities records each of ids that another customer of the
// tenant has.
func checkIdentities(ctx context.Context, f finder, c *Customer, ids []Identity, ps *problems) error {
	for _, id := range ids {
		other, err := f.FindByIdentity(ctx, c.TenantID, id)
		if errors.Is(err, ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		if other.ID != c.ID {
			field, shown := identityField(id)
			ps.add(errcode.IdentityTaken, field, shown+" belongs to another customer; merge the two instead")
		}
	}
	return nil
}

// identityField names the request field an identity came from and the
// identity as a message may show it: masked, or by its kind alone.
func identityField(id Identity) (string, string) {
	switch id.Kind {
	case IdentityPhone:
		return "phones", pii.MaskPhone(id.Value)
	case IdentityEmail:
		return "emails", pii.MaskEmail(id.Value)
	case IdentityExternal:
		return "identities", "external ID " + maskIfPersonal(id.Value)
	}
	return "identities", "a " + string(id.Kind) + " identity"
}

// contactIdentities are c's phone numbers and addresses as identities.
func contactIdentities(c *Customer) []Identity {
	ids := make([]Identity, 0, len(c.Phones)+len(c.Emails))
	for _, p := range c.Phones {
		ids = append(ids, Identity{Kind: IdentityPhone, Value: p})
	}
	for _, e := range c.Emails {
		ids = append(ids, Identity{Kind: IdentityEmail, Value: e})
	}
	return ids
}

// region is the tenant's region for numbers written without "+".
func (s *Service) region(ctx context.Context, tenantID string) (string, error) {
	if s.cfg.Region == nil {
		return pii.DefaultRegion, nil
	}
	return s.cfg.Region(ctx, tenantID)
}
