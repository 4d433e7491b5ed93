package customer_test

import (
	"context"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// reader is one customer of tenant "t1" in memory: the service's rules are
// under test here, the stores in storetest.
type reader struct {
	c    *customer.Customer
	list *customer.ListParams // the last List call
}

func (r *reader) Get(_ context.Context, tenantID, id string) (*customer.Customer, error) {
	if tenantID != r.c.TenantID || id != r.c.ID {
		return nil, customer.ErrNotFound
	}
	return r.c, nil
}

func (r *reader) Identities(context.Context, string, string) ([]customer.Identity, error) {
	return []customer.Identity{{Kind: customer.IdentityVisitor, Value: "digest"}, {Kind: customer.IdentityExternal, Value: "user-42"},
		{Kind: customer.IdentityPhone, Value: "+8613812348000"}, {Kind: customer.IdentityEmail, Value: "jane@example.com"},
		{Kind: customer.IdentityExternal, Value: "jane.doe@example.com"}, {Kind: customer.IdentityWeChat, Value: "oAbCdEfGh123"}}, nil
}

func (r *reader) Activity(context.Context, string, string) (*customer.Activity, error) {
	return &customer.Activity{ContactCount: 2}, nil
}

func (r *reader) Timeline(context.Context, *customer.TimelineParams) ([]*customer.TimelineEntry, error) {
	return []*customer.TimelineEntry{{ID: "ct1"}}, nil
}

func (r *reader) List(_ context.Context, p *customer.ListParams) ([]*customer.Summary, error) {
	r.list = p
	return []*customer.Summary{{Customer: *r.c}}, nil
}

func (r *reader) FindByIdentity(context.Context, string, customer.Identity) (*customer.Customer, error) {
	return nil, customer.ErrNotFound
}

func (r *reader) IdentityOwners(context.Context, string, customer.IdentityKind, []string) (map[string]string, error) {
	return nil, nil
}

func (r *reader) AttributeKeys(context.Context, string) ([]string, error) { return nil, nil }

func (r *reader) UserExists(context.Context, string, string) (bool, error) { return false, nil }

func fixture() (*customer.Service, *reader, time.Time) {
	now := time.UnixMilli(1_800_000_000_000).UTC()
	c := &customer.Customer{ID: "c1", TenantID: "t1", Name: "Jane", Email: "jane.doe@example.com", Phone: "138 1234 8000",
		Phones: []string{"+8613812348000", "+14155552671"}, Emails: []string{"jane@example.com"}, Tier: "vip",
		CreatedAt: now, UpdatedAt: now}
	r := &reader{c: c}
	return customer.NewService(customer.Config{Customers: r, Now: func() time.Time { return now }}), r, now
}

func principal(role permission.Role, tenant string) *permission.Principal {
	return &permission.Principal{UserID: string(role) + "-" + tenant, TenantID: tenant, Role: role, Perms: role.Grants()}
}

// TestServiceMasksForEveryone: every role reads the same masked view, the
// admin who may reveal included; identities show no digest, no OpenID and
// no address, not even a site's user ID that is one.
func TestServiceMasksForEveryone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _, now := fixture()
	want := &customer.Detail{View: customer.View{ID: "c1", Name: "Jane", Email: "j***@example.com", Phone: "138****8000",
		Phones: []string{"+86 138****8000", "+1 415****2671"}, Emails: []string{"j***@example.com"},
		Tier: "vip", Tags: []string{}, Attributes: map[string]any{}, Consent: map[string]bool{}, CreatedAt: now, UpdatedAt: now,
		ContactCount: 2},
		Identities: []customer.Identity{{Kind: customer.IdentityVisitor}, {Kind: customer.IdentityExternal, Value: "user-42"},
			{Kind: customer.IdentityPhone, Value: "+86 138****8000"}, {Kind: customer.IdentityEmail, Value: "j***@example.com"},
			{Kind: customer.IdentityExternal, Value: "j***@example.com"}, {Kind: customer.IdentityWeChat}}}
	for _, role := range permission.TenantRoles {
		v, err := svc.Get(ctx, principal(role, "t1"), "c1")
		require.NoError(t, err)
		require.Equal(t, want, v, role)
	}
	_, err := svc.Get(ctx, principal(permission.RoleAdmin, "t2"), "c1")
	require.ErrorIs(t, err, customer.ErrNotFound, "another tenant's customer")
	_, err = svc.Timeline(ctx, principal(permission.RoleAgent, "t2"), customer.TimelineParams{CustomerID: "c1"})
	require.ErrorIs(t, err, customer.ErrNotFound)
	es, err := svc.Timeline(ctx, principal(permission.RoleAgent, "t1"), customer.TimelineParams{CustomerID: "c1"})
	require.NoError(t, err)
	require.Len(t, es, 1, "agents read any customer's timeline")
}

