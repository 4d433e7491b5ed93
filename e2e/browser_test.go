package e2e_test

import (
	"bufio"
	"context"
	"io"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// chromiumPath is Debian's Chromium, installed by .ci/browser-setup.sh.
const chromiumPath = "/usr/bin/chromium"

// TestBrowserWidget runs the real-browser tests in e2e/browser (node --test
// with playwright-core driving headless Chromium) against an in-process node:
// a visitor on the demo page and an agent on the REST API talk to each other,
// a reload keeps history and identity, zh-CN browsers get Chinese, and markup
// is shown as text. Screenshots go to $SWITCHBOARD_TEST_ARTIFACTS/browser
// when that is set, else to a temporary directory.
func TestBrowserWidget(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a browser")
	}
	nodeBin := browserPrereqs(t)
	n := start(t, "sqlite")
	f := n.tenant("Browser")
	ctx := context.Background()
	// The agent is a member of the inbox, so the inbox's unassigned
	// conversations are in their list. The pre-chat form is on, so the
	// tests fill it in.
	var inbox struct {
		ID  string `json:"id"`
		Key string `json:"key"`
	}
	require.NoError(t, f.Admin.Do(ctx, http.MethodPost, "/api/v1/inboxes", map[string]any{
		"channel": "webchat", "name": "Browser test",
		"member_ids": []string{f.AgentID},
		"settings": map[string]any{
			"greeting": "Hello! How can we help?",
			"prechat":  map[string]any{"enabled": true, "fields": []string{"name", "email"}},
		},
	}, &inbox))
	require.NotEmpty(t, inbox.Key)

	// A second inbox routes to a queue that nobody serves, so its visitors
	// wait in line and are offered to leave a message (queue.test.mjs).
	queue, err := f.Admin.CreateQueue(ctx, map[string]any{"name": "Browser queue", "alternatives_after_seconds": 60})
	require.NoError(t, err)
	var queued struct {
		Key string `json:"key"`
	}
	require.NoError(t, f.Admin.Do(ctx, http.MethodPost, "/api/v1/inboxes", map[string]any{
		"channel": "webchat", "name": "Browser queue test", "default_queue_id": queue.ID,
	}, &queued))

	// A third inbox routes to a queue the agent serves once available: the
	// app's workspace test takes its chats (app-workspace.test.mjs).
	appQueue, err := f.Admin.CreateQueue(ctx, map[string]any{"name": "Browser app queue"})
	require.NoError(t, err)
	var routed struct {
		Key string `json:"key"`
	}
	require.NoError(t, f.Admin.Do(ctx, http.MethodPost, "/api/v1/inboxes", map[string]any{
		"channel": "webchat", "name": "Browser app test", "default_queue_id": appQueue.ID, "member_ids": []string{f.AgentID},
	}, &routed))

	// The agent is a junior (level 1) at extension 1001, for the shield tester.
	require.NoError(t, f.Admin.Do(ctx, http.MethodPatch, "/api/v1/users/"+f.AgentID, map[string]any{"extension": "1001"}, nil))

	// A canned reply the workspace test inserts with "/gre".
	require.NoError(t, f.Admin.Do(ctx, http.MethodPost, "/api/v1/canned-replies", map[string]any{
		"shortcut": "greet", "title": "Greeting", "body": "Hello {{customer.name}}, this is {{agent.first_name}}.",
	}, nil))

	artifacts := browserArtifacts(t)
	runBrowser(t, nodeBin, "e2e/browser/", artifacts,
		"SB_BASE_URL="+n.base,
		"SB_INBOX_KEY="+inbox.Key,
		"SB_INBOX_ID="+inbox.ID,
		"SB_QUEUE_INBOX_KEY="+queued.Key,
		"SB_ROUTED_INBOX_KEY="+routed.Key,
		"SB_SUPERVISOR_EMAIL="+f.Emails["supervisor"],
		"SB_ADMIN_EMAIL="+f.Emails["admin"],
		"SB_AGENT_EMAIL="+f.Emails["agent"],
		"SB_AGENT_PASSWORD="+testPassword,
		"SB_ARTIFACTS="+artifacts,
		"SB_CHROMIUM="+chromiumPath,
	)
}

// runBrowser runs node --test on what (tests under e2e/browser) from the
// module root with env added, logging its output, and fails the test if it
// fails.
func runBrowser(t *testing.T, nodeBin, what, artifacts string, env ...string) {
	t.Helper()
	t.Logf("screenshots in %s", artifacts)
	// A bound against a hung browser, not a speed check: on a busy 2-core
	// machine running the rest of the suite alongside, the whole set has
	// taken over four minutes.
	runCtx, cancel := context.WithTimeout(context.Background(), 8*time.Minute)
	defer cancel()
	args := []string{"--test", "--test-concurrency=1"}
	if only := os.Getenv("SWITCHBOARD_TEST_BROWSER_ONLY"); only != "" {
		args = append(args, "--test-name-pattern="+only) // a developer's shortcut; CI runs them all
	}
	cmd := exec.CommandContext(runCtx, nodeBin, append(args, what)...)
	cmd.Dir = ".." // the module root
	cmd.Env = append(os.Environ(), env...)
	pr, pw := io.Pipe()
	cmd.Stdout, cmd.Stderr = pw, pw
	var wg sync.WaitGroup
	wg.Add(1)
	go func() {
		defer wg.Done()
		sc := bufio.NewScanner(pr)
		sc.Buffer(make([]byte, 64*1024), 1024*1024)
		for sc.Scan() {
			t.Log(sc.Text())
		}
		_, _ = io.Copy(io.Discard, pr) // a line over the buffer: keep the writer unblocked
	}()
	cmd.WaitDelay = 10 * time.Second // a browser left behind must not hold the output pipe open
	runErr := cmd.Start()
	if runErr == nil {
		runErr = cmd.Wait()
	}
	_ = pw.Close()
	wg.Wait()
	require.NoError(t, runErr, "node --test %s failed; see the log above and the screenshots in %s", what, artifacts)
}
