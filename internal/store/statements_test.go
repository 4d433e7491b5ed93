package store_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/store"
	"github.com/switchboardhq/switchboard/internal/store/storetest"
)

// TestInboundMessageStatements holds the SQL budget of an inbound message:
// at most 6 statements (issue target for PostgreSQL), in one transaction.
// The write path is conversation read, seq bump, message insert and outbox
// insert; a duplicate client ID is caught by the unique index.
func TestInboundMessageStatements(t *testing.T) {
	t.Parallel()
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			db := storetest.Count(e.Open(t))
			b := storetest.NewBundle(t, db)
			svc := conversation.NewService(conversation.Config{Conversations: b.Stores.Conversations,
				InTx: store.InTxAs(b.Stores, func(tx *store.Tx) conversation.Tx { return tx }),
				Now:  func() time.Time { return time.Now().UTC() }, NewID: storetest.NewID})
			c := b.Conversation(t, b.Inbox(t, b.A))
			send := func(clientID string) *conversation.Sent {
				s, err := svc.Send(context.Background(), &conversation.SendParams{TenantID: c.TenantID, ConversationID: c.ID,
					ClientID: clientID, Text: "hello", Sender: conversation.Sender{Type: conversation.SenderVisitor, ID: c.CustomerID}})
				require.NoError(t, err)
				return s
			}
			send("warm-up-0") // the first message also announces the conversation
			for i := range 10 {
				db.Reset()
				s := send(fmt.Sprintf("budget-%04d", i))
				require.False(t, s.Duplicate)
				require.LessOrEqual(t, db.Stmts.Load(), int64(6), "statements for one inbound message")
				require.Equal(t, int64(3), db.Stmts.Load(), "bump, insert, outbox")
				require.Equal(t, int64(1), db.Txs.Load(), "one transaction")
			}
			db.Reset()
			require.True(t, send("budget-0003").Duplicate)
			require.LessOrEqual(t, db.Stmts.Load(), int64(6), "a resend: the refused insert, then the lookup")
		})
	}
}
