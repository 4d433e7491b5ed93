package e2e_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/coder/websocket"
	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/channel/webchat"
)

// TestWidgetIdentity checks identity verification: a valid HMAC follows the
// user across devices; a forged one is refused; an inbox can require one.
func TestWidgetIdentity(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		f := n.tenant("Identity")
		ib := n.inbox(f, nil)
		hash := webchat.IdentityHash(ib.IdentitySecret, "user-42")

		laptop := n.session(t, ib.Key, map[string]any{"identifier": "user-42", "identifier_hash": hash, "name": "Ana"})
		phone := n.session(t, ib.Key, map[string]any{"identifier": "user-42", "identifier_hash": strings.ToUpper(hash)})
		require.Equal(t, laptop.CustomerID, phone.CustomerID, "the same user on another device is the same customer")
		require.Equal(t, laptop.ConversationID, phone.ConversationID, "and continues the same conversation")
		require.NotEqual(t, laptop.VisitorToken, phone.VisitorToken)

		anon := n.session(t, ib.Key, nil)
		require.NotEqual(t, laptop.CustomerID, anon.CustomerID)
		again := n.session(t, ib.Key, map[string]any{"visitor_token": anon.VisitorToken})
		require.Equal(t, anon.CustomerID, again.CustomerID, "a returning anonymous visitor keeps their customer")
		require.Equal(t, anon.VisitorToken, again.VisitorToken)

		pub := n.client("")
		err := pub.Do(context.Background(), http.MethodPost, "/api/v1/widget/"+ib.Key+"/sessions",
			map[string]any{"identifier": "user-42", "identifier_hash": webchat.IdentityHash("guessed", "user-42")}, nil)
		apiError(t, err, 401, "identity_invalid")
		err = pub.Do(context.Background(), http.MethodPost, "/api/v1/widget/sbk_unknown/sessions", map[string]any{}, nil)
		apiError(t, err, 404, "not_found")

		strict := n.inbox(f, map[string]any{"settings": map[string]any{"identity_required": true}})
		err = pub.Do(context.Background(), http.MethodPost, "/api/v1/widget/"+strict.Key+"/sessions", map[string]any{}, nil)
		apiError(t, err, 401, "identity_invalid")

		_, res, err := n.dialVisitor(t, ib.Key, "sbv_forged", nil)
		require.Error(t, err)
		require.Equal(t, 401, res, "an unknown visitor token cannot open a socket")
		other := n.tenant("Other")
		theirs := n.inbox(other, nil)
		_, res, err = n.dialVisitor(t, theirs.Key, laptop.VisitorToken, nil)
		require.Error(t, err)
		require.Equal(t, 401, res, "a visitor token is not valid for another tenant's inbox")
	})
}

// TestWidgetOrigins checks an inbox's allowed origins.
func TestWidgetOrigins(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	f := n.tenant("Origins")
	ib := n.inbox(f, map[string]any{"settings": map[string]any{"allowed_origins": []string{"https://shop.example"}}})
	s := n.session(t, ib.Key, nil)
	_, res, err := n.dialVisitor(t, ib.Key, s.VisitorToken, http.Header{"Origin": {"https://evil.example"}})
	require.Error(t, err)
	require.Equal(t, 403, res)
	ok, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, http.Header{"Origin": {"https://shop.example"}})
	require.NoError(t, err)
	ok.next("hello")

	// A page on another site cannot use the widget API either, not even
	// with a "simple" request the browser sends without asking first.
	sessions := "/api/v1/widget/" + ib.Key + "/sessions"
	status, _, body := n.raw(http.MethodPost, sessions, "", `{}`, map[string]string{"Origin": "https://evil.example", "Content-Type": "text/plain"})
	require.Equal(t, 403, status)
	require.Contains(t, string(body), `"origin_rejected"`)
	status, hdr, body := n.raw(http.MethodPost, sessions, "", `{}`, map[string]string{"Origin": "https://shop.example", "Content-Type": "application/json"})
	require.Equal(t, 201, status, "%s", body)
	require.Equal(t, "https://shop.example", hdr.Get("Access-Control-Allow-Origin"))
	err = f.Admin.Do(context.Background(), http.MethodPost, "/api/v1/inboxes",
		map[string]any{"channel": "webchat", "name": "x", "settings": map[string]any{"allowed_origins": []string{"shop.example/path"}}}, nil)
	apiError(t, err, 422, "validation_failed")
}

