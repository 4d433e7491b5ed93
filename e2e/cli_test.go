package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/cli"
	"github.com/switchboardhq/switchboard/internal/store/sqlite"
	"github.com/switchboardhq/switchboard/internal/store/storetest"
	"github.com/switchboardhq/switchboard/internal/user"
)

// runCLI runs the switchboard command line in-process.
func runCLI(t testing.TB, env map[string]string, stdin string, args ...string) (int, string, string) {
	t.Helper()
	var out, errOut bytes.Buffer
	code := cli.Main(context.Background(), cli.Env{Args: args, Getenv: func(k string) string { return env[k] },
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errOut, Version: "test"})
	return code, out.String(), errOut.String()
}

func TestCLIAdminCommands(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	env := map[string]string{"SWITCHBOARD_SERVER": n.base}

	code, out, errOut := runCLI(t, env, rootPassword+"\n", "login", "--email", rootEmail, "--password-stdin")
	require.Equal(t, 0, code, errOut)
	env["SWITCHBOARD_TOKEN"] = strings.TrimSpace(out)

	code, out, errOut = runCLI(t, env, "", "tenants", "create", `{"name":"CLI Co","admin_email":"admin@cli.example","admin_password":"`+testPassword+`"}`)
	require.Equal(t, 0, code, errOut)
	var tn struct{ ID, Name string }
	require.NoError(t, json.Unmarshal([]byte(out), &tn))
	require.Equal(t, "CLI Co", tn.Name)

	code, out, errOut = runCLI(t, map[string]string{"SWITCHBOARD_SERVER": n.base, "SWITCHBOARD_PASSWORD": testPassword}, "", "login", "--email", "admin@cli.example")
	require.Equal(t, 0, code, errOut)
	env["SWITCHBOARD_TOKEN"] = strings.TrimSpace(out)

	code, _, errOut = runCLI(t, env, `{"email":"agent@cli.example","name":"Agent","role":"agent","password":"`+testPassword+`"}`, "users", "create", "-")
	require.Equal(t, 0, code, errOut)
	code, out, errOut = runCLI(t, env, "", "users", "list", "--all", "--limit", "1", "--filter", "role=agent")
	require.Equal(t, 0, code, errOut)
	var users []struct{ Email string }
	require.NoError(t, json.Unmarshal([]byte(out), &users))
	require.Len(t, users, 1)
	require.Equal(t, "agent@cli.example", users[0].Email)

	code, out, errOut = runCLI(t, env, "", "api", "GET", "/api/v1/me")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"admin@cli.example"`)

	code, _, errOut = runCLI(t, env, "", "users", "create", `{"email":"bad"}`)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "validation_failed", "API errors reach the admin with their code")

	code, out, _ = runCLI(t, env, "", "audit", "list", "--filter", "action=user.")
	require.Equal(t, 0, code)
	require.Contains(t, out, "user.created")
}

func TestCLIServerCommands(t *testing.T) {
	t.Parallel()
	code, out, _ := runCLI(t, nil, "", "version")
	require.Equal(t, 0, code)
	require.Contains(t, out, "switchboard test")

	code, out, _ = runCLI(t, nil, "", "config", "defaults")
	require.Equal(t, 0, code)
	require.Contains(t, out, "SWITCHBOARD_ADDR=127.0.0.1:8080")

	code, _, errOut := runCLI(t, nil, "", "no-such-command")
	require.Equal(t, 2, code)
	require.Contains(t, errOut, "unknown command")

	dir := t.TempDir()
	code, out, errOut = runCLI(t, nil, "", "migrate", "--data", dir)
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^sqlite schema is at version [1-9][0-9]*\n$`, out)
	code, out, errOut = runCLI(t, nil, "", "migrate", "--db", storetest.NewSchemaURL(t))
	require.Equal(t, 0, code, errOut)
	require.Regexp(t, `^postgres schema is at version [1-9][0-9]*\n$`, out)

	code, out, _ = runCLI(t, nil, "", "backup", "--db", "postgres://u:secret@db.example/sb", filepath.Join(dir, "x.dump"))
	require.Equal(t, 0, code)
	require.Contains(t, out, "pg_dump")
	require.NotContains(t, out, "secret", "the password is redacted")
}

