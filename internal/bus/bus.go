// Package bus connects Switchboard to NATS: an in-process server with
// JetStream by default (no TCP port unless asked for), or an external
// cluster. Domain events are published to the SB_EVENTS stream on subjects
// sb.<domain>.<event>, with the event ID as the JetStream message ID so a
// republished event is stored once.
package bus

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/nats-io/nats-server/v2/server"
	"github.com/nats-io/nats.go"
	"github.com/nats-io/nats.go/jetstream"

	"github.com/switchboardhq/switchboard/internal/event"
)

// StreamName is the JetStream stream that keeps domain events.
const StreamName = "SB_EVENTS"

// Config selects and tunes the bus.
type Config struct {
	// URL of an external NATS cluster; empty starts an embedded server.
	URL string
	// Listen, for the embedded server, is a TCP address to serve on; empty
	// means in-process connections only.
	Listen string
	// StoreDir holds the embedded server's JetStream files.
	StoreDir string
	// Retention is how long events stay in the stream. Defaults to 7 days.
	Retention time.Duration
	Logger    *slog.Logger
}

// Bus is a connection to NATS with JetStream.
type Bus struct {
	srv *server.Server // nil when external
	nc  *nats.Conn
	js  jetstream.JetStream
	log *slog.Logger
}

// Open starts or connects to NATS and makes sure the event stream exists.
func Open(ctx context.Context, cfg Config) (*Bus, error) {
	b := &Bus{log: cfg.Logger}
	var err error
	if cfg.URL == "" {
		if b.srv, err = startEmbedded(cfg); err != nil {
			return nil, err
		}
		b.nc, err = nats.Connect("", nats.InProcessServer(b.srv), nats.Name("switchboard"))
	} else {
		b.nc, err = nats.Connect(cfg.URL, nats.Name("switchboard"), nats.MaxReconnects(-1),
			nats.DisconnectErrHandler(func(_ *nats.Conn, err error) {
				if err != nil { // nil on a deliberate close
					cfg.Logger.Warn("nats disconnected", "err", err)
				}
			}),
			nats.ReconnectHandler(func(c *nats.Conn) { cfg.Logger.Info("nats reconnected", "url", c.ConnectedUrl()) }))
	}
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("bus: connect: %w", err)
	}
	if b.js, err = jetstream.New(b.nc); err != nil {
		b.Close()
		return nil, fmt.Errorf("bus: jetstream: %w", err)
	}
	retention := cfg.Retention
	if retention == 0 {
		retention = 7 * 24 * time.Hour
	}
	_, err = b.js.CreateOrUpdateStream(ctx, jetstream.StreamConfig{
		Name: StreamName, Subjects: []string{"sb.>"}, Storage: jetstream.FileStorage,
		MaxAge: retention, Duplicates: 2 * time.Minute,
	})
	if err != nil {
		b.Close()
		return nil, fmt.Errorf("bus: create stream %s: %w", StreamName, err)
	}
	return b, nil
}

func startEmbedded(cfg Config) (*server.Server, error) {
	opts := &server.Options{
		ServerName: "switchboard",
		JetStream:  true,
		StoreDir:   filepath.Clean(cfg.StoreDir),
		DontListen: cfg.Listen == "",
		NoSigs:     true,
		NoLog:      true,
	}
	if cfg.Listen != "" {
		host, port, err := net.SplitHostPort(cfg.Listen)
		if err != nil {
			return nil, fmt.Errorf("bus: listen address %q: %w", cfg.Listen, err)
		}
		opts.Host = host
		if opts.Port, err = strconv.Atoi(port); err != nil {
			return nil, fmt.Errorf("bus: listen port %q: %w", port, err)
		}
	}
	srv, err := server.NewServer(opts)
	if err != nil {
		return nil, fmt.Errorf("bus: embedded server: %w", err)
	}
	srv.Start()
	if !srv.ReadyForConnections(10 * time.Second) {
		srv.Shutdown()
		return nil, errors.New("bus: embedded server did not become ready")
	}
	return srv, nil
}

// ClientURL returns the embedded server's TCP URL, or "" when it has none.
func (b *Bus) ClientURL() string {
	if b.srv == nil || b.srv.Addr() == nil {
		return ""
	}
	return b.srv.ClientURL()
}

// Conn returns the NATS connection, for subscribers.
func (b *Bus) Conn() *nats.Conn { return b.nc }

// JetStream returns the JetStream context, for durable consumers.
func (b *Bus) JetStream() jetstream.JetStream { return b.js }

// Ready reports whether the connection is up.
func (b *Bus) Ready() error {
	if b.nc == nil || !b.nc.IsConnected() {
		return errors.New("bus: not connected")
	}
	return nil
}

