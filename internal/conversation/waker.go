package conversation

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/internal/event"
)

// WakeSnoozed reopens conversations whose snooze has ended, each with a
// system message. The status change is conditional (From: snoozed), so when
// several nodes wake the same conversation only one of them records it.
func (s *Service) WakeSnoozed(ctx context.Context, now time.Time) (int, error) {
	due, err := s.cfg.Conversations.DueSnoozed(ctx, now, 100)
	if err != nil {
		return 0, err
	}
	woken := 0
	for _, c := range due {
		err := s.cfg.Write(ctx, func(tx Tx) error {
			err := tx.Conversations().SetStatus(ctx, &SetStatusParams{TenantID: c.TenantID, ID: c.ID, Status: StatusOpen,
				At: now, From: StatusSnoozed})
			if err != nil {
				return err
			}
			m := &Message{ID: s.cfg.NewID(), TenantID: c.TenantID, ConversationID: c.ID, SenderType: SenderSystem,
				Text: "status: snoozed → open", Attachments: []AttachmentRef{}, CreatedAt: now,
				Event: &SystemEvent{Kind: "status_changed", From: string(StatusSnoozed), To: string(StatusOpen)}}
			next, err := tx.Conversations().Append(ctx, &AppendParams{Message: m})
			if err != nil {
				return err
			}
			return tx.Outbox().Append(ctx,
				event.Event{Subject: EventMessageCreated, TenantID: c.TenantID, At: now, Data: MessageCreated{Conversation: MetaOf(next), Message: m}},
				event.Event{Subject: EventStatusChanged, TenantID: c.TenantID, At: now, Data: Changed{Conversation: next, From: string(StatusSnoozed), To: string(StatusOpen)}})
		})
		switch {
		case errors.Is(err, ErrStatusChanged):
			// another node, or an agent, got there first
		case err != nil:
			return woken, err
		default:
			woken++
		}
	}
	return woken, nil
}

// Waker runs WakeSnoozed periodically.
type Waker struct {
	svc   *Service
	every time.Duration
	log   *slog.Logger

	mu     sync.Mutex
	cancel context.CancelFunc
	done   chan struct{}
}

// NewWaker returns a Waker checking every interval.
func NewWaker(svc *Service, every time.Duration, log *slog.Logger) *Waker {
	return &Waker{svc: svc, every: every, log: log}
}

// Start begins waking. Safe twice.
func (w *Waker) Start(ctx context.Context) error {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cancel != nil {
		return nil
	}
	ctx, w.cancel = context.WithCancel(context.WithoutCancel(ctx))
	w.done = make(chan struct{})
	go func() {
		defer close(w.done)
		t := time.NewTicker(w.every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				if _, err := w.svc.WakeSnoozed(ctx, w.svc.cfg.Now()); err != nil && ctx.Err() == nil {
					w.log.Warn("snooze waker", "err", err)
				}
			}
		}
	}()
	return nil
}

// Stop ends waking. Safe before Start and twice.
func (w *Waker) Stop() {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.cancel == nil {
		return
	}
	w.cancel()
	<-w.done
	w.cancel = nil
}
