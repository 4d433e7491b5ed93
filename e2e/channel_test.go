package e2e_test

import (
	"context"
	"net/http"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/channel"
	"github.com/switchboardhq/switchboard/internal/channel/channeltest"
	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/customer"
)

// TestWebchatConformance runs the channel conformance suite on web chat:
// the customer is a visitor socket, the agent answers through the REST API.
func TestWebchatConformance(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	f := n.tenant("Conformance")
	ib := n.inbox(f, nil)
	channeltest.Run(t, func(t *testing.T) *channeltest.Rig {
		s := n.session(t, ib.Key, nil)
		v, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
		require.NoError(t, err)
		v.next("hello")
		received := make(chan string, 100)
		acks := make(chan map[string]any, 100)
		go func() {
			for fr := range v.frames {
				switch fr["type"] {
				case "message":
					if msgOf(fr)["sender_type"] == "agent" {
						received <- msgOf(fr)["text"].(string)
					}
				case "ack", "error":
					acks <- fr
				}
			}
		}()
		return &channeltest.Rig{
			Inject: func(ctx context.Context, ext, text string) error {
				v.send(map[string]any{"type": "message", "conversation_id": s.ConversationID, "client_id": ext, "text": text})
				select {
				case a := <-acks:
					if a["type"] != "ack" {
						t.Errorf("inject refused: %v", a)
					}
				case <-time.After(5 * time.Second):
					t.Error("no ack")
				}
				return nil
			},
			Customer: received,
			Reply: func(ctx context.Context, clientID, text string) error {
				return f.Admin.Do(ctx, http.MethodPost, "/api/v1/conversations/"+s.ConversationID+"/messages",
					map[string]any{"text": text, "client_id": clientID}, nil)
			},
			Stored: func(ctx context.Context) ([]*conversation.Message, error) {
				var page struct {
					Data []*conversation.Message `json:"data"`
				}
				err := f.Admin.Do(ctx, http.MethodGet, "/api/v1/conversations/"+s.ConversationID+"/messages?limit=500", nil, &page)
				return page.Data, err
			},
		}
	})
}

// TestIngest checks the Receiver that identity-based channels (SMS, email,
// WeChat) use: a new identity becomes a customer with an open
// conversation; a repeated provider ID is stored once.
func TestIngest(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		f := n.tenant("Ingest")
		ib := n.inbox(f, nil)
		ctx := context.Background()
		from := customer.Identity{Kind: "phone", Value: "+8613800138000"}
		in := &channel.Inbound{TenantID: f.ID, InboxID: ib.ID, Channel: "webchat", From: from, ExternalID: "SM0001", Text: "hello by sms",
			Profile: customer.Customer{Name: "Wang"}}
		first, err := n.app.Ingest.Receive(ctx, in)
		require.NoError(t, err)
		require.False(t, first.Duplicate)
		require.EqualValues(t, 1, first.Message.Seq)
		again, err := n.app.Ingest.Receive(ctx, in)
		require.NoError(t, err)
		require.True(t, again.Duplicate, "a provider's retried webhook is stored once")
		require.Equal(t, first.Message.ID, again.Message.ID)
		in2 := *in
		in2.ExternalID, in2.Text = "SM0002", "second"
		second, err := n.app.Ingest.Receive(ctx, &in2)
		require.NoError(t, err)
		require.Equal(t, first.ConversationID, second.ConversationID, "the same sender continues the conversation")
		require.EqualValues(t, 2, second.Message.Seq)

		_, err = n.app.Ingest.Receive(ctx, &channel.Inbound{TenantID: f.ID, InboxID: ib.ID, From: from, Text: "no id"})
		require.Error(t, err)
		var c map[string]any
		require.NoError(t, f.Admin.Do(ctx, http.MethodGet, "/api/v1/conversations/"+first.ConversationID, nil, &c))
		require.Equal(t, ib.ID, c["inbox_id"])
	})
}