// TestWidgetLimits checks the message size limit and per-visitor rate
// limiting with a retry hint.
func TestWidgetLimits(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	f := n.tenant("Limits")
	ib := n.inbox(f, map[string]any{"settings": map[string]any{"max_message_chars": 20, "visitor_messages_per_minute": 3}})
	s := n.session(t, ib.Key, nil)
	v, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
	require.NoError(t, err)
	v.next("hello")

	long := v.message(s.ConversationID, "limits-long-1", strings.Repeat("字", 21))
	require.Equal(t, "error", long["type"])
	require.Equal(t, "message_too_long", long["code"])
	bad := v.message(s.ConversationID, "short", "x")
	require.Equal(t, "validation_failed", bad["code"], "client_id must be 8–64 characters")

	var limited map[string]any
	for i := range 6 {
		f := v.message(s.ConversationID, "limits-msg-"+string(rune('a'+i)), "hello")
		if f["type"] == "error" {
			limited = f
			break
		}
	}
	require.NotNil(t, limited, "the visitor is limited")
	require.Equal(t, "rate_limited", limited["code"])
	require.Positive(t, limited["retry_after_ms"])

	v.send(map[string]any{"type": "bogus", "conversation_id": s.ConversationID})
	require.Equal(t, "validation_failed", v.next("error")["code"])
	v.send(map[string]any{"type": "typing", "typing": true})
	require.Equal(t, "validation_failed", v.next("error")["code"], "conversation_id is required")
	v.send(map[string]any{"type": "resume", "conversation_id": s.ConversationID, "after_seq": -1})
	require.Equal(t, "validation_failed", v.next("error")["code"], "after_seq must not be negative")
	require.NoError(t, v.conn.Write(context.Background(), 1, []byte("not json")))
	require.Equal(t, "invalid_json", v.next("error")["code"])
}

