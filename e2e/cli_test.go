package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"

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