// TestBackupWhileRunning backs up the SQLite database of a live node and
// checks the copy holds the data.
func TestBackupWhileRunning(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	f := n.tenant("Backup")
	file := filepath.Join(t.TempDir(), "copy.db")
	code, out, errOut := runCLI(t, nil, "", "backup", "--data", n.cfg.DataDir, file)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, file)
	code, _, errOut = runCLI(t, nil, "", "backup", "--data", n.cfg.DataDir, file)
	require.Equal(t, 1, code, "an existing file is never overwritten")
	require.Contains(t, errOut, "already exists")

	db, err := sqlite.Open(context.Background(), file)
	require.NoError(t, err)
	defer db.Close()
	st := storetest.NewStores(t, db)
	u, err := st.Users.GetByEmail(context.Background(), f.Emails["agent"])
	require.NoError(t, err)
	require.Equal(t, f.AgentID, u.ID)
	_, err = st.Users.GetByEmail(context.Background(), "missing@backup.example")
	require.ErrorIs(t, err, user.ErrNotFound)
}

func TestCLIInboxesAndConversations(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	f := n.tenant("CLI Chat")
	env := map[string]string{"SWITCHBOARD_SERVER": n.base, "SWITCHBOARD_TOKEN": f.Admin.Token}
	code, out, errOut := runCLI(t, env, "", "inboxes", "create", `{"channel":"webchat","name":"Site"}`)
	require.Equal(t, 0, code, errOut)
	var ib struct{ Key, Snippet string }
	require.NoError(t, json.Unmarshal([]byte(out), &ib))
	require.Contains(t, ib.Snippet, ib.Key)
	s := n.session(t, ib.Key, nil)
	require.NoError(t, f.Admin.Do(context.Background(), "POST", "/api/v1/conversations/"+s.ConversationID+"/messages",
		map[string]any{"text": "hi", "client_id": "cli-chat-0001"}, nil))
	code, out, errOut = runCLI(t, env, "", "conversations", "list", "--filter", "status=open")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, s.ConversationID)
}

