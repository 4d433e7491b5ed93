package e2e_test

import (
	"bytes"
	"context"
	"encoding/csv"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/client"
)

// auditActions returns the tenant's audit entries with action, newest
// first.
func auditActions(t testing.TB, c *client.Client, action string) []map[string]any {
	t.Helper()
	var p struct {
		Data []map[string]any `json:"data"`
	}
	require.NoError(t, c.Do(context.Background(), http.MethodGet, "/api/v1/audit?action="+action, nil, &p))
	return p.Data
}

// TestCustomerImport: a file with bad rows writes nothing and names each
// problem by line, column and code; a good one writes every row at once,
// as text/csv or as a browser's multipart upload.
func TestCustomerImport(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		ctx := context.Background()
		f := n.tenant("Import")
		_, err := f.Admin.CreateCustomer(ctx, map[string]any{"name": "Existing", "phones": []string{"+8613900000001"}})
		require.NoError(t, err)

		bad := "name,phones,emails,tier,tags,attributes.plan\n" +
			"Ana,+8613812348000,ana@example.com,vip,a;b,gold\n" +
			"Bo,1381234800,,,,\n" + // line 3: not a number
			"Cy,+8613812348000,,platinum,,\n" + // line 4: Ana's number again, unknown tier
			",+8613900000001,,,,\n" // line 5: no name, Existing's number
		_, err = f.Supervisor.ImportCustomers(ctx, strings.NewReader(bad))
		ae := apiError(t, err, 422, "import_invalid")
		type problem struct {
			Line        int
			Field, Code string
		}
		var got []problem
		for _, d := range ae.Details {
			got = append(got, problem{d.Line, d.Field, d.Code})
			require.NotContains(t, d.Message, "13812348000", "problems never repeat a number")
			require.NotContains(t, d.Message, "13900000001")
		}
		require.Equal(t, []problem{{3, "phones", "invalid_phone"}, {4, "tier", "unknown_tier"}, {4, "phones", "identity_taken"},
			{5, "name", "validation_failed"}, {5, "phones", "identity_taken"}}, got)
		require.Contains(t, ae.Details[2].Message, "+86 138****8000 is also on line 2")
		page, err := f.Admin.ListCustomers(ctx, nil)
		require.NoError(t, err)
		require.Len(t, page.Data, 1, "nothing of the file was written")

		good := "name,phones,emails,tier,tags,do_not_contact,consent.sms,attributes.plan\n" +
			"Ana,+8613812348000;010 6552 9988,ana@example.com,vip,a;b,no,true,gold\n" +
			"\"Bo, Jr.\",+14155552671,,,,yes,,\n"
		imported, err := f.Supervisor.ImportCustomers(ctx, strings.NewReader(good))
		require.NoError(t, err)
		require.Equal(t, 2, imported)
		page, err = f.Admin.ListCustomers(ctx, &client.ListOptions{Filters: map[string]string{"attr.plan": "gold"}})
		require.NoError(t, err)
		require.Len(t, page.Data, 1)
		ana := page.Data[0]
		require.Equal(t, []string{"+86 138****8000", "+86 106****9988"}, ana.Phones)
		require.Equal(t, "vip", ana.Tier)
		require.Equal(t, map[string]bool{"sms": true}, ana.Consent)
		require.Len(t, auditActions(t, f.Admin, "customer.imported"), 1)

		var body bytes.Buffer
		mw := multipart.NewWriter(&body)
		fw, err := mw.CreateFormFile("file", "customers.csv")
		require.NoError(t, err)
		_, _ = fw.Write([]byte("name,tags\nCy,walk-in\nDi,walk-in\n"))
		require.NoError(t, mw.Close())
		status, _, resp := n.raw(http.MethodPost, "/api/v1/customers/import", f.Admin.Token, body.String(),
			map[string]string{"Content-Type": mw.FormDataContentType()})
		require.Equal(t, 201, status, "%s", resp)
		require.JSONEq(t, `{"imported":2}`, string(resp))
		status, _, resp = n.raw(http.MethodPost, "/api/v1/customers/import", f.Admin.Token, `{"name":"x"}`,
			map[string]string{"Content-Type": "application/json"})
		require.Equal(t, 400, status, "%s", resp)
		_, err = f.Agent.ImportCustomers(ctx, strings.NewReader(good))
		apiError(t, err, 403, "forbidden")
	})
}

