// Package outbox relays events from the transactional outbox table to the
// bus. Services append events in the same transaction as their change; the
// relay publishes them afterwards, in order, and deletes what the bus has
// stored. An event is therefore published at least once if and only if its
// change committed; subscribers drop duplicates by event ID.
package outbox

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/internal/event"
)

// Claimer is the outbox table as the relay sees it.
type Claimer interface {
	Claim(ctx context.Context, max int, publish func([]event.Pending) (int, error)) (int, error)
}

// Publisher stores a batch on the bus and reports the stored prefix.
type Publisher interface {
	PublishBatch(ctx context.Context, batch []event.Pending) (int, error)
}

// Relay moves events from the outbox to the bus.
type Relay struct {
	cfg Config

	mu      sync.Mutex
	cancel  context.CancelFunc
	done    chan struct{}
	started bool
}

// Config wires a Relay.
type Config struct {
	Outbox    Claimer
	Publisher Publisher
	// Wake is signalled after a commit that appended events.
	Wake <-chan struct{}
	// Poll is the fallback interval that picks up events from other nodes
	// and after failures. Defaults to 1s.
	Poll time.Duration
	// Batch is the most events claimed at once. Defaults to 256.
	Batch  int
	Logger *slog.Logger
	// Published, if set, is called with the count after each batch.
	Published func(n int)
}

// New returns a Relay.
func New(cfg Config) *Relay {
	if cfg.Poll == 0 {
		cfg.Poll = time.Second
	}
	if cfg.Batch == 0 {
		cfg.Batch = 256
	}
	if cfg.Published == nil {
		cfg.Published = func(int) {}
	}
	return &Relay{cfg: cfg}
}

// Start begins relaying in the background.
func (r *Relay) Start(ctx context.Context) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.started {
		return nil
	}
	ctx, r.cancel = context.WithCancel(context.WithoutCancel(ctx))
	r.done = make(chan struct{})
	r.started = true
	go r.run(ctx)
	return nil
}

// Stop ends relaying after a final drain attempt. Safe before Start and
// more than once.
func (r *Relay) Stop() {
	r.mu.Lock()
	defer r.mu.Unlock()
	if !r.started {
		return
	}
	r.cancel()
	<-r.done
	r.started = false
}

func (r *Relay) run(ctx context.Context) {
	defer close(r.done)
	t := time.NewTicker(r.cfg.Poll)
	defer t.Stop()
	for {
		r.drain(ctx)
		select {
		case <-ctx.Done():
			// One last pass so a graceful shutdown leaves nothing queued
			// that the bus could still take.
			final, cancel := context.WithTimeout(context.Background(), 2*time.Second)
			r.drain(final)
			cancel()
			return
		case <-r.cfg.Wake:
		case <-t.C:
		}
	}
}

// drain publishes until the outbox is empty or publishing fails. A batch
// that has started runs to completion even if ctx is cancelled meanwhile:
// abandoning it after publishing would only cause duplicates.
func (r *Relay) drain(ctx context.Context) {
	for ctx.Err() == nil {
		opCtx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
		n, err := r.cfg.Outbox.Claim(opCtx, r.cfg.Batch, func(batch []event.Pending) (int, error) {
			return r.cfg.Publisher.PublishBatch(opCtx, batch)
		})
		cancel()
		if n > 0 {
			r.cfg.Published(n)
		}
		if err != nil {
			r.cfg.Logger.WarnContext(ctx, "outbox relay: publish failed; will retry", "published", n, "err", err)
			return
		}
		if n < r.cfg.Batch {
			return
		}
	}
}