// TestCLICustomers manages customers from the command line: read (masked),
// search, create, change, merge, import and export CSV, reveal with a
// reason, and the tenant's tiers.
func TestCLICustomers(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	f := n.tenant("CLI Customers")
	first, second := customerTwice(t, n, f)
	env := map[string]string{"SWITCHBOARD_SERVER": n.base, "SWITCHBOARD_TOKEN": f.Admin.Token}
	code, out, errOut := runCLI(t, env, "", "customers", "get", first.CustomerID)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"email": "j***@example.com"`)
	require.NotContains(t, out, panelEmail)

	code, out, errOut = runCLI(t, env, "", "customers", "timeline", "--all", "--limit", "1", first.CustomerID)
	require.Equal(t, 0, code, errOut)
	var entries []struct {
		ConversationID string `json:"conversation_id"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &entries))
	require.Len(t, entries, 2, "--all follows the cursor")
	require.Equal(t, second.ConversationID, entries[0].ConversationID, "newest first")
	require.Equal(t, first.ConversationID, entries[1].ConversationID)
	code, _, errOut = runCLI(t, env, "", "customers", "timeline")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "usage: timeline")

	code, out, errOut = runCLI(t, env, "", "customers", "create", `{"name":"Li Na","tier":"vip","phones":["139 1234 5678"]}`)
	require.Equal(t, 0, code, errOut)
	var li struct{ ID string }
	require.NoError(t, json.Unmarshal([]byte(out), &li))
	require.Contains(t, out, `"+86 139****5678"`)
	code, out, errOut = runCLI(t, env, "", "customers", "update", li.ID, `{"tags":["returning"]}`)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"returning"`)
	code, out, errOut = runCLI(t, env, "", "customers", "list", "--filter", "q=li", "--filter", "tier=vip")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, li.ID)
	require.NotContains(t, out, first.CustomerID)
	code, out, errOut = runCLI(t, env, "", "customers", "merge", li.ID, first.CustomerID)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"contact_count": 2`, "the merged customer's timeline came along")

	code, out, errOut = runCLI(t, env, "", "customers", "reveal", "--reason", "customer asked for a call back", li.ID)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"+8613912345678"`)
	code, _, errOut = runCLI(t, env, "", "customers", "reveal", li.ID)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "usage")

	file := filepath.Join(t.TempDir(), "customers.csv")
	require.NoError(t, os.WriteFile(file, []byte("name,phones,tier\nBo,12345,gold\n"), 0o600))
	code, _, errOut = runCLI(t, env, "", "customers", "import", file)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "line 2, phones: invalid_phone")
	require.Contains(t, errOut, "line 2, tier: unknown_tier")
	require.Contains(t, errOut, "import_invalid")
	code, out, errOut = runCLI(t, env, "name,tags\nBo,walk-in\n", "customers", "import", "-")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"imported": 1`)

	code, out, errOut = runCLI(t, env, "", "customers", "export")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "+86 139****5678")
	require.NotContains(t, out, "13912345678")
	code, out, errOut = runCLI(t, env, "", "customers", "export", "--reveal", "--reason", "quarterly audit")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, "+8613912345678")

	code, _, errOut = runCLI(t, env, "", "customer-tiers", "create", `{"name":"gold","label":"Gold"}`)
	require.Equal(t, 0, code, errOut)
	code, out, errOut = runCLI(t, env, "", "customer-tiers", "list")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"gold"`)
	require.Contains(t, out, `"vip"`)
	code, _, errOut = runCLI(t, env, "", "customer-tiers", "delete", "vip")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "tier_in_use")
	code, _, errOut = runCLI(t, env, "", "customer-tiers", "delete", "gold")
	require.Equal(t, 0, code, errOut)

	code, out, errOut = runCLI(t, env, "", "settings", "set", "--default-region", "us")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"default_region": "US"`)
	code, out, errOut = runCLI(t, env, "", "customers", "create", `{"name":"Sam","phones":["(415) 555-2671"]}`)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"+1 415****2671"`, "a national number is read in the tenant's region")
	code, _, errOut = runCLI(t, env, "", "settings", "set", "--default-region", "XX")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "unknown_region")

	env["SWITCHBOARD_TOKEN"] = f.Agent.Token
	code, _, errOut = runCLI(t, env, "", "customers", "get", first.CustomerID)
	require.Equal(t, 0, code, errOut)
	code, _, errOut = runCLI(t, env, "", "customers", "export")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "forbidden", "agents do not export")
}

// TestCLIRouting scripts routing as an admin would: a queue, an away
// reason, the rules, an agent's presence, and the live queue state.
func TestCLIRouting(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	f := n.tenant("CLI Routing")
	env := map[string]string{"SWITCHBOARD_SERVER": n.base, "SWITCHBOARD_TOKEN": f.Admin.Token}
	code, out, errOut := runCLI(t, env, "", "queues", "create", `{"name":"Billing","strategy":"most_skilled"}`)
	require.Equal(t, 0, code, errOut)
	var q struct{ ID, Strategy string }
	require.NoError(t, json.Unmarshal([]byte(out), &q))
	require.Equal(t, "most_skilled", q.Strategy)
	code, _, errOut = runCLI(t, env, "", "away-reasons", "create", `{"name":"Lunch"}`)
	require.Equal(t, 0, code, errOut)
	code, out, errOut = runCLI(t, env, `{"rules":[{"name":"VIP","when":"customer.tier == \"vip\"","queue_id":"`+q.ID+`"}]}`,
		"routing", "rules", "-")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"VIP"`)
	code, _, errOut = runCLI(t, env, "", "routing", "rules", `{"rules":[{"when":"customer.tier ==","queue_id":"`+q.ID+`"}]}`)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "validation_failed")
	code, out, errOut = runCLI(t, env, "", "agents", "presence", f.AgentID, "away", "Lunch")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"presence": "away"`)
	code, out, errOut = runCLI(t, env, "", "agents", "list")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, f.AgentID)
	code, out, errOut = runCLI(t, env, "", "queues", "stats", q.ID)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"waiting": 0`)
}

