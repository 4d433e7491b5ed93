package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/store/storetest"
)

// perfConversations is how many conversations the list must scroll
// through smoothly (issue 5), and perfMessages how long the conversation
// that is switched to is.
const (
	perfConversations = 5000
	perfMessages      = 500
)

// TestBrowserPerformance measures the web app's budgets in Chromium
// (e2e/browser/perf.bench.mjs) against a tenant with 5,000 conversations,
// one of them 500 messages long: the JavaScript of the workspace's first
// load (compressed, asserted ≤ 300 KB: it does not depend on the
// machine), the time a conversation switch takes to show its messages,
// and frame times while scrolling the list. The timings are reported, not
// asserted; docs/benchmarks.md records them.
func TestBrowserPerformance(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts a browser")
	}
	nodeBin := browserPrereqs(t)
	n := start(t, "sqlite", noRateLimit)
	f := n.tenant("Browser performance")
	ctx := context.Background()
	var inbox struct {
		ID  string `json:"id"`
		Key string `json:"key"`
	}
	require.NoError(t, f.Admin.Do(ctx, http.MethodPost, "/api/v1/inboxes", map[string]any{
		"channel": "webchat", "name": "Performance"}, &inbox))

	started := time.Now()
	long := seedConversations(t, n.base, inbox.Key, perfConversations)
	for i := 1; i < perfMessages; i++ {
		require.NoError(t, f.Admin.Do(ctx, http.MethodPost, "/api/v1/conversations/"+long+"/messages",
			map[string]any{"text": fmt.Sprintf("Reply %d of a long conversation", i), "client_id": fmt.Sprintf("perf-long-%06d", i)}, nil))
	}
	t.Logf("seeded %d conversations and %d messages in %s", perfConversations, perfMessages, time.Since(started).Round(time.Millisecond))

	artifacts := browserArtifacts(t)
	runBrowser(t, nodeBin, "e2e/browser/perf.bench.mjs", artifacts,
		"SB_BASE_URL="+n.base, "SB_ARTIFACTS="+artifacts, "SB_CHROMIUM="+chromiumPath,
		"SB_ADMIN_EMAIL="+f.Emails["admin"], "SB_AGENT_PASSWORD="+testPassword,
		"SB_LONG_CONVERSATION="+long, fmt.Sprintf("SB_CONVERSATIONS=%d", perfConversations),
		// The harness needs these; the benchmark does not use them.
		"SB_INBOX_KEY="+inbox.Key, "SB_AGENT_EMAIL="+f.Emails["admin"])
}

// seedConversations starts count conversations in the inbox, each with one
// visitor message, and returns the first one's ID.
func seedConversations(t *testing.T, base, key string, count int) string {
	t.Helper()
	ids := make([]string, count)
	jobs := make(chan int)
	var wg sync.WaitGroup
	var mu sync.Mutex
	var firstErr error
	for range 16 {
		wg.Go(func() {
			for i := range jobs {
				id, err := startVisitorConversation(base, key, fmt.Sprintf("Question %d", i))
				if err != nil {
					mu.Lock()
					firstErr = cmpErr(firstErr, err)
					mu.Unlock()
					continue
				}
				ids[i] = id
			}
		})
	}
	for i := range count {
		jobs <- i
	}
	close(jobs)
	wg.Wait()
	require.NoError(t, firstErr)
	return ids[0]
}

func cmpErr(have, err error) error {
	if have != nil {
		return have
	}
	return err
}

// startVisitorConversation opens a widget session, sends text on the
// visitor socket and returns once it is acked.
func startVisitorConversation(base, key, text string) (string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, base+"/api/v1/widget/"+key+"/sessions", bytes.NewReader([]byte("{}")))
	if err != nil {
		return "", err
	}
	req.Header.Set("Content-Type", "application/json")
	res, err := http.DefaultClient.Do(req)
	if err != nil {
		return "", err
	}
	defer res.Body.Close()
	var s sessionJSON
	if res.StatusCode >= 300 {
		return "", fmt.Errorf("session: status %d", res.StatusCode)
	}
	if err := json.NewDecoder(res.Body).Decode(&s); err != nil {
		return "", fmt.Errorf("session: %w", err)
	}
	u := strings.Replace(base, "http://", "ws://", 1) + "/ws/visitor?key=" + key + "&visitor_token=" + s.VisitorToken
	conn, wres, err := websocket.Dial(ctx, u, nil)
	if wres != nil && wres.Body != nil {
		_ = wres.Body.Close()
	}
	if err != nil {
		return "", err
	}
	defer func() { _ = conn.Close(websocket.StatusNormalClosure, "") }()
	frame, _ := json.Marshal(map[string]any{"type": "message", "client_id": "perf-" + s.ConversationID[len(s.ConversationID)-12:],
		"conversation_id": s.ConversationID, "text": text})
	if err := conn.Write(ctx, websocket.MessageText, frame); err != nil {
		return "", err
	}
	for {
		_, data, err := conn.Read(ctx)
		if err != nil {
			return "", err
		}
		var f struct{ Type string }
		if json.Unmarshal(data, &f) == nil && f.Type == "ack" {
			return s.ConversationID, nil
		}
		if f.Type == "error" {
			return "", fmt.Errorf("refused: %s", data)
		}
	}
}

// browserArtifacts returns where screenshots go.
func browserArtifacts(t *testing.T) string {
	t.Helper()
	dir := t.TempDir()
	if root := os.Getenv("SWITCHBOARD_TEST_ARTIFACTS"); root != "" {
		dir = filepath.Join(root, "browser")
		require.NoError(t, os.MkdirAll(dir, 0o755))
	}
	return dir
}

// browserPrereqs returns node, or skips (fails when strict) without
// Chromium, node or playwright-core.
func browserPrereqs(t *testing.T) string {
	t.Helper()
	if _, err := os.Stat(chromiumPath); err != nil {
		storetest.SkipOrFail(t, "no Chromium at "+chromiumPath+" (run .ci/browser-setup.sh)")
	}
	nodeBin, err := exec.LookPath("node")
	if err != nil {
		storetest.SkipOrFail(t, "no node on PATH (run .ci/browser-setup.sh)")
	}
	if _, err := os.Stat(filepath.Join("browser", "node_modules", "playwright-core", "package.json")); err != nil {
		storetest.SkipOrFail(t, "e2e/browser/node_modules/playwright-core is missing (run .ci/browser-setup.sh)")
	}
	return nodeBin
}