// TestAgentVisibility checks who receives what: agents see their own and
// their inboxes' unassigned conversations; membership changes apply live.
func TestAgentVisibility(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	f := n.tenant("Visibility")
	ctx := context.Background()
	ib := n.inbox(f, nil)
	agent := n.dialAgent(t, f.Agent.Token)
	sup := n.dialAgent(t, f.Supervisor.Token)

	s := n.session(t, ib.Key, nil)
	v, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
	require.NoError(t, err)
	v.next("hello")
	v.message(s.ConversationID, "visibility-1", "anyone there?")
	require.EqualValues(t, 1, seqOf(sup.next("message")), "supervisors see everything")
	agent.none("message", 300*time.Millisecond)
	err = f.Agent.Do(ctx, http.MethodGet, "/api/v1/conversations/"+s.ConversationID, nil, nil)
	apiError(t, err, 404, "not_found")

	var upd inboxJSON
	require.NoError(t, f.Admin.Do(ctx, http.MethodPatch, "/api/v1/inboxes/"+ib.ID, map[string]any{"member_ids": []string{f.AgentID}}, &upd))
	require.Eventually(t, func() bool {
		return f.Agent.Do(ctx, http.MethodGet, "/api/v1/conversations/"+s.ConversationID, nil, nil) == nil
	}, 2*time.Second, 20*time.Millisecond)
	// The membership change reaches the open socket through the bus; keep
	// writing until the agent's socket has caught up.
	received := false
	for i := 0; i < 20 && !received; i++ {
		v.message(s.ConversationID, fmt.Sprintf("visibility-2-%02d", i), "hello?")
		select {
		case m := <-agent.frames:
			received = m["type"] == "message"
		case <-time.After(250 * time.Millisecond):
		}
	}
	require.True(t, received, "a new inbox member receives its unassigned conversations without reconnecting")

	require.NoError(t, f.Admin.Do(ctx, http.MethodPost, "/api/v1/conversations/"+s.ConversationID+"/assignment",
		map[string]any{"assignee_id": f.SupID}, nil))
	last := v.message(s.ConversationID, "visibility-3", "still there?")
	for {
		m := agent.nextOf("message", "conversation")
		if m["type"] == "message" && msgOf(m)["text"] == "still there?" {
			t.Fatalf("an agent must not receive a conversation assigned to someone else: %v", m)
		}
		if m["type"] == "conversation" {
			break // the assignment notice itself is shown
		}
	}
	agent.none("message", 300*time.Millisecond)
	err = f.Agent.Do(ctx, http.MethodPost, "/api/v1/conversations/"+s.ConversationID+"/messages",
		map[string]any{"text": "mine now", "client_id": "visibility-agent-1"}, nil)
	apiError(t, err, 404, "not_found")
	agent.send(map[string]any{"type": "message", "conversation_id": s.ConversationID, "client_id": "visibility-agent-2", "text": "mine now"})
	require.Equal(t, "not_found", agent.next("error")["code"], "nor over the socket")
	var msgs struct {
		Data []map[string]any `json:"data"`
	}
	require.NoError(t, f.Admin.Do(ctx, http.MethodGet, "/api/v1/conversations/"+s.ConversationID+"/messages?limit=500", nil, &msgs))
	for _, m := range msgs.Data {
		require.NotEqual(t, "mine now", m["text"], "a refused reply left nothing")
	}

	// Typing and read notices follow the current assignee, although the
	// visitor's socket saw the conversation unassigned.
	typing := map[string]any{"type": "typing", "conversation_id": s.ConversationID, "typing": true}
	v.send(typing)
	require.Equal(t, true, sup.next("typing")["typing"])
	agent.none("typing", 300*time.Millisecond)
	require.NoError(t, f.Admin.Do(ctx, http.MethodPost, "/api/v1/conversations/"+s.ConversationID+"/assignment",
		map[string]any{"assignee_id": f.AgentID}, nil))
	agent.next("conversation")
	v.send(typing)
	require.Equal(t, "visitor", agent.next("typing")["sender_type"], "the new assignee hears the visitor typing")
	read := map[string]any{"type": "read", "conversation_id": s.ConversationID, "seq": last["seq"]}
	v.send(read)
	require.Equal(t, last["seq"], agent.next("read")["seq"])
	v.send(read)
	agent.none("read", 300*time.Millisecond) // the position did not move: nothing to tell
}

// TestFrameBudget floods a visitor socket with frames other than messages:
// past the budget they are refused with rate_limited, and messages still go
// through.
func TestFrameBudget(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	f := n.tenant("Budget")
	ib := n.inbox(f, nil)
	s := n.session(t, ib.Key, nil)
	v, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
	require.NoError(t, err)
	v.next("hello")
	for range 150 {
		v.send(map[string]any{"type": "typing", "conversation_id": s.ConversationID, "typing": true})
	}
	limited := v.next("error")
	require.Equal(t, "rate_limited", limited["code"])
	require.Positive(t, limited["retry_after_ms"])
	require.Equal(t, "ack", v.message(s.ConversationID, "budget-0001", "still here")["type"])

	v.send(map[string]any{"type": "message", "conversation_id": s.ConversationID, "client_id": "budget-0002",
		"text": strings.Repeat("x", 256<<10)})
	for range v.frames {
		// drain until the server closes
	}
	require.Equal(t, websocket.StatusMessageTooBig, websocket.CloseStatus(<-v.closed), "a frame over 256 KiB closes the socket")
}

