package e2e_test

import (
	"context"
	"encoding/json"
	"net/http"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/client"
	"github.com/switchboardhq/switchboard/internal/secret"
)

const (
	panelEmail = "jane.doe@example.com"
	panelPhone = "+8613812348000"
)

// chatAs opens a widget session with body and sends one visitor message in
// the session's conversation.
func (n *node) chatAs(t testing.TB, key string, body map[string]any, clientID string) *sessionJSON {
	t.Helper()
	s := n.session(t, key, body)
	v, _, err := n.dialVisitor(t, key, s.VisitorToken, nil)
	require.NoError(t, err)
	v.next("hello")
	ack := v.message(s.ConversationID, clientID, "Where is my order?")
	require.Equal(t, "ack", ack["type"], "%v", ack)
	return s
}

// customerTwice is a visitor with an email and a phone number who chats,
// is resolved, and comes back: one customer with two conversations, in an
// inbox without members (so agents see neither conversation unassigned).
func customerTwice(t testing.TB, n *node, f *tenantFixture) (first, second *sessionJSON) {
	t.Helper()
	ib := n.inbox(f, nil)
	first = n.chatAs(t, ib.Key, map[string]any{"name": "Jane", "email": panelEmail, "phone": panelPhone}, "panel-00001")
	require.NoError(t, f.Admin.Do(context.Background(), http.MethodPost, "/api/v1/conversations/"+first.ConversationID+"/status",
		map[string]any{"status": "resolved"}, nil))
	second = n.chatAs(t, ib.Key, map[string]any{"visitor_token": first.VisitorToken}, "panel-00002")
	require.Equal(t, first.CustomerID, second.CustomerID, "the returning visitor is the same customer")
	require.NotEqual(t, first.ConversationID, second.ConversationID, "a resolved conversation is not resumed")
	return first, second
}

// customerFixture gives tenant A, for TestTenantIsolation, a tier of its
// own (the {name} of the customer-tiers routes) and a customer with
// personal data; it returns the names by resource and the values tenant B
// must never see.
func customerFixture(t testing.TB, a *tenantFixture) (map[string]string, []string) {
	t.Helper()
	ctx := context.Background()
	require.NoError(t, a.Admin.Do(ctx, http.MethodPost, "/api/v1/customer-tiers", map[string]any{"name": "alpha-gold"}, nil))
	cu, err := a.Admin.CreateCustomer(ctx, map[string]any{"name": "Alpha Customer", "tier": "alpha-gold",
		"phones": []string{"+8613700001111"}, "emails": []string{"alpha.customer@alpha.example"}, "owner_id": a.AgentID})
	require.NoError(t, err)
	return map[string]string{"customer-tiers": "alpha-gold"},
		[]string{cu.ID, "alpha-gold", "+8613700001111", "13700001111", "alpha.customer@alpha.example"}
}

// customerCrossTenantWrites: tenant B's writes that name tenant A's
// customers, tiers or users do not resolve them.
func customerCrossTenantWrites(t testing.TB, a, b *tenantFixture) {
	t.Helper()
	ctx := context.Background()
	page, err := a.Admin.ListCustomers(ctx, &client.ListOptions{Filters: map[string]string{"tier": "alpha-gold"}})
	require.NoError(t, err)
	require.Len(t, page.Data, 1)
	mine, err := b.Admin.CreateCustomer(ctx, map[string]any{"name": "Beta Customer"})
	require.NoError(t, err)
	_, err = b.Admin.MergeCustomers(ctx, mine.ID, page.Data[0].ID)
	apiError(t, err, 404, "not_found")
	_, err = b.Admin.MergeCustomers(ctx, page.Data[0].ID, mine.ID)
	apiError(t, err, 404, "not_found")
	_, err = b.Admin.CreateCustomer(ctx, map[string]any{"name": "Poach", "owner_id": a.AgentID})
	apiError(t, err, 422, "unknown_user")
	_, err = b.Admin.CreateCustomer(ctx, map[string]any{"name": "Poach", "tier": "alpha-gold"})
	apiError(t, err, 422, "unknown_tier")
	theirs, err := b.Admin.CreateCustomer(ctx, map[string]any{"name": "Same number", "phones": []string{"+8613700001111"}})
	require.NoError(t, err, "identities are unique per tenant: B's customer may have the same number")
	require.Equal(t, []string{"+86 137****1111"}, theirs.Phones)
}