// TestListSearchByPhone: a phone or email search needs pii.reveal, is
// normalised in the tenant's region, and answers masked; no error repeats
// what was searched for.
func TestListSearchByPhone(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, r, _ := fixture()
	for _, role := range []permission.Role{permission.RoleSupervisor, permission.RoleAgent} {
		_, err := svc.List(ctx, principal(role, "t1"), customer.Query{Phone: "13812348000"})
		require.Equal(t, errcode.Forbidden, errcode.From(err).Code, role)
		require.NotContains(t, err.Error(), "13812348000")
		_, err = svc.List(ctx, principal(role, "t1"), customer.Query{Email: "jane@example.com"})
		require.Equal(t, errcode.Forbidden, errcode.From(err).Code, role)
	}
	admin := principal(permission.RoleAdmin, "t1")
	vs, err := svc.List(ctx, admin, customer.Query{Phone: "138 1234 8000", OwnerID: "me", Q: " JANE "})
	require.NoError(t, err)
	require.Equal(t, customer.Identity{Kind: customer.IdentityPhone, Value: "+8613812348000"}, r.list.Identity, "read in CN")
	require.Equal(t, admin.UserID, r.list.OwnerID)
	require.Equal(t, "jane", r.list.Query)
	require.Equal(t, []string{"+86 138****8000", "+1 415****2671"}, vs[0].Phones, "still masked")
	_, err = svc.List(ctx, admin, customer.Query{Email: "JANE@Example.com"})
	require.NoError(t, err)
	require.Equal(t, customer.Identity{Kind: customer.IdentityEmail, Value: "jane@example.com"}, r.list.Identity)
	_, err = svc.List(ctx, admin, customer.Query{Phone: "12345"})
	require.Equal(t, errcode.InvalidPhone, errcode.From(err).Code)
	require.NotContains(t, err.Error(), "12345")
	_, err = svc.List(ctx, admin, customer.Query{Attributes: map[string]string{"a": "1", "b": "2", "c": "3", "d": "4"}})
	require.Equal(t, errcode.InvalidRequest, errcode.From(err).Code)
	_, err = svc.List(ctx, admin, customer.Query{Attributes: map[string]string{"plan": "gold", "beta": "true"}})
	require.NoError(t, err)
	require.Equal(t, []customer.AttributeFilter{{Key: "beta", Value: "true"}, {Key: "plan", Value: "gold"}}, r.list.Attributes)
}

// TestRevealNeedsPermissionAndReason: the reveal is refused without
// pii.reveal or a reason before anything is read.
func TestRevealNeedsPermissionAndReason(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, _, _ := fixture()
	_, err := svc.Reveal(ctx, principal(permission.RoleSupervisor, "t1"), "c1", "a good reason")
	require.Equal(t, errcode.Forbidden, errcode.From(err).Code)
	for _, reason := range []string{"", "    ", "why", " abcd "} {
		_, err = svc.Reveal(ctx, principal(permission.RoleAdmin, "t1"), "c1", reason)
		require.Equal(t, errcode.ReasonRequired, errcode.From(err).Code, "%q", reason)
	}
	_, err = svc.Export(ctx, principal(permission.RoleSupervisor, "t1"), &customer.ExportParams{Reveal: true, Reason: "audit request"})
	require.Equal(t, errcode.Forbidden, errcode.From(err).Code, "a revealed export needs pii.reveal too")
	_, err = svc.Export(ctx, principal(permission.RoleAdmin, "t1"), &customer.ExportParams{Reveal: true})
	require.Equal(t, errcode.ReasonRequired, errcode.From(err).Code)
}
