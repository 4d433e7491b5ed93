package conversation

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"
)

// WakeSnoozed reopens conversations whose snooze has ended, each with a
// system message. The status change is conditional (From: snoozed), so when
// several nodes wake the same conversation only one of them records it.
func (s *Service) WakeSnoozed(ctx context.Context, now time.Time) (int, error) {
	due, err := s.cfg.Conversations.DueSnoozed(ctx, now, 100)
	if err != nil {
		return 0, err
	}
	return s.changeEach(ctx, due, func(tx Tx, c *Conversation) error {
		err := tx.Conversations().SetStatus(ctx, &SetStatusParams{TenantID: c.TenantID, ID: c.ID, Status: StatusOpen,
			At: now, From: StatusSnoozed})
		if err != nil {
			return err
		}
		_, err = s.changeStatus(ctx, tx, c, &statusChange{to: StatusOpen, at: now})
		return err
	})
}

// changeEach applies a system change to each conversation, each in its own
// write, and returns how many it changed. A change that finds the
// conversation changed meanwhile (ErrStatusChanged: another node or an
// agent got there first, or a message came) is skipped.
func (s *Service) changeEach(ctx context.Context, cs []*Conversation, change func(tx Tx, c *Conversation) error) (int, error) {
	n := 0
	for _, c := range cs {
		err := s.cfg.Write(ctx, func(tx Tx) error { return change(tx, c) })
		switch {
		case errors.Is(err, ErrStatusChanged):
		case err != nil:
			return n, err
		default:
			n++
		}
	}
	return n, nil
}

// Waker runs WakeSnoozed periodically.
type Waker struct{ loop }

// NewWaker returns a Waker checking every interval.
func NewWaker(svc *Service, every time.Duration, log *slog.Logger) *Waker {
	return &Waker{loop{every: every, job: func(ctx context.Context) {
		if _, err := svc.WakeSnoozed(ctx, svc.cfg.Now()); err != nil && ctx.Err() == nil {
			log.Warn("snooze waker", "err", err)
		}
	}}}
}

// loop runs a job every interval in the background, for the components
// that act on conversations for the system (Waker, AutoResolver).
type loop struct {
	every time.Duration
	job   func(ctx context.Context)

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// Start begins running the job. Safe twice.
func (l *loop) Start(ctx context.Context) error {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cancel != nil {
		return nil
	}
	ctx, l.cancel = context.WithCancel(context.WithoutCancel(ctx))
	l.done = make(chan struct{})
	go func() {
		defer close(l.done)
		t := time.NewTicker(l.every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				l.job(ctx)
			}
		}
	}()
	return nil
}

// Stop ends running the job, waiting for a run under way. Safe before
// Start and twice.
func (l *loop) Stop() {
	l.mu.Lock()
	defer l.mu.Unlock()
	if l.cancel == nil {
		return
	}
	l.cancel()
	<-l.done
	l.cancel = nil
}
