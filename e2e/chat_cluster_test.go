package e2e_test

import (
	"os"
	"testing"
	"time"

	"github.com/nats-io/nats.go"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/config"
	"github.com/switchboardhq/switchboard/internal/store/storetest"
)

// externalNATS returns the test NATS server's URL, skipping (or failing in
// strict mode) when none answers.
func externalNATS(t testing.TB) string {
	t.Helper()
	u := os.Getenv("SWITCHBOARD_TEST_NATS_URL")
	if u == "" {
		u = "nats://127.0.0.1:4222"
	}
	nc, err := nats.Connect(u, nats.Timeout(2*time.Second))
	if err != nil {
		storetest.SkipOrFail(t, "NATS is not reachable at "+u+": "+err.Error())
	}
	nc.Close()
	return u
}

// startPair starts two nodes of one cluster: a PostgreSQL schema of their
// own and the test NATS server. mutate adjusts both nodes' configuration.
func startPair(t testing.TB, mutate ...func(*config.Config)) (a, b *node) {
	t.Helper()
	natsURL, dbURL := externalNATS(t), storetest.NewSchemaURL(t)
	mk := func() *node {
		return start(t, "postgres", append([]func(*config.Config){func(c *config.Config) { c.DBURL, c.NATSURL = dbURL, natsURL }},
			mutate...)...)
	}
	return mk(), mk()
}

// noRateLimit turns the request rate limit off, for tests that send many
// requests from one address.
func noRateLimit(c *config.Config) { c.RateLimit = "off" }

// TestWebChatAcrossNodes connects a visitor to node A and an agent to node
// B of one cluster (shared PostgreSQL and NATS) and exchanges messages both
// ways.
func TestWebChatAcrossNodes(t *testing.T) {
	t.Parallel()
	a, b := startPair(t)
	f := a.tenant("Cluster")
	ib := a.inbox(f, nil)
	agent := b.dialAgent(t, f.Admin.Token)

	s := a.session(t, ib.Key, nil)
	v, _, err := a.dialVisitor(t, ib.Key, s.VisitorToken, nil)
	require.NoError(t, err)
	v.next("hello")

	for i, text := range []string{"first from node A", "second from node A"} {
		ack := v.message(s.ConversationID, "cluster-v-"+string(rune('a'+i))+"xxxxxx", text)
		require.Equal(t, "ack", ack["type"], "%v", ack)
		got := agent.next("message")
		require.Equal(t, text, msgOf(got)["text"], "node B's agent receives node A's visitor")
		require.Equal(t, seqOf(ack), seqOf(got))
	}
	reply := agent.message(s.ConversationID, "cluster-agent-1", "reply from node B")
	require.Equal(t, "ack", reply["type"], "%v", reply)
	got := v.nextFrom("agent")
	require.Equal(t, "reply from node B", msgOf(got)["text"], "node A's visitor receives node B's agent")
	require.EqualValues(t, 3, seqOf(got))

	// The visitor moves to node B and resumes: nothing is lost.
	v2, _, err := b.dialVisitor(t, ib.Key, s.VisitorToken, nil)
	require.NoError(t, err)
	v2.next("hello")
	v2.send(map[string]any{"type": "resume", "conversation_id": s.ConversationID, "after_seq": 1})
	require.EqualValues(t, 2, seqOf(v2.next("message")))
	require.EqualValues(t, 3, seqOf(v2.next("message")))
	v2.next("resumed")
}

// TestPresenceAcrossNodes checks "agents online" for a visitor on node A
// when the only agent is connected to node B.
func TestPresenceAcrossNodes(t *testing.T) {
	t.Parallel()
	a, b := startPair(t, noRateLimit)
	f := a.tenant("Presence")
	ib := a.inbox(f, map[string]any{"member_ids": []string{f.AgentID}})
	require.False(t, a.session(t, ib.Key, nil).AgentsOnline)
	agent := b.dialAgent(t, f.Agent.Token)
	require.Eventually(t, func() bool { return a.session(t, ib.Key, nil).AgentsOnline }, 5*time.Second, 100*time.Millisecond,
		"node A learns that an agent is online on node B")
	require.NoError(t, agent.conn.CloseNow())
	require.Eventually(t, func() bool { return !a.session(t, ib.Key, nil).AgentsOnline }, 5*time.Second, 100*time.Millisecond,
		"and that they left")
}