// TestCustomerPanel reads a widget customer and their timeline as the
// agent's side panel does: personal data masked, visitor digests hidden,
// newest contact first. Any holder of customers.read reads any customer of
// the tenant (ADR 0019), another tenant none.
func TestCustomerPanel(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		ctx := context.Background()
		f, other := n.tenant("Panel"), n.tenant("Elsewhere")
		first, second := customerTwice(t, n, f)

		var raw json.RawMessage
		require.NoError(t, f.Admin.Do(ctx, http.MethodGet, "/api/v1/customers/"+first.CustomerID, nil, &raw))
		body := string(raw)
		for _, secretValue := range []string{panelEmail, "jane.doe", "13812348000", first.VisitorToken, secret.Digest(first.VisitorToken)} {
			require.NotContains(t, body, secretValue, "the customer view leaks personal data or a visitor secret")
		}
		var cu client.Customer
		require.NoError(t, json.Unmarshal(raw, &cu))
		require.Equal(t, "Jane", cu.Name)
		require.Equal(t, "j***@example.com", cu.Email)
		require.Equal(t, "+86 138****8000", cu.Phone)
		require.Equal(t, []string{"+86 138****8000"}, cu.Phones, "the pre-chat number became the customer's")
		require.Equal(t, []string{"j***@example.com"}, cu.Emails)
		require.Equal(t, []client.CustomerIdentity{{Kind: "web_visitor"}, {Kind: "email", Value: "j***@example.com"},
			{Kind: "phone", Value: "+86 138****8000"}}, cu.Identities)
		require.Equal(t, 2, cu.ContactCount)
		require.NotNil(t, cu.LastContactAt)

		p1, err := f.Admin.CustomerTimeline(ctx, first.CustomerID, &client.ListOptions{Limit: 1})
		require.NoError(t, err)
		require.Len(t, p1.Data, 1)
		require.NotNil(t, p1.NextCursor)
		p2, err := f.Admin.CustomerTimeline(ctx, first.CustomerID, &client.ListOptions{Limit: 1, Cursor: *p1.NextCursor})
		require.NoError(t, err)
		require.Len(t, p2.Data, 1)
		require.Nil(t, p2.NextCursor, "two contacts, two pages")
		newest, oldest := p1.Data[0], p2.Data[0]
		require.Equal(t, second.ConversationID, newest.ConversationID, "newest first")
		require.Equal(t, "open", newest.Status)
		require.Equal(t, "chat", newest.Kind)
		require.Equal(t, first.ConversationID, oldest.ConversationID)
		require.Equal(t, "resolved", oldest.Status)
		require.Equal(t, "webchat", oldest.Channel)
		require.NotNil(t, oldest.LastMessageAt)
		require.Equal(t, *cu.LastContactAt, newest.StartedAt)
		require.NoError(t, f.Admin.Do(ctx, http.MethodGet, "/api/v1/customers/"+first.CustomerID+"/timeline", nil, &raw))
		require.NotContains(t, string(raw), panelEmail)

		// The agent serves no inbox and is assigned nothing, yet reads the
		// customer: an agent must be able to open a caller's record.
		got, err := f.Agent.GetCustomer(ctx, first.CustomerID)
		require.NoError(t, err)
		require.Equal(t, "j***@example.com", got.Email)
		tl, err := f.Agent.CustomerTimeline(ctx, first.CustomerID, nil)
		require.NoError(t, err)
		require.Len(t, tl.Data, 2)
		_, err = f.Supervisor.GetCustomer(ctx, first.CustomerID)
		require.NoError(t, err)
		err = f.Agent.Do(ctx, http.MethodGet, "/api/v1/conversations/"+first.ConversationID, nil, nil)
		apiError(t, err, 404, "not_found") // the conversation itself stays under the conversation rule

		_, err = other.Admin.GetCustomer(ctx, first.CustomerID)
		apiError(t, err, 404, "not_found")
		_, err = other.Admin.CustomerTimeline(ctx, first.CustomerID, nil)
		apiError(t, err, 404, "not_found")
		_, err = f.Admin.GetCustomer(ctx, "01a1f000-0000-7000-8000-000000000000")
		apiError(t, err, 404, "not_found")
		_, err = f.Admin.CustomerTimeline(ctx, first.CustomerID, &client.ListOptions{Cursor: "bm90LWEtY3Vyc29y"})
		apiError(t, err, 400, "invalid_cursor")
	})
}