// PublishBatch publishes pending outbox events in order and waits for
// JetStream to store them. It returns the length of the prefix that was
// stored, so the outbox deletes exactly those.
func (b *Bus) PublishBatch(ctx context.Context, batch []event.Pending) (int, error) {
	futures := make([]jetstream.PubAckFuture, 0, len(batch))
	for _, p := range batch {
		msg := &nats.Msg{Subject: p.Subject, Data: p.Payload, Header: nats.Header{}}
		msg.Header.Set(jetstream.MsgIDHeader, p.ID)
		f, err := b.js.PublishMsgAsync(msg)
		if err != nil {
			n, _ := b.settle(ctx, futures)
			return n, fmt.Errorf("bus: publish %s: %w", p.Subject, err)
		}
		futures = append(futures, f)
	}
	n, err := b.settle(ctx, futures)
	if n < len(batch) {
		return n, fmt.Errorf("bus: %d of %d events not acknowledged: %w", len(batch)-n, len(batch), err)
	}
	return n, nil
}

// settle waits for every future and returns the length of the acknowledged
// prefix and the first failure.
func (b *Bus) settle(ctx context.Context, futures []jetstream.PubAckFuture) (int, error) {
	n := 0
	var first error
	for _, f := range futures {
		select {
		case <-f.Ok():
			if first == nil {
				n++
			}
		case err := <-f.Err():
			if first == nil {
				first = err
			}
		case <-ctx.Done():
			return n, ctx.Err()
		case <-time.After(5 * time.Second):
			if first == nil {
				first = errors.New("no acknowledgement within 5s")
			}
		}
	}
	return n, first
}

// Close drains the connection and stops the embedded server. It is safe to
// call more than once.
func (b *Bus) Close() {
	if b.nc != nil {
		_ = b.nc.Drain()
		for i := 0; i < 100 && !b.nc.IsClosed(); i++ {
			time.Sleep(10 * time.Millisecond)
		}
		b.nc.Close()
	}
	if b.srv != nil {
		b.srv.Shutdown()
		b.srv.WaitForShutdown()
		b.srv = nil
	}
}

// Subscribe calls fn with the data of every message on subject (NATS
// wildcards allowed) until the returned function is called. fn runs on the
// subscription's goroutine and must not block.
func (b *Bus) Subscribe(subject string, fn func(subject string, data []byte)) (func(), error) {
	sub, err := b.nc.Subscribe(subject, func(m *nats.Msg) { fn(m.Subject, m.Data) })
	if err != nil {
		return nil, fmt.Errorf("bus: subscribe %s: %w", subject, err)
	}
	// Realtime fan-out must not drop silently: allow a deep buffer before
	// the client library declares this subscriber slow.
	_ = sub.SetPendingLimits(1<<20, 1<<30)
	return func() { _ = sub.Unsubscribe() }, nil
}

// Publish sends an ephemeral notice (typing, read, presence) on subject with
// core NATS: not stored, at most once.
func (b *Bus) Publish(subject string, data []byte) error {
	if err := b.nc.Publish(subject, data); err != nil {
		return fmt.Errorf("bus: publish %s: %w", subject, err)
	}
	return nil
}

// Consume runs handle for every event on subject through the durable
// consumer named durable. Nodes sharing the name share the work: each event
// goes to one of them, and comes back after a failure, with back-off, until
// handled. A new consumer starts with events published from then on.
func (b *Bus) Consume(ctx context.Context, durable, subject string, handle func(ctx context.Context, data []byte) error) (func(), error) {
	return b.ConsumeParallel(ctx, durable, subject, 1, handle)
}

// ConsumeParallel is Consume with up to workers events handled at once, for
// handlers that are safe to run out of order (each acks on its own).
func (b *Bus) ConsumeParallel(ctx context.Context, durable, subject string, workers int,
	handle func(ctx context.Context, data []byte) error) (func(), error) {
	cons, err := b.js.CreateOrUpdateConsumer(ctx, StreamName, jetstream.ConsumerConfig{
		Durable: durable, FilterSubject: subject, AckPolicy: jetstream.AckExplicitPolicy,
		DeliverPolicy: jetstream.DeliverNewPolicy, AckWait: 30 * time.Second, MaxDeliver: -1,
		// Back-off is applied per failure with NakWithDelay below; the
		// consumer-level BackOff would also cap MaxDeliver on some servers.
	})
	if err != nil {
		return nil, fmt.Errorf("bus: consumer %s: %w", durable, err)
	}
	cctx, cancel := context.WithCancel(context.WithoutCancel(ctx))
	one := func(m jetstream.Msg) {
		if err := handle(cctx, m.Data()); err != nil {
			delay := time.Second
			if md, merr := m.Metadata(); merr == nil {
				delay = min(time.Second<<min(md.NumDelivered-1, 5), 30*time.Second)
			}
			b.log.Warn("bus: event handling failed; it will be retried", "consumer", durable, "retry_in", delay, "err", err)
			_ = m.NakWithDelay(delay)
			return
		}
		_ = m.Ack()
	}
	var busy chan struct{} // a slot per running handler; full blocks delivery
	var running sync.WaitGroup
	if workers > 1 {
		busy = make(chan struct{}, workers)
	}
	cc, err := cons.Consume(func(m jetstream.Msg) {
		if busy == nil {
			one(m)
			return
		}
		busy <- struct{}{}
		running.Go(func() { defer func() { <-busy }(); one(m) })
	})
	if err != nil {
		cancel()
		return nil, fmt.Errorf("bus: consume %s: %w", durable, err)
	}
	return func() { cc.Stop(); running.Wait(); cancel() }, nil
}
