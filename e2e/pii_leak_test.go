package e2e_test

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/app"
	"github.com/switchboardhq/switchboard/internal/channel/webchat"
	"github.com/switchboardhq/switchboard/internal/pii"
)

// startLogged runs a node on engine whose every log line, debug included,
// goes to logs.
func startLogged(t testing.TB, engine string, logs *syncBuffer) *node {
	t.Helper()
	cfg := nodeConfig(t, engine)
	a, err := app.New(context.Background(), cfg, slog.New(slog.NewTextHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug})),
		app.Options{})
	require.NoError(t, err)
	require.NoError(t, a.Start(context.Background()))
	t.Cleanup(func() {
		ctx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
		defer cancel()
		require.NoError(t, a.Stop(ctx))
	})
	return &node{t: t, app: a, cfg: cfg, base: "http://" + a.Addr()}
}

// leaks holds the personal data of the fixtures in every form a leak could
// take: as typed, in E.164 with and without "+", the national digits, and
// each address with its local part.
type leaks struct{ forms []string }

func (l *leaks) phone(raw, region string) string {
	e164, err := pii.ParsePhone(raw, region)
	if err != nil {
		panic(fmt.Sprintf("fixture phone %q: %v", raw, err))
	}
	l.forms = append(l.forms, raw, e164, e164[1:], pii.NationalDigits(e164))
	return raw
}

func (l *leaks) email(e string) string {
	l.forms = append(l.forms, e, strings.ToLower(e), e[:strings.IndexByte(e, '@')+1])
	return e
}

// check fails when what contains any form of the fixtures' personal data.
func (l *leaks) check(t testing.TB, where, what string) {
	t.Helper()
	lower := strings.ToLower(what)
	for _, f := range l.forms {
		require.NotContains(t, lower, strings.ToLower(f), "%s leaks personal data", where)
	}
}

// TestPIILeak seeds customers with distinctive phone numbers and addresses
// through every way in (the API, a CSV import, the widget's pre-chat form,
// identified web visitors whose site IDs are an address and a number), has
// them chat, then walks every GET route of the route table as an agent, a
// supervisor and an admin — path parameters filled with fixtures of their
// kind, or every fixture where the kind is unknown, so routes added later
// are walked too — and fails if any answer, any agent socket frame
// received meanwhile, or any log line holds one of those values unmasked.
func TestPIILeak(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		logs := &syncBuffer{}
		n := startLogged(t, engine, logs)
		ctx := context.Background()
		f := n.tenant("Leak")
		var l leaks
		ib := n.inbox(f, map[string]any{"member_ids": []string{f.AgentID, f.SupID}})
		sockets := []*wsClient{n.dialAgent(t, f.Agent.Token), n.dialAgent(t, f.Supervisor.Token), n.dialAgent(t, f.Admin.Token)}

		ids := leakFixtures(t, n, f, ib, &l)
		probeRefusals(t, n, f, &l, ids.customers[0])
		ids.inbox, ids.key = ib.ID, ib.Key
		for role, c := range map[string]string{"agent": f.Agent.Token, "supervisor": f.Supervisor.Token, "admin": f.Admin.Token} {
			walkGETs(t, n, c, role, ids, &l)
		}
		for i, ws := range sockets {
			frames := drain(ws)
			require.NotEmpty(t, frames, "socket %d saw the chats", i)
			l.check(t, fmt.Sprintf("agent socket %d (%d frames)", i, len(frames)), strings.Join(frames, "\n"))
		}
		require.Contains(t, logs.String(), "bus ready", "the log is captured")
		l.check(t, "the server log", logs.String())
		require.NoError(t, f.Admin.Do(ctx, http.MethodGet, "/api/v1/customers/"+ids.customers[0], nil, nil))
	})
}

// leakIDs are the fixtures' IDs, by kind.
type leakIDs struct {
	customers, conversations []string
	inbox, key               string
	users                    []string
}

// leakFixtures creates the customers and their chats.
func leakFixtures(t testing.TB, n *node, f *tenantFixture, ib *inboxJSON, l *leaks) *leakIDs {
	t.Helper()
	ctx := context.Background()
	ids := &leakIDs{users: []string{f.AgentID, f.SupID, f.AdminID}}
	api, err := f.Agent.CreateCustomer(ctx, map[string]any{"name": "Api Person", "tier": "vip",
		"phones": []string{l.phone("+86 135 0101 2323", "CN"), l.phone("135 0202 3434", "CN"), l.phone("+1 212 736 5000", "CN")},
		"emails": []string{l.email("Leak.Api@LeakCheck.example")}, "tags": []string{"leak"}, "owner_id": f.AgentID})
	require.NoError(t, err)
	ids.customers = append(ids.customers, api.ID)
	csv := fmt.Sprintf("name,phones,emails\nImported Person,%s,%s\n", l.phone("135 0505 6767", "CN"), l.email("leak.import@leakcheck.example"))
	_, err = f.Admin.ImportCustomers(ctx, strings.NewReader(csv))
	require.NoError(t, err)

	prechat := n.chatAs(t, ib.Key, map[string]any{"name": "Prechat Person", "email": l.email("leak.prechat@leakcheck.example"),
		"phone": l.phone("135 0303 4545", "CN")}, "leak-000001")
	ident := l.email("leak.ident@leakcheck.example")
	identified := n.chatAs(t, ib.Key, map[string]any{"identifier": ident, "identifier_hash": webchat.IdentityHash(ib.IdentitySecret, ident),
		"name": "Identified Person", "phone": l.phone("+86 135 0404 5656", "CN")}, "leak-000002")
	numeric := l.phone("+86 135 0606 7878", "CN")
	byNumber := n.chatAs(t, ib.Key, map[string]any{"identifier": numeric,
		"identifier_hash": webchat.IdentityHash(ib.IdentitySecret, numeric), "name": "Numbered Person"}, "leak-000003")
	for _, s := range []*sessionJSON{prechat, identified, byNumber} {
		ids.customers = append(ids.customers, s.CustomerID)
		ids.conversations = append(ids.conversations, s.ConversationID)
	}
	require.NoError(t, f.Admin.Do(ctx, http.MethodPost, "/api/v1/conversations/"+prechat.ConversationID+"/assignment",
		map[string]any{"assignee_id": f.AgentID}, nil))
	require.NoError(t, f.Agent.Do(ctx, http.MethodPost, "/api/v1/conversations/"+prechat.ConversationID+"/messages",
		map[string]any{"text": "Hello, how can I help?", "client_id": "leak-agent-01"}, nil))
	merged, err := f.Supervisor.MergeCustomers(ctx, api.ID, byNumber.CustomerID)
	require.NoError(t, err)
	require.NotEmpty(t, merged.Phones)
	return ids
}