// TestCustomerRecords creates, changes and finds customers through the
// API: numbers in E.164 whatever their form, masked in every answer;
// duplicates, bad numbers and unknown tiers refused without echoing the
// value; phone search only with pii.reveal.
func TestCustomerRecords(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		ctx := context.Background()
		f := n.tenant("Records")
		cu, err := f.Agent.CreateCustomer(ctx, map[string]any{"name": "Wang Fang", "tier": "vip",
			"phones": []string{"138 1234 8000", "+1 (415) 555-2671"}, "emails": []string{"Wang.Fang@Example.com"},
			"tags": []string{"wholesale"}, "attributes": map[string]any{"plan": "gold", "seats": 12, "beta": true},
			"consent": map[string]bool{"calls": true}, "owner_id": f.AgentID})
		require.NoError(t, err)
		require.Equal(t, []string{"+86 138****8000", "+1 415****2671"}, cu.Phones, "read in CN, the tenant's default region")
		require.Equal(t, []string{"w***@example.com"}, cu.Emails)
		require.Equal(t, map[string]any{"plan": "gold", "seats": 12.0, "beta": true}, cu.Attributes)
		require.Equal(t, f.AgentID, cu.CreatedBy)

		var raw json.RawMessage
		err = f.Supervisor.Do(ctx, http.MethodPost, "/api/v1/customers", map[string]any{"name": "Copy", "phones": []string{"+8613812348000"}}, &raw)
		ae := apiError(t, err, 409, "identity_taken")
		require.Contains(t, ae.Message, "+86 138****8000", "the conflict names the number masked")
		require.NotContains(t, ae.Error(), "13812348000")
		_, err = f.Agent.CreateCustomer(ctx, map[string]any{"name": "Bad", "phones": []string{"1381234800"}})
		ae = apiError(t, err, 422, "invalid_phone")
		require.NotContains(t, ae.Message, "1381234800")
		_, err = f.Agent.CreateCustomer(ctx, map[string]any{"name": "Bad", "emails": []string{"secret-at-nowhere"}})
		apiError(t, err, 422, "invalid_email")
		_, err = f.Agent.CreateCustomer(ctx, map[string]any{"name": "Bad", "tier": "platinum"})
		apiError(t, err, 422, "unknown_tier")
		_, err = f.Agent.CreateCustomer(ctx, map[string]any{"name": "Bad", "attributes": map[string]any{"list": []int{1}}})
		apiError(t, err, 422, "validation_failed")

		upd, err := f.Agent.UpdateCustomer(ctx, cu.ID, map[string]any{"tier": "senior", "phones": []string{"+8613812348000"}, "tags": []string{}})
		require.NoError(t, err)
		require.Equal(t, "senior", upd.Tier)
		require.Equal(t, []string{"+86 138****8000"}, upd.Phones)
		require.Empty(t, upd.Tags)
		other, err := f.Admin.CreateCustomer(ctx, map[string]any{"name": "Li Na", "phones": []string{"+14155552671"}, "tier": "vip"})
		require.NoError(t, err, "the number removed from Wang Fang is free again")

		list := func(c *client.Client, filters map[string]string) []string {
			p, err := c.ListCustomers(ctx, &client.ListOptions{Filters: filters})
			require.NoError(t, err)
			ids := []string{}
			for _, x := range p.Data {
				ids = append(ids, x.ID)
			}
			return ids
		}
		require.Equal(t, []string{cu.ID, other.ID}, list(f.Agent, nil), "agents find any customer")
		require.Equal(t, []string{other.ID}, list(f.Agent, map[string]string{"q": "li"}))
		require.Equal(t, []string{other.ID}, list(f.Agent, map[string]string{"tier": "vip"}))
		require.Equal(t, []string{cu.ID}, list(f.Agent, map[string]string{"attr.plan": "gold", "attr.seats": "12"}))
		require.Equal(t, []string{cu.ID}, list(f.Agent, map[string]string{"owner_id": "me"}))
		for _, c := range []*client.Client{f.Agent, f.Supervisor} {
			err := c.Do(ctx, http.MethodGet, "/api/v1/customers?phone=%2B14155552671", nil, nil)
			ae := apiError(t, err, 403, "forbidden")
			require.Contains(t, ae.Message, "pii.reveal")
			require.NotContains(t, ae.Message, "4155552671")
		}
		require.Equal(t, []string{other.ID}, list(f.Admin, map[string]string{"phone": "+1 415-555-2671"}))
		require.Equal(t, []string{cu.ID}, list(f.Admin, map[string]string{"email": "WANG.FANG@example.com"}))
		require.NoError(t, f.Admin.Do(ctx, http.MethodGet, "/api/v1/customers?phone=13812348000", nil, &raw))
		require.NotContains(t, string(raw), "13812348000", "a search by number answers masked")
		require.Contains(t, string(raw), cu.ID)
	})
}