// TestStatusAndReopen checks status changes reach the visitor as system
// messages and that a visitor writing to a resolved conversation reopens it.
func TestStatusAndReopen(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		f := n.tenant("Status")
		ctx := context.Background()
		ib := n.inbox(f, nil)
		s := n.session(t, ib.Key, nil)
		v, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
		require.NoError(t, err)
		v.next("hello")
		v.message(s.ConversationID, "status-0001", "my order is late")

		path := "/api/v1/conversations/" + s.ConversationID + "/status"
		var c map[string]any
		require.NoError(t, f.Admin.Do(ctx, http.MethodPost, path, map[string]any{"status": "resolved"}, &c))
		require.Equal(t, "resolved", c["status"])
		sys := v.nextFrom("system")
		require.Equal(t, "resolved", msgOf(sys)["event"].(map[string]any)["to"])

		err = f.Admin.Do(ctx, http.MethodPost, path, map[string]any{"status": "snoozed"}, nil)
		apiError(t, err, 422, "validation_failed")
		past := time.Now().Add(-time.Minute)
		err = f.Admin.Do(ctx, http.MethodPost, path, map[string]any{"status": "snoozed", "until": past}, nil)
		apiError(t, err, 422, "validation_failed")

		ack := v.message(s.ConversationID, "status-0002", "still late!")
		require.EqualValues(t, 4, seqOf(ack), "the reopening system message takes seq 3")
		reopened := v.nextFrom("system")
		require.Equal(t, "open", msgOf(reopened)["event"].(map[string]any)["to"])
		require.NoError(t, f.Admin.Do(ctx, http.MethodGet, "/api/v1/conversations/"+s.ConversationID, nil, &c))
		require.Equal(t, "open", c["status"])

		next := n.session(t, ib.Key, map[string]any{"visitor_token": s.VisitorToken})
		require.Equal(t, s.ConversationID, next.ConversationID, "an open conversation continues")
		require.NoError(t, f.Admin.Do(ctx, http.MethodPost, path, map[string]any{"status": "resolved"}, nil))
		fresh := n.session(t, ib.Key, map[string]any{"visitor_token": s.VisitorToken})
		require.NotEqual(t, s.ConversationID, fresh.ConversationID, "after resolution a new session opens a new conversation")
		require.Equal(t, s.CustomerID, fresh.CustomerID)
	})
}

// TestSnoozeWakes snoozes a conversation briefly and waits for it to
// reopen by itself, with a system message the visitor sees.
func TestSnoozeWakes(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		f := n.tenant("Snooze")
		ctx := context.Background()
		ib := n.inbox(f, nil)
		s := n.session(t, ib.Key, nil)
		v, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
		require.NoError(t, err)
		v.next("hello")
		v.message(s.ConversationID, "snooze-0001", "call me back")
		until := time.Now().Add(1500 * time.Millisecond)
		var c map[string]any
		path := "/api/v1/conversations/" + s.ConversationID
		require.NoError(t, f.Admin.Do(ctx, http.MethodPost, path+"/status", map[string]any{"status": "snoozed", "until": until}, &c))
		require.Equal(t, "snoozed", c["status"])
		require.NotEmpty(t, c["snoozed_until"])
		require.Equal(t, "snoozed", msgOf(v.nextFrom("system"))["event"].(map[string]any)["to"])
		woke := v.nextFrom("system")
		require.Equal(t, "open", msgOf(woke)["event"].(map[string]any)["to"])
		var after map[string]any
		require.NoError(t, f.Admin.Do(ctx, http.MethodGet, path, nil, &after))
		require.Equal(t, "open", after["status"])
		require.Nil(t, after["snoozed_until"])
	})
}

// TestWidgetCORS checks the widget API can be called from the sites that
// embed it, and only from those when the inbox restricts origins.
func TestWidgetCORS(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	f := n.tenant("CORS")
	open := n.inbox(f, nil)
	shop := n.inbox(f, map[string]any{"settings": map[string]any{"allowed_origins": []string{"https://shop.example"}}})
	pre := map[string]string{"Origin": "https://shop.example", "Access-Control-Request-Method": "POST",
		"Access-Control-Request-Headers": "content-type,x-visitor-token"}

	status, hdr, _ := n.raw("OPTIONS", "/api/v1/widget/"+shop.Key+"/sessions", "", "", pre)
	require.Equal(t, 204, status)
	require.Equal(t, "https://shop.example", hdr.Get("Access-Control-Allow-Origin"))
	require.Contains(t, hdr.Get("Access-Control-Allow-Headers"), "X-Visitor-Token")
	require.Empty(t, hdr.Get("Access-Control-Allow-Credentials"), "no cookies cross origin")
	status, hdr, _ = n.raw("POST", "/api/v1/widget/"+shop.Key+"/sessions", "", "{}", map[string]string{"Origin": "https://shop.example"})
	require.Equal(t, 201, status)
	require.Equal(t, "https://shop.example", hdr.Get("Access-Control-Allow-Origin"))

	evil := map[string]string{"Origin": "https://evil.example", "Access-Control-Request-Method": "POST"}
	status, hdr, _ = n.raw("OPTIONS", "/api/v1/widget/"+shop.Key+"/sessions", "", "", evil)
	require.Equal(t, 403, status)
	require.Empty(t, hdr.Get("Access-Control-Allow-Origin"))
	status, hdr, _ = n.raw("OPTIONS", "/api/v1/widget/"+open.Key+"/attachments", "", "", evil)
	require.Equal(t, 204, status, "an inbox without allowed origins accepts any site")
	require.Equal(t, "https://evil.example", hdr.Get("Access-Control-Allow-Origin"))
	_, hdr, _ = n.raw("OPTIONS", "/api/v1/users", "", "", evil)
	require.Empty(t, hdr.Get("Access-Control-Allow-Origin"), "the agent API is never cross-origin")
}