// probeRefusals checks the error messages of writes and searches that
// name a fixture's number or address.
func probeRefusals(t testing.TB, n *node, f *tenantFixture, l *leaks, customerID string) {
	t.Helper()
	for _, p := range []struct{ method, path, token, body string }{
		{http.MethodPost, "/api/v1/customers", f.Agent.Token, `{"name":"Dup","phones":["+8613501012323"],"emails":["leak.api@leakcheck.example"]}`},
		{http.MethodPatch, "/api/v1/customers/" + customerID, f.Agent.Token, `{"phones":["+8613503034545"]}`},
		{http.MethodPost, "/api/v1/customers", f.Agent.Token, `{"name":"Bad","phones":["1350101232"]}`},
		{http.MethodGet, "/api/v1/customers?phone=" + url.QueryEscape("+8613501012323"), f.Agent.Token, ""},
		{http.MethodGet, "/api/v1/customers?email=leak.api%40leakcheck.example", f.Supervisor.Token, ""},
		{http.MethodGet, "/api/v1/customers?phone=13501012323", f.Admin.Token, ""},
		{http.MethodPost, "/api/v1/customers/import", f.Admin.Token, "name,phones\nDup,+8613501012323\nDup2,+8613501012323\n"},
	} {
		hdr := map[string]string{}
		if strings.HasSuffix(p.path, "/import") {
			hdr["Content-Type"] = "text/csv"
		}
		status, _, body := n.raw(p.method, p.path, p.token, p.body, hdr)
		require.NotEqual(t, 500, status, "%s %s: %s", p.method, p.path, body)
		l.check(t, p.method+" "+p.path, string(body))
	}
}

var pathParam = regexp.MustCompile(`\{[a-z_]+\}`)

// walkGETs requests every GET route with every fitting fixture as the
// caller and checks each answer, whatever its status.
func walkGETs(t testing.TB, n *node, token, role string, ids *leakIDs, l *leaks) {
	t.Helper()
	walked := 0
	for _, r := range n.app.API.Routes() {
		if r.Method != http.MethodGet {
			continue
		}
		for _, path := range fill(r.Path, ids) {
			status, _, body := n.raw(http.MethodGet, path, token, "", nil)
			require.NotEqual(t, 500, status, "%s as %s: %s", path, role, body)
			l.check(t, fmt.Sprintf("GET %s as %s (%d)", path, role, status), string(body))
			walked++
		}
	}
	require.Greater(t, walked, 30, "every GET route was walked")
}

// fill substitutes a route's path parameters: {id} with the fixtures of
// the resource's kind — every fixture when the kind is not known here, so
// that a route added later is walked all the same — and {key} with the
// inbox's key.
func fill(path string, ids *leakIDs) []string {
	out := []string{path}
	for _, param := range pathParam.FindAllString(path, -1) {
		var next []string
		for _, p := range out {
			for _, v := range candidates(p, param, ids) {
				next = append(next, strings.Replace(p, param, url.PathEscape(v), 1))
			}
		}
		out = next
	}
	return out
}

func candidates(path, param string, ids *leakIDs) []string {
	if param == "{key}" {
		return []string{ids.key}
	}
	resource := strings.SplitN(strings.TrimPrefix(path, "/api/v1/"), "/", 2)[0]
	switch resource {
	case "customers":
		return ids.customers
	case "conversations":
		return ids.conversations
	case "inboxes":
		return []string{ids.inbox}
	case "users", "agents":
		return ids.users
	}
	all := append(append(append([]string{}, ids.customers...), ids.conversations...), ids.users...)
	return append(all, ids.inbox)
}

// drain returns the frames a socket received so far, as JSON.
func drain(ws *wsClient) []string {
	var out []string
	for _, f := range ws.held {
		b, _ := json.Marshal(f)
		out = append(out, string(b))
	}
	ws.held = nil
	for {
		select {
		case f, ok := <-ws.frames:
			if !ok {
				return out
			}
			b, _ := json.Marshal(f)
			out = append(out, string(b))
		case <-time.After(300 * time.Millisecond):
			return out
		}
	}
}
