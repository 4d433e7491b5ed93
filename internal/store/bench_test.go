package store_test

import (
	"context"
	"fmt"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/store"
	"github.com/switchboardhq/switchboard/internal/store/storetest"
)

// BenchmarkInboundMessage measures the durable write path of a visitor
// message (conversation.Service.Send: bump, insert, outbox, commit) as the
// server wires it — on SQLite through the group-commit Batcher, on
// PostgreSQL one transaction per message — with 1,000 open conversations
// and 256 concurrent senders. No sockets, JSON or fan-out: this isolates the
// storage engine, which bounds the ingest rate of the whole server
// (docs/benchmarks.md). Run it with:
//
//	go test -run '^$' -bench InboundMessage -benchtime 20000x ./internal/store
func BenchmarkInboundMessage(b *testing.B) {
	for _, e := range storetest.Engines() {
		b.Run(e.Name, func(b *testing.B) {
			db := storetest.Count(e.Open(b))
			bundle := storetest.NewBundle(b, db)
			batcher := store.NewBatcher(bundle.Stores, slog.New(slog.NewTextHandler(io.Discard, nil)))
			if err := batcher.Start(context.Background()); err != nil {
				b.Fatal(err)
			}
			b.Cleanup(batcher.Stop)
			svc := conversation.NewService(conversation.Config{Conversations: bundle.Stores.Conversations,
				InTx: store.BatchAs(batcher, func(tx *store.Tx) conversation.Tx { return tx }),
				Now:  func() time.Time { return time.Now().UTC() }, NewID: storetest.NewID})
			in := bundle.Inbox(b, bundle.A)
			convs := make([]*conversation.Conversation, 1000)
			for i := range convs {
				convs[i] = bundle.Conversation(b, in)
			}
			var next atomic.Int64
			db.Reset()
			b.SetParallelism(128) // 256 senders on 2 cores, like many sockets
			b.ReportAllocs()
			b.ResetTimer()
			b.RunParallel(func(pb *testing.PB) {
				for pb.Next() {
					n := next.Add(1)
					c := convs[n%int64(len(convs))]
					_, err := svc.Send(context.Background(), &conversation.SendParams{TenantID: c.TenantID,
						ConversationID: c.ID, ClientID: fmt.Sprintf("bench-%08d", n), Text: "hello from the benchmark",
						Sender: conversation.Sender{Type: conversation.SenderVisitor, ID: c.CustomerID}})
					if err != nil {
						b.Error(err)
						return
					}
				}
			})
			b.StopTimer()
			b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "msg/s")
			b.ReportMetric(float64(db.Stmts.Load())/float64(b.N), "sql/op")
		})
	}
}