// TestCustomerMerge: the source's conversations and timeline move to the
// target; the source stays, marked, and can no longer change; audited.
func TestCustomerMerge(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		ctx := context.Background()
		f := n.tenant("Merge")
		ib := n.inbox(f, nil)
		web := n.chatAs(t, ib.Key, map[string]any{"name": "Ana (web)", "email": "ana@example.com"}, "merge-00001")
		target, err := f.Agent.CreateCustomer(ctx, map[string]any{"name": "Ana", "phones": []string{"+8613812348000"}, "tags": []string{"vip-line"}})
		require.NoError(t, err)

		_, err = f.Agent.MergeCustomers(ctx, target.ID, web.CustomerID)
		apiError(t, err, 403, "forbidden")
		_, err = f.Supervisor.MergeCustomers(ctx, target.ID, target.ID)
		apiError(t, err, 422, "validation_failed")
		merged, err := f.Supervisor.MergeCustomers(ctx, target.ID, web.CustomerID)
		require.NoError(t, err)
		require.Equal(t, "Ana", merged.Name, "the target's name stands")
		require.Equal(t, []string{"+86 138****8000"}, merged.Phones)
		require.Equal(t, []string{"a***@example.com"}, merged.Emails, "the web visitor's address came along")
		require.Equal(t, 1, merged.ContactCount)

		var conv struct {
			CustomerID string `json:"customer_id"`
		}
		require.NoError(t, f.Admin.Do(ctx, http.MethodGet, "/api/v1/conversations/"+web.ConversationID, nil, &conv))
		require.Equal(t, target.ID, conv.CustomerID, "the conversation moved")
		tl, err := f.Admin.CustomerTimeline(ctx, target.ID, nil)
		require.NoError(t, err)
		require.Len(t, tl.Data, 1)
		require.Equal(t, web.ConversationID, tl.Data[0].ConversationID, "the timeline moved")

		src, err := f.Admin.GetCustomer(ctx, web.CustomerID)
		require.NoError(t, err)
		require.Equal(t, target.ID, src.MergedInto)
		_, err = f.Agent.UpdateCustomer(ctx, web.CustomerID, map[string]any{"name": "Again"})
		apiError(t, err, 409, "customer_merged")
		_, err = f.Supervisor.MergeCustomers(ctx, target.ID, web.CustomerID)
		apiError(t, err, 409, "customer_merged")
		entries := auditActions(t, f.Admin, "customer.merged")
		require.Len(t, entries, 1)
		require.Equal(t, target.ID, entries[0]["target_id"])
		require.Equal(t, web.CustomerID, entries[0]["details"].(map[string]any)["source_id"])

		// The returning visitor is now the target.
		again := n.session(t, ib.Key, map[string]any{"visitor_token": web.VisitorToken})
		require.Equal(t, target.ID, again.CustomerID)
	})
}