// TestCLICannedReplies manages canned replies from the command line; API
// refusals reach the admin with their codes.
func TestCLICannedReplies(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	f := n.tenant("CLI Canned")
	env := map[string]string{"SWITCHBOARD_SERVER": n.base, "SWITCHBOARD_TOKEN": f.Admin.Token}
	code, out, errOut := runCLI(t, env, "", "canned-replies", "create", `{"shortcut":"hello","title":"Greeting","body":"Hi {{customer.name}}"}`)
	require.Equal(t, 0, code, errOut)
	var hello struct{ ID, Shortcut string }
	require.NoError(t, json.Unmarshal([]byte(out), &hello))
	require.Equal(t, "hello", hello.Shortcut)
	code, _, errOut = runCLI(t, env, `{"shortcut":"bye","title":"Goodbye","body":"Have a great day!"}`, "canned-replies", "create", "-")
	require.Equal(t, 0, code, errOut)

	code, _, errOut = runCLI(t, env, "", "canned-replies", "create", `{"shortcut":"hello","title":"Again","body":"Hi"}`)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "shortcut_taken")
	code, _, errOut = runCLI(t, env, "", "canned-replies", "create", `{"shortcut":"oops","title":"Oops","body":"Hi {{name}}"}`)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "unknown_placeholder")
	require.Contains(t, errOut, "{{name}}")

	code, out, errOut = runCLI(t, env, "", "canned-replies", "update", hello.ID, `{"title":"Hello"}`)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"title": "Hello"`)
	code, out, errOut = runCLI(t, env, "", "canned-replies", "list", "--filter", "q=GREAT")
	require.Equal(t, 0, code, errOut)
	var found []struct{ Shortcut string }
	require.NoError(t, json.Unmarshal([]byte(out), &found))
	require.Equal(t, []struct{ Shortcut string }{{"bye"}}, found)

	code, _, errOut = runCLI(t, env, "", "canned-replies", "delete", hello.ID)
	require.Equal(t, 0, code, errOut)
	code, out, errOut = runCLI(t, env, "", "canned-replies", "list", "--all", "--limit", "1")
	require.Equal(t, 0, code, errOut)
	require.NoError(t, json.Unmarshal([]byte(out), &found))
	require.Equal(t, []struct{ Shortcut string }{{"bye"}}, found)
}

// TestCLISettingsAndHourly scripts a tenant's settings and reads the day's
// queue statistics by hour from the command line.
func TestCLISettingsAndHourly(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	f := n.tenant("CLI Settings")
	env := map[string]string{"SWITCHBOARD_SERVER": n.base, "SWITCHBOARD_TOKEN": f.Admin.Token}
	code, out, errOut := runCLI(t, env, "", "settings", "get")
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"default_locale": "en"`)
	code, out, errOut = runCLI(t, env, "", "settings", "set", "--default-locale", "zh-CN", "--auto-resolve-after-hours", "0",
		"--name", "CLI Settings Ltd")
	require.Equal(t, 0, code, errOut)
	var s struct {
		Name                  string `json:"name"`
		DefaultLocale         string `json:"default_locale"`
		AutoResolveAfterHours *int   `json:"auto_resolve_after_hours"`
	}
	require.NoError(t, json.Unmarshal([]byte(out), &s))
	require.Equal(t, "CLI Settings Ltd", s.Name)
	require.Equal(t, "zh-CN", s.DefaultLocale)
	require.NotNil(t, s.AutoResolveAfterHours)
	code, _, errOut = runCLI(t, env, "", "settings", "set", "--auto-resolve-after-hours", "9000")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "validation_failed")
	code, _, errOut = runCLI(t, env, "", "settings", "set")
	require.Equal(t, 1, code, "nothing to change")
	require.Contains(t, errOut, "usage")

	code, out, errOut = runCLI(t, env, "", "queues", "create", `{"name":"Web"}`)
	require.Equal(t, 0, code, errOut)
	var q struct{ ID string }
	require.NoError(t, json.Unmarshal([]byte(out), &q))
	code, out, errOut = runCLI(t, env, "", "queues", "hourly", "--date", "2025-03-09", q.ID)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"date": "2025-03-09"`)
	require.Contains(t, out, `"timezone": "UTC"`)
	require.Equal(t, 24, strings.Count(out, `"entered": 0`))
	code, _, errOut = runCLI(t, env, "", "queues", "hourly", "--date", "9 March")
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "invalid_date")
	code, out, errOut = runCLI(t, env, "", "queues", "stats", q.ID)
	require.Equal(t, 0, code, errOut)
	require.Contains(t, out, `"waiting": 0`, "the other queue commands still work")
}

// TestCLIShield scripts the number shield from the command line: an
// agent's extension, numbers, lists, rules and their tester, a dial code
// resolved as a PBX would, and a scan-to-call binding's QR code.
func TestCLIShield(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	f := n.tenant("CLI Shield")
	admin := map[string]string{"SWITCHBOARD_SERVER": n.base, "SWITCHBOARD_TOKEN": f.Admin.Token}
	run := func(env map[string]string, args ...string) string {
		t.Helper()
		code, out, errOut := runCLI(t, env, "", args...)
		require.Equal(t, 0, code, "%v: %s", args, errOut)
		return out
	}
	require.Contains(t, run(admin, "users", "update", f.AgentID, "--extension", "1001", "--level", "2"), `"extension": "1001"`)
	require.Contains(t, run(admin, "shield", "numbers", "create", "+8695555", "hotline"), `"purpose": "hotline"`)
	require.Contains(t, run(admin, "shield", "numbers", "create", "+861088880000", "local", "--area", "10"), `"area": "10"`)
	run(admin, "shield", "numbers", "create", "+8613900000001", "binding")
	require.Contains(t, run(admin, "shield", "numbers", "list"), "+861088880000")
	run(admin, "shield", "lists", "block", "add", "+86170")
	require.Contains(t, run(admin, "shield", "lists", "block", "list"), "+86170")
	run(admin, "shield", "rules", "create", `{"name":"Late","condition":"time.hour >= 22","outcome":"deny","reason":"too late"}`)
	require.Contains(t, run(admin, "shield", "rules", "test", `{"extension":"1001","number":"+8617012345678"}`), "block list")
	require.Contains(t, run(admin, "shield", "settings"), `"code_prefix": "8"`)
	require.Contains(t, run(admin, "shield", "settings", `{"code_ttl_seconds":300}`), `"code_ttl_seconds": 300`)

	var c struct{ ID string }
	require.NoError(t, f.Admin.Do(context.Background(), "POST", "/api/v1/customers",
		map[string]any{"name": "Cai", "phones": []string{"+8615912345678"}}, &c))
	agent := map[string]string{"SWITCHBOARD_SERVER": n.base, "SWITCHBOARD_TOKEN": f.Agent.Token}
	var dc struct{ Code string }
	require.NoError(t, json.Unmarshal([]byte(run(agent, "shield", "dial-code", c.ID)), &dc))
	out := run(admin, "shield", "resolve", "1001", dc.Code, "--call-id", "cli-1")
	require.Contains(t, out, `"action": "dial"`)
	require.Contains(t, out, `"caller_id": "+8695555"`)
	code, _, errOut := runCLI(t, agent, "", "shield", "resolve", "1001", dc.Code)
	require.Equal(t, 1, code)
	require.Contains(t, errOut, "forbidden", "agents cannot resolve")

	var b struct{ ID string }
	require.NoError(t, json.Unmarshal([]byte(run(admin, "shield", "bindings", "scan", "+8615088889999", "--expires-in", "600")), &b))
	require.Contains(t, run(admin, "shield", "bindings", "list", "--live"), b.ID)
	require.True(t, strings.HasPrefix(run(admin, "shield", "bindings", "qr", b.ID, "--format", "svg"), "<svg"))
	file := filepath.Join(t.TempDir(), "qr.png")
	run(admin, "shield", "bindings", "qr", b.ID, "--out", file)
	png, err := os.ReadFile(file)
	require.NoError(t, err)
	require.True(t, bytes.HasPrefix(png, []byte("\x89PNG")))
	require.Eventually(t, func() bool {
		return strings.Contains(run(admin, "shield", "decisions", "--customer", c.ID), "cli-1")
	}, 10*time.Second, 50*time.Millisecond)
}