// TestConversationPagingAndAssignment pages messages with next_cursor and
// checks that an assignment update keeps the fields it does not name.
func TestConversationPagingAndAssignment(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	f := n.tenant("Paging")
	ctx := context.Background()
	ib := n.inbox(f, nil)
	conv := n.session(t, ib.Key, nil).ConversationID
	for i := range 7 {
		var m map[string]any
		require.NoError(t, f.Supervisor.Do(ctx, http.MethodPost, "/api/v1/conversations/"+conv+"/messages",
			map[string]any{"text": fmt.Sprint(i), "client_id": fmt.Sprintf("paging-%04d", i)}, &m))
		require.Equal(t, "supervisor", m["sender_name"], "the sender's display name")
	}
	var seqs []float64
	path := "/api/v1/conversations/" + conv + "/messages?limit=3"
	for {
		var page struct {
			Data []struct {
				Seq float64 `json:"seq"`
			} `json:"data"`
			NextCursor *string `json:"next_cursor"`
		}
		require.NoError(t, f.Admin.Do(ctx, http.MethodGet, path, nil, &page))
		for _, m := range page.Data {
			seqs = append(seqs, m.Seq)
		}
		if page.NextCursor == nil {
			break
		}
		path = "/api/v1/conversations/" + conv + "/messages?limit=3&cursor=" + *page.NextCursor
	}
	require.Equal(t, []float64{1, 2, 3, 4, 5, 6, 7}, seqs)
	var full struct {
		Data       []map[string]any `json:"data"`
		NextCursor *string          `json:"next_cursor"`
	}
	require.NoError(t, f.Admin.Do(ctx, http.MethodGet, "/api/v1/conversations/"+conv+"/messages?limit=7", nil, &full))
	require.Len(t, full.Data, 7)
	require.Nil(t, full.NextCursor, "an exactly full last page has no next page")
	status, _, body := n.raw(http.MethodGet, "/api/v1/conversations/"+conv+"/messages?cursor=bm9wZQ", f.Admin.Token, "", nil)
	require.Equal(t, 400, status)
	require.Contains(t, string(body), `"invalid_cursor"`)

	team, err := f.Admin.CreateTeam(ctx, map[string]any{"name": "Tier 2"})
	require.NoError(t, err)
	var c map[string]any
	base := "/api/v1/conversations/" + conv + "/assignment"
	require.NoError(t, f.Admin.Do(ctx, http.MethodPost, base, map[string]any{"assignee_id": f.AgentID}, &c))
	require.NoError(t, f.Admin.Do(ctx, http.MethodPost, base, map[string]any{"team_id": team.ID}, &c))
	require.Equal(t, f.AgentID, c["assignee_id"], "naming only the team keeps the assignee")
	require.Equal(t, team.ID, c["team_id"])
	var cleared map[string]any
	require.NoError(t, f.Admin.Do(ctx, http.MethodPost, base, map[string]any{"assignee_id": nil}, &cleared))
	require.Nil(t, cleared["assignee_id"], "null clears")
	require.Equal(t, team.ID, cleared["team_id"])
}
