package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestCrashLosesNoAcknowledgedMessage loads a real server with visitor
// messages, kills it with SIGKILL mid-load, restarts it on the same data,
// and checks that every acknowledged message is there with the seq its ack
// named, and that every conversation's seqs run 1..N without gaps.
func TestCrashLosesNoAcknowledgedMessage(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("starts and kills the real binary")
	}
	engines(t, func(t *testing.T, engine string) {
		dir := t.TempDir()
		env := []string{"SWITCHBOARD_RATE_LIMIT=off"}
		if engine == "postgres" {
			env = append(env, "SWITCHBOARD_DB_URL="+dbURL(t, engine))
		}
		first := startProcess(t, env, "--demo", "--data", dir)
		n := first.node()
		admin := n.login("admin@demo.example", "switchboard-demo")
		var ib inboxJSON
		require.NoError(t, admin.Do(context.Background(), http.MethodPost, "/api/v1/inboxes", map[string]any{"channel": "webchat", "name": "Crash"}, &ib))

		const visitors = 20
		type acked struct {
			conv string
			seq  int64
		}
		var mu sync.Mutex
		acks := map[string]acked{} // client_id → what its ack promised
		var wg sync.WaitGroup
		stop := make(chan struct{})
		for v := range visitors {
			s := n.session(t, ib.Key, nil)
			ws, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
			require.NoError(t, err)
			ws.next("hello")
			wg.Add(1)
			go func() {
				defer wg.Done()
				for i := 0; ; i++ {
					select {
					case <-stop:
						return
					default:
					}
					id := fmt.Sprintf("crash-%02d-%06d", v, i)
					if ws.conn.Write(context.Background(), 1, []byte(fmt.Sprintf(
						`{"type":"message","conversation_id":%q,"client_id":%q,"text":"m%d"}`, s.ConversationID, id, i))) != nil {
						return
					}
					f, ok := <-ws.frames
					if !ok {
						return // the server died: this message was not acknowledged
					}
					if f["type"] == "ack" {
						mu.Lock()
						acks[f["client_id"].(string)] = acked{conv: s.ConversationID, seq: seqOf(f)}
						mu.Unlock()
					}
				}
			}()
		}
		time.Sleep(1500 * time.Millisecond) // let the load run
		first.kill()
		close(stop)
		wg.Wait()
		mu.Lock()
		defer mu.Unlock()
		require.Greater(t, len(acks), 100, "the load produced acknowledged messages before the kill")

		second := startProcess(t, env, "--data", dir)
		admin = second.node().login("admin@demo.example", "switchboard-demo")
		stored := map[string]acked{}
		convs := map[string]bool{}
		for _, a := range acks {
			convs[a.conv] = true
		}
		for conv := range convs {
			var after int64
			for {
				var page struct {
					Data []struct {
						Seq      int64  `json:"seq"`
						ClientID string `json:"client_id"`
					} `json:"data"`
				}
				path := fmt.Sprintf("/api/v1/conversations/%s/messages?after_seq=%d&limit=500", conv, after)
				require.NoError(t, admin.Do(context.Background(), http.MethodGet, path, nil, &page))
				for _, m := range page.Data {
					require.Equal(t, after+1, m.Seq, "conversation %s: seqs are contiguous after the crash", conv)
					after = m.Seq
					stored[m.ClientID] = acked{conv: conv, seq: m.Seq}
				}
				if len(page.Data) < 500 {
					break
				}
			}
		}
		for id, a := range acks {
			got, ok := stored[id]
			require.True(t, ok, "acknowledged message %s was lost in the crash", id)
			require.Equal(t, a, got, "message %s kept the seq its ack named", id)
		}
		t.Logf("%s: %d acknowledged messages in %d conversations all survived SIGKILL", engine, len(acks), len(convs))
	})
}
