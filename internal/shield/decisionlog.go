package shield

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/internal/event"
)

// Entry is what one resolve writes: its decision, and what the call
// changed (a one-time code used, an AXN's last caller, a binding's attempt
// event).
type Entry struct {
	Decision   *Decision
	UseCode    *DialCode
	LastCaller string
	BindingID  string
	Events     []event.Event
}

// DecisionLog writes decisions in batches on its own goroutine, so a
// resolve never waits for a commit (ADR 0020): many resolves share one
// transaction and one fsync. What is queued but not yet committed is lost
// if the process dies.
type DecisionLog struct {
	cfg DecisionLogConfig

	queue chan *Entry
	// mu orders Add against Stop, as in store.Batcher.
	mu      sync.RWMutex
	started bool
	stop    chan struct{}
	done    chan struct{}
}

// DecisionLogConfig wires a DecisionLog.
type DecisionLogConfig struct {
	InTx   func(ctx context.Context, fn func(Tx) error) error
	Logger *slog.Logger
	// Queue bounds the entries waiting; Add waits when it is full.
	// Defaults to 16,384.
	Queue int
	// Batch is the most entries written in one transaction. Defaults to
	// 512.
	Batch int
	// Linger is how long a batch waits for more entries once the first
	// arrived: every commit costs a sync and the engine's end-of-commit
	// work, so a few milliseconds turn many small transactions into one.
	// Defaults to 5 ms; negative writes at once.
	Linger time.Duration
}

// NewDecisionLog returns a stopped log.
func NewDecisionLog(cfg DecisionLogConfig) *DecisionLog {
	if cfg.Queue <= 0 {
		cfg.Queue = 16384
	}
	if cfg.Batch <= 0 {
		cfg.Batch = 512
	}
	if cfg.Linger == 0 {
		cfg.Linger = 5 * time.Millisecond
	}
	return &DecisionLog{cfg: cfg, queue: make(chan *Entry, cfg.Queue)}
}

// Start begins writing. Safe to call twice.
func (l *DecisionLog) Start(context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.started {
		return nil
	}
	l.started, l.stop, l.done = true, make(chan struct{}), make(chan struct{})
	go l.run()
	return nil
}

// Stop writes what is queued and stops. Safe before Start and twice.
func (l *DecisionLog) Stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if !l.started {
		return
	}
	close(l.stop)
	<-l.done
	l.started = false
}

// Add queues an entry. Before Start and after Stop it is written at once.
// When the queue is full (the database is slow or down) Add waits, which
// slows resolving rather than losing the record.
func (l *DecisionLog) Add(ctx context.Context, e *Entry) error {
	l.mu.RLock()
	if !l.started {
		l.mu.RUnlock()
		return l.write(ctx, []*Entry{e})
	}
	defer l.mu.RUnlock()
	select {
	case l.queue <- e:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

func (l *DecisionLog) run() {
	defer close(l.done)
	batch := make([]*Entry, 0, l.cfg.Batch)
	for {
		select {
		case e := <-l.queue:
			batch = l.linger(l.fill(append(batch[:0], e)))
		case <-l.stop:
			for {
				batch = l.fill(batch[:0])
				if len(batch) == 0 {
					return
				}
				l.flush(batch)
			}
		}
		l.flush(batch)
	}
}

// fill adds what is already queued, up to a batch, without waiting.
func (l *DecisionLog) fill(batch []*Entry) []*Entry {
	for len(batch) < l.cfg.Batch {
		select {
		case e := <-l.queue:
			batch = append(batch, e)
		default:
			return batch
		}
	}
	return batch
}

// linger waits up to Linger for a batch that is not full to fill.
func (l *DecisionLog) linger(batch []*Entry) []*Entry {
	if len(batch) >= l.cfg.Batch || l.cfg.Linger <= 0 {
		return batch
	}
	t := time.NewTimer(l.cfg.Linger)
	defer t.Stop()
	for len(batch) < l.cfg.Batch {
		select {
		case e := <-l.queue:
			batch = append(batch, e)
		case <-t.C:
			return batch
		case <-l.stop:
			return batch
		}
	}
	return batch
}

// flush writes a batch, trying three times over about a second before it
// gives the batch up (logged): the queue must keep moving.
func (l *DecisionLog) flush(batch []*Entry) {
	var err error
	for attempt := range 3 {
		if attempt > 0 {
			time.Sleep(time.Duration(attempt) * 300 * time.Millisecond)
		}
		if err = l.write(context.Background(), batch); err == nil {
			return
		}
	}
	l.cfg.Logger.Error("shield: decisions lost: the batch could not be written", "decisions", len(batch), "err", err)
}

func (l *DecisionLog) write(ctx context.Context, batch []*Entry) error {
	return l.cfg.InTx(ctx, func(tx Tx) error {
		for _, e := range batch {
			if err := writeEntry(ctx, tx, e); err != nil {
				return err
			}
		}
		return nil
	})
}

func writeEntry(ctx context.Context, tx Tx, e *Entry) error {
	d := e.Decision
	if err := tx.Shield().AppendDecision(ctx, d); err != nil {
		return err
	}
	if c := e.UseCode; c != nil {
		if err := tx.Shield().UseCode(ctx, d.TenantID, c.AgentID, c.Code, d.At); err != nil {
			return err
		}
	}
	if e.LastCaller != "" {
		if err := tx.Shield().SetLastCaller(ctx, d.TenantID, e.BindingID, e.LastCaller, d.At); err != nil {
			return err
		}
	}
	if len(e.Events) == 0 {
		return nil
	}
	return tx.Outbox().Append(ctx, e.Events...)
}
