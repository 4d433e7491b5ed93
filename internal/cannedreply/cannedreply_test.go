package cannedreply_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/cannedreply"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// memory is one tenant's replies and team memberships in memory: the
// service's rules are under test here, the stores in storetest.
type memory struct {
	replies map[string]*cannedreply.Reply
	teams   map[string][]string // user → their teams
	listed  *cannedreply.ListParams
	log     auditLog
	events  outbox
}

func (m *memory) Create(_ context.Context, r *cannedreply.Reply) error {
	c := *r
	m.replies[r.ID] = &c
	return nil
}

func (m *memory) Get(_ context.Context, tenantID, id string) (*cannedreply.Reply, error) {
	r, ok := m.replies[id]
	if !ok || r.TenantID != tenantID {
		return nil, cannedreply.ErrNotFound
	}
	c := *r
	return &c, nil
}

func (m *memory) List(_ context.Context, p *cannedreply.ListParams) ([]*cannedreply.Reply, error) {
	m.listed = p
	return []*cannedreply.Reply{}, nil
}

func (m *memory) Update(ctx context.Context, r *cannedreply.Reply) error { return m.Create(ctx, r) }

func (m *memory) Delete(_ context.Context, _, id string) error {
	delete(m.replies, id)
	return nil
}

func (m *memory) MemberTeams(_ context.Context, _, userID string) ([]string, error) {
	return m.teams[userID], nil
}

// memory is also its own transaction.
func (m *memory) CannedReplies() cannedreply.Store { return m }
func (m *memory) Audit() audit.Store               { return &m.log }
func (m *memory) Outbox() event.Outbox             { return &m.events }

type auditLog []*audit.Entry

func (l *auditLog) Append(_ context.Context, e *audit.Entry) error {
	*l = append(*l, e)
	return nil
}

func (l *auditLog) List(context.Context, *audit.ListParams) ([]*audit.Entry, error) { return *l, nil }

type outbox []event.Event

func (o *outbox) Append(_ context.Context, evs ...event.Event) error {
	*o = append(*o, evs...)
	return nil
}

var now = time.UnixMilli(1_800_000_000_000).UTC()

func newService(t *testing.T) (*cannedreply.Service, *memory) {
	t.Helper()
	m := &memory{replies: map[string]*cannedreply.Reply{}, teams: map[string][]string{"member": {"billing"}}}
	n := 0
	svc := cannedreply.NewService(cannedreply.Config{Replies: m,
		InTx:  func(_ context.Context, fn func(cannedreply.Tx) error) error { return fn(m) },
		Now:   func() time.Time { return now },
		NewID: func() string { n++; return "r" + strings.Repeat("0", n) }})
	return svc, m
}

func principal(user string, role permission.Role) *permission.Principal {
	return &permission.Principal{UserID: user, TenantID: "t1", Role: role, Perms: role.Grants()}
}

func ptr(s string) *string { return &s }

var admin = principal("admin", permission.RoleAdmin)

func TestCreate(t *testing.T) {
	t.Parallel()
	svc, m := newService(t)
	r, err := svc.Create(context.Background(), admin, &cannedreply.Params{Shortcut: ptr("hello"), Title: ptr("  Greeting "),
		Body: ptr("\n Hi {{customer.name}}, I'm {{agent.first_name}} ({{agent.name}}) on {{conversation.id}}.  \n")})
	require.NoError(t, err)
	require.Equal(t, &cannedreply.Reply{ID: "r0", TenantID: "t1", Shortcut: "hello", Title: "Greeting",
		Body: "Hi {{customer.name}}, I'm {{agent.first_name}} ({{agent.name}}) on {{conversation.id}}.", CreatedBy: "admin",
		CreatedAt: now, UpdatedAt: now}, r, "trimmed, in the caller's tenant, by the caller")
	require.Equal(t, r, m.replies["r0"])
	require.Len(t, m.log, 1)
	require.Equal(t, cannedreply.ActionCreated, m.log[0].Action)
	require.Equal(t, map[string]any{"shortcut": "hello"}, m.log[0].Details)
	require.Equal(t, []event.Event{{Subject: cannedreply.EventCreated, TenantID: "t1", At: now, Data: event.Change{ID: "r0"}}},
		[]event.Event(m.events))
}