// TestCustomerRevealAndExport: the unmasked values come from the audited
// reveal only, with pii.reveal and a reason; exports are masked unless
// they reveal the same way.
func TestCustomerRevealAndExport(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		ctx := context.Background()
		f := n.tenant("Reveal")
		cu, err := f.Agent.CreateCustomer(ctx, map[string]any{"name": "Ana", "phones": []string{"+8613812348000"},
			"emails": []string{"ana@example.com"}, "attributes": map[string]any{"note": "=HYPERLINK(\"x\")"}})
		require.NoError(t, err)

		for _, c := range []*client.Client{f.Agent, f.Supervisor} {
			_, err := c.RevealCustomer(ctx, cu.ID, "customer asked for a call back")
			apiError(t, err, 403, "forbidden")
		}
		_, err = f.Admin.RevealCustomer(ctx, cu.ID, "why?")
		apiError(t, err, 422, "validation_failed") // the schema's minimum length
		_, err = f.Admin.RevealCustomer(ctx, cu.ID, "    .    ")
		apiError(t, err, 422, "reason_required")
		r, err := f.Admin.RevealCustomer(ctx, cu.ID, "customer asked for a call back")
		require.NoError(t, err)
		require.Equal(t, []string{"+8613812348000"}, r.Phones)
		require.Equal(t, []string{"ana@example.com"}, r.Emails)
		entries := auditActions(t, f.Admin, "customer.revealed")
		require.Len(t, entries, 1)
		require.Equal(t, cu.ID, entries[0]["target_id"])
		require.Equal(t, "customer asked for a call back", entries[0]["details"].(map[string]any)["reason"])
		again, err := f.Admin.GetCustomer(ctx, cu.ID)
		require.NoError(t, err)
		require.Equal(t, []string{"+86 138****8000"}, again.Phones, "reading again after a reveal is masked again")

		masked, err := f.Supervisor.ExportCustomers(ctx, false, "")
		require.NoError(t, err)
		rows, err := csv.NewReader(bytes.NewReader(masked)).ReadAll()
		require.NoError(t, err)
		require.Len(t, rows, 2)
		require.Equal(t, []string{"id", "name", "phones", "emails", "tier", "tags", "owner_id", "do_not_contact", "consent.calls",
			"consent.email", "consent.marketing", "consent.recording", "consent.sms", "attributes.note", "created_at"}, rows[0])
		require.Equal(t, "'+86 138****8000", rows[1][2], "masked, and not a formula")
		require.Equal(t, "a***@example.com", rows[1][3])
		require.Equal(t, `'=HYPERLINK("x")`, rows[1][13])
		require.NotContains(t, string(masked), "13812348000")
		_, err = f.Supervisor.ExportCustomers(ctx, true, "quarterly audit")
		apiError(t, err, 403, "forbidden")
		_, err = f.Admin.ExportCustomers(ctx, true, "")
		apiError(t, err, 422, "reason_required")
		full, err := f.Admin.ExportCustomers(ctx, true, "quarterly audit")
		require.NoError(t, err)
		require.Contains(t, string(full), "'+8613812348000")
		require.Contains(t, string(full), "ana@example.com")
		exports := auditActions(t, f.Admin, "customer.exported")
		require.Len(t, exports, 2)
		require.Equal(t, map[string]any{"revealed": true, "reason": "quarterly audit"}, exports[0]["details"])
		require.Equal(t, map[string]any{"revealed": false}, exports[1]["details"])
		_, err = f.Agent.ExportCustomers(ctx, false, "")
		apiError(t, err, 403, "forbidden")
	})
}

// TestCustomerDemo: the demo tenant has customers of every tier to show.
func TestCustomerDemo(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	ctx := context.Background()
	_, err := n.app.Demo(ctx)
	require.NoError(t, err)
	agent := n.login("agent1@demo.example", "switchboard-demo")
	page, err := agent.ListCustomers(ctx, nil)
	require.NoError(t, err)
	require.Len(t, page.Data, 5)
	tiers := map[string]int{}
	for _, c := range page.Data {
		tiers[c.Tier]++
		require.NotEmpty(t, c.Phones)
		require.Contains(t, c.Phones[0], "****")
	}
	require.Equal(t, map[string]int{"vip": 1, "senior": 1, "standard": 3}, tiers)
	mine, err := agent.ListCustomers(ctx, &client.ListOptions{Filters: map[string]string{"owner_id": "me"}})
	require.NoError(t, err)
	require.Len(t, mine.Data, 2)
}

// TestCustomerTierRouting: queue rules read the customer's tier and tags,
// so a VIP's chat goes to the VIP queue.
func TestCustomerTierRouting(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	ctx := context.Background()
	f := n.tenant("Tier routing")
	web, err := f.Admin.CreateQueue(ctx, map[string]any{"name": "Web"})
	require.NoError(t, err)
	vip, err := f.Admin.CreateQueue(ctx, map[string]any{"name": "VIP"})
	require.NoError(t, err)
	ib := n.inbox(f, map[string]any{"default_queue_id": web.ID})
	require.NoError(t, f.Admin.Do(ctx, http.MethodPut, "/api/v1/routing/rules", map[string]any{"rules": []map[string]any{
		{"name": "VIPs", "when": `customer.tier == "vip" && "wholesale" in customer.tags`, "queue_id": vip.ID}}}, nil))
	for i, tier := range []string{"vip", "standard"} {
		s := n.session(t, ib.Key, nil)
		_, err := f.Agent.UpdateCustomer(ctx, s.CustomerID, map[string]any{"tier": tier, "tags": []string{"wholesale"}})
		require.NoError(t, err)
		v, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
		require.NoError(t, err)
		v.message(s.ConversationID, "tier-route-"+tier, "Hello")
		require.Eventually(t, func() bool {
			st, err := f.Supervisor.QueueStats(ctx, vip.ID)
			require.NoError(t, err)
			other, err := f.Supervisor.QueueStats(ctx, web.ID)
			require.NoError(t, err)
			return st.Waiting == 1 && other.Waiting == i
		}, 10*time.Second, 20*time.Millisecond, "the %s customer's chat", tier)
	}
}