// TestCustomerTiers: the default tiers, a tenant's own, and a tier in use
// that cannot be deleted.
func TestCustomerTiers(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	ctx := context.Background()
	f := n.tenant("Tiers")
	tiers, err := f.Agent.CustomerTiers(ctx)
	require.NoError(t, err)
	require.Equal(t, []client.CustomerTier{{Name: "standard", Label: "Standard", Position: 1},
		{Name: "senior", Label: "Senior", Position: 2}, {Name: "vip", Label: "VIP", Position: 3}}, tiers)
	var tier client.CustomerTier
	require.NoError(t, f.Supervisor.Do(ctx, http.MethodPost, "/api/v1/customer-tiers", map[string]any{"name": "gold", "label": "Gold"}, &tier))
	require.Equal(t, client.CustomerTier{Name: "gold", Label: "Gold", Position: 4}, tier, "a new tier goes last")
	err = f.Supervisor.Do(ctx, http.MethodPost, "/api/v1/customer-tiers", map[string]any{"name": "gold"}, nil)
	apiError(t, err, 409, "name_taken")
	err = f.Agent.Do(ctx, http.MethodPost, "/api/v1/customer-tiers", map[string]any{"name": "silver"}, nil)
	apiError(t, err, 403, "forbidden")
	require.NoError(t, f.Admin.Do(ctx, http.MethodPatch, "/api/v1/customer-tiers/gold", map[string]any{"position": 0}, &tier))
	require.Equal(t, 0, tier.Position)
	_, err = f.Agent.CreateCustomer(ctx, map[string]any{"name": "Goldie", "tier": "gold"})
	require.NoError(t, err)
	err = f.Admin.Do(ctx, http.MethodDelete, "/api/v1/customer-tiers/gold", nil, nil)
	apiError(t, err, 409, "tier_in_use")
	require.NoError(t, f.Admin.Do(ctx, http.MethodDelete, "/api/v1/customer-tiers/senior", nil, nil))
	err = f.Admin.Do(ctx, http.MethodDelete, "/api/v1/customer-tiers/senior", nil, nil)
	apiError(t, err, 404, "not_found")
	tiers, err = f.Agent.CustomerTiers(ctx)
	require.NoError(t, err)
	require.Equal(t, []client.CustomerTier{{Name: "gold", Label: "Gold"},
		{Name: "standard", Label: "Standard", Position: 1}, {Name: "vip", Label: "VIP", Position: 3}}, tiers)
}

// TestCustomerIdentities: external IDs and WeChat OpenIDs are set through
// identities, unique in the tenant like numbers; an OpenID is never shown.
func TestCustomerIdentities(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	ctx := context.Background()
	f := n.tenant("Identities")
	cu, err := f.Agent.CreateCustomer(ctx, map[string]any{"name": "Ana", "identities": []map[string]string{
		{"kind": "external", "value": "crm-42"}, {"kind": "wechat_openid", "value": "oAbCdEfGh0123456789"}}})
	require.NoError(t, err)
	got, err := f.Agent.GetCustomer(ctx, cu.ID)
	require.NoError(t, err)
	require.Equal(t, []client.CustomerIdentity{{Kind: "external", Value: "crm-42"}, {Kind: "wechat_openid"}}, got.Identities)
	_, err = f.Agent.CreateCustomer(ctx, map[string]any{"name": "Copy", "identities": []map[string]string{
		{"kind": "wechat_openid", "value": "oAbCdEfGh0123456789"}}})
	ae := apiError(t, err, 409, "identity_taken")
	require.NotContains(t, ae.Error(), "oAbCdEfGh0123456789")
	_, err = f.Agent.CreateCustomer(ctx, map[string]any{"name": "Bad", "identities": []map[string]string{{"kind": "web_visitor", "value": "x"}}})
	apiError(t, err, 422, "validation_failed")

	upd, err := f.Agent.UpdateCustomer(ctx, cu.ID, map[string]any{"identities": []map[string]string{{"kind": "external", "value": "crm-42"}}})
	require.NoError(t, err)
	require.Equal(t, []client.CustomerIdentity{{Kind: "external", Value: "crm-42"}}, upd.Identities, "the OpenID went")
	r, err := f.Admin.RevealCustomer(ctx, cu.ID, "checking the CRM link")
	require.NoError(t, err)
	require.Equal(t, []client.CustomerIdentity{{Kind: "external", Value: "crm-42"}}, r.Identities)
	entries := auditActions(t, f.Admin, "customer.updated")
	require.Len(t, entries, 1)
	require.Equal(t, []any{"identities"}, entries[0]["details"].(map[string]any)["fields"])
	_, err = f.Agent.UpdateCustomer(ctx, cu.ID, map[string]any{"identities": []map[string]string{{"kind": "external", "value": "crm-42"}}})
	require.NoError(t, err)
	require.Len(t, auditActions(t, f.Admin, "customer.updated"), 1, "the same identities change nothing")
}