func TestCreateValidation(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name                  string
		shortcut, title, body string
		fields                []string // fields named in validation_failed details; nil when valid
	}{
		{"Valid", "a", "T", "B", nil},
		{"LongestShortcut", strings.Repeat("x", 32), "T", "B", nil},
		{"ShortcutPunctuation", "0-x_y", "T", "B", nil},
		{"EmptyShortcut", "", "T", "B", []string{"shortcut"}},
		{"UpperCaseShortcut", "Hello", "T", "B", []string{"shortcut"}},
		{"ShortcutStartsWithDash", "-x", "T", "B", []string{"shortcut"}},
		{"ShortcutWithSpace", "a b", "T", "B", []string{"shortcut"}},
		{"ShortcutWithSlash", "/hello", "T", "B", []string{"shortcut"}},
		{"ShortcutTooLong", strings.Repeat("x", 33), "T", "B", []string{"shortcut"}},
		{"LongestTitle", "a", strings.Repeat("标", 100), "B", nil},
		{"TitleTooLong", "a", strings.Repeat("标", 101), "B", []string{"title"}},
		{"BlankTitle", "a", " \t ", "B", []string{"title"}},
		{"LongestBody", "a", "T", strings.Repeat("字", 4000), nil},
		{"BodyTooLong", "a", "T", strings.Repeat("字", 4001), []string{"body"}},
		{"LongBodyTrimmed", "a", "T", "  " + strings.Repeat("字", 4000) + "\n", nil},
		{"BlankBody", "a", "T", " \n\t ", []string{"body"}},
		{"Everything", "", "", "", []string{"shortcut", "title", "body"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, m := newService(t)
			_, err := svc.Create(context.Background(), admin, &cannedreply.Params{Shortcut: &tt.shortcut, Title: &tt.title, Body: &tt.body})
			if tt.fields == nil {
				require.NoError(t, err)
				return
			}
			require.True(t, errcode.Has(err, errcode.ValidationFailed), "%v", err)
			var fields []string
			for _, d := range errcode.From(err).Details {
				fields = append(fields, d.Field)
			}
			require.Equal(t, tt.fields, fields)
			require.Empty(t, m.replies, "nothing is written")
			require.Empty(t, m.log, "nothing is audited")
		})
	}

	svc, _ := newService(t)
	_, err := svc.Create(context.Background(), admin, &cannedreply.Params{})
	require.True(t, errcode.Has(err, errcode.ValidationFailed), "shortcut, title and body are required: %v", err)
}

func TestPlaceholders(t *testing.T) {
	t.Parallel()
	require.Equal(t, []string{"customer.name", "agent.name", "agent.first_name", "conversation.id"}, cannedreply.Placeholders())
	p := cannedreply.Placeholders()
	p[0] = "changed"
	require.Equal(t, "customer.name", cannedreply.Placeholders()[0], "callers get a copy")

	tests := []struct {
		name, body string
		unknown    []string // placeholders refused, in order; nil when valid
	}{
		{"None", "Hello there", nil},
		{"SingleBraces", "Hi {customer.name}, {{ }", nil},
		{"Known", "{{customer.name}}{{agent.name}}{{agent.first_name}}{{conversation.id}}", nil},
		{"Unknown", "Hi {{customer.email}}", []string{"{{customer.email}}"}},
		{"Spaces", "Hi {{ customer.name }}", []string{"{{ customer.name }}"}},
		{"CaseMatters", "Hi {{Customer.Name}}", []string{"{{Customer.Name}}"}},
		{"Empty", "Hi {{}}", []string{"{{}}"}},
		{"InsideExtraBraces", "Hi {{{agent.name}}} and {{{x}}}", []string{"{{x}}"}},
		{"SeveralOnceEach", "{{a}} {{customer.name}} {{b}} {{a}}", []string{"{{a}}", "{{b}}"}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			svc, m := newService(t)
			_, err := svc.Create(context.Background(), admin, &cannedreply.Params{Shortcut: ptr("x"), Title: ptr("T"), Body: &tt.body})
			if tt.unknown == nil {
				require.NoError(t, err)
				return
			}
			require.True(t, errcode.Has(err, errcode.UnknownPlaceholder), "%v", err)
			e := errcode.From(err)
			require.Contains(t, e.Message, tt.unknown[0], "the message names the placeholder")
			require.Contains(t, e.Message, "{{agent.first_name}}", "and lists the known ones")
			var got []string
			for _, d := range e.Details {
				require.Equal(t, "body", d.Field)
				got = append(got, strings.TrimPrefix(d.Message, "unknown placeholder "))
			}
			require.Equal(t, tt.unknown, got)
			require.Empty(t, m.replies)
		})
	}
}

func TestUpdate(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, m := newService(t)
	r, err := svc.Create(ctx, admin, &cannedreply.Params{Shortcut: ptr("hello"), Title: ptr("Greeting"), Body: ptr("Hi")})
	require.NoError(t, err)
	m.log = nil

	same, err := svc.Update(ctx, admin, r.ID, &cannedreply.Params{Title: ptr(" Greeting "), Body: ptr("Hi")})
	require.NoError(t, err)
	require.Equal(t, r, same)
	require.Empty(t, m.log, "an update that changes nothing writes nothing")

	later := now.Add(time.Hour)
	svc2 := cannedreply.NewService(cannedreply.Config{Replies: m, Now: func() time.Time { return later },
		InTx: func(_ context.Context, fn func(cannedreply.Tx) error) error { return fn(m) }})
	up, err := svc2.Update(ctx, admin, r.ID, &cannedreply.Params{Shortcut: ptr("hi"), Body: ptr("Hello {{customer.name}}"), TeamID: ptr("billing")})
	require.NoError(t, err)
	require.Equal(t, "hi", up.Shortcut)
	require.Equal(t, "billing", up.TeamID)
	require.Equal(t, later, up.UpdatedAt)
	require.Equal(t, now, up.CreatedAt)
	require.Equal(t, up, m.replies[r.ID])
	require.Len(t, m.log, 1)
	require.Equal(t, cannedreply.ActionUpdated, m.log[0].Action)
	require.Equal(t, map[string]any{"fields": []string{"shortcut", "body", "team_id"}}, m.log[0].Details)

	_, err = svc.Update(ctx, admin, r.ID, &cannedreply.Params{Body: ptr("Hi {{customer.phone}}")})
	require.True(t, errcode.Has(err, errcode.UnknownPlaceholder), "%v", err)
	_, err = svc.Update(ctx, admin, r.ID, &cannedreply.Params{Title: ptr("  ")})
	require.True(t, errcode.Has(err, errcode.ValidationFailed), "%v", err)
	require.Equal(t, up, m.replies[r.ID], "a refused update changes nothing")

	other := &permission.Principal{UserID: "admin-b", TenantID: "t2", Role: permission.RoleAdmin, Perms: permission.RoleAdmin.Grants()}
	_, err = svc.Update(ctx, other, r.ID, &cannedreply.Params{Title: ptr("Mine")})
	require.ErrorIs(t, err, cannedreply.ErrNotFound, "the tenant comes from the caller")
	require.ErrorIs(t, svc.Delete(ctx, other, r.ID), cannedreply.ErrNotFound)
	_, err = svc.Get(ctx, other, r.ID)
	require.ErrorIs(t, err, cannedreply.ErrNotFound)

	require.NoError(t, svc.Delete(ctx, admin, r.ID))
	require.Empty(t, m.replies)
	require.Equal(t, cannedreply.ActionDeleted, m.log[1].Action)
	require.Equal(t, map[string]any{"shortcut": "hi"}, m.log[1].Details, "the entry keeps the deleted reply's shortcut")
	require.ErrorIs(t, svc.Delete(ctx, admin, r.ID), cannedreply.ErrNotFound)
}

func TestVisibility(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	svc, m := newService(t)
	team, err := svc.Create(ctx, admin, &cannedreply.Params{Shortcut: ptr("refund"), Title: ptr("T"), Body: ptr("B"), TeamID: ptr("billing")})
	require.NoError(t, err)
	wide, err := svc.Create(ctx, admin, &cannedreply.Params{Shortcut: ptr("hello"), Title: ptr("T"), Body: ptr("B")})
	require.NoError(t, err)

	for _, tt := range []struct {
		by       *permission.Principal
		seesTeam bool
	}{
		{admin, true},
		{principal("supervisor", permission.RoleSupervisor), true},
		{principal("member", permission.RoleAgent), true},
		{principal("outsider", permission.RoleAgent), false},
	} {
		_, err := svc.Get(ctx, tt.by, wide.ID)
		require.NoError(t, err, "%s sees tenant-wide replies", tt.by.UserID)
		_, err = svc.Get(ctx, tt.by, team.ID)
		if tt.seesTeam {
			require.NoError(t, err, tt.by.UserID)
		} else {
			require.ErrorIs(t, err, cannedreply.ErrNotFound, "another team's reply is absent to %s", tt.by.UserID)
		}
	}

	_, err = svc.List(ctx, principal("outsider", permission.RoleAgent), cannedreply.ListParams{TenantID: "t2", VisibleTo: "", Query: " /ref "})
	require.NoError(t, err)
	require.Equal(t, &cannedreply.ListParams{TenantID: "t1", VisibleTo: "outsider", Query: "ref"}, m.listed,
		"agents see their teams' replies; the tenant comes from the caller; a leading / is ignored")
	_, err = svc.List(ctx, principal("supervisor", permission.RoleSupervisor), cannedreply.ListParams{VisibleTo: "someone", Limit: 5})
	require.NoError(t, err)
	require.Equal(t, &cannedreply.ListParams{TenantID: "t1", Limit: 5}, m.listed, "those who manage replies see them all")
}
