package store

import (
	"context"
	"encoding/json"

	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/store/sqldb"
)

type outboxQueries struct {
	Insert  string `query:"OutboxInsert"`
	Lock    string `query:"OutboxLock"`
	Pending string `query:"OutboxPending"`
	Delete  string `query:"OutboxDelete"`
	UpTo    string `query:"OutboxDeleteUpTo"`
	Count   string `query:"OutboxCount"`
}

// Outbox implements event.Outbox for writers and the claim loop the relay
// drains it with.
type Outbox struct {
	c     conn
	q     *outboxQueries
	newID func() string
	// notify is set outside transactions and called after each append;
	// inside one, appended is what Stores.InTx notifies of after commit.
	notify   func([]Committed)
	appended []Committed
}

// Committed is an event as the outbox stored it: its subject and the JSON
// the relay publishes (an event.Event).
type Committed struct {
	Subject string
	Payload []byte
}

var _ event.Outbox = (*Outbox)(nil)

// Outbox returns the transaction's outbox.
func (t *Tx) Outbox() event.Outbox { return t.s.Outbox }

// Append implements event.Outbox. Events without an ID get one.
func (s *Outbox) Append(ctx context.Context, evs ...event.Event) error {
	for i := range evs {
		ev := &evs[i]
		if ev.ID == "" {
			ev.ID = s.newID()
		}
		payload, err := json.Marshal(ev)
		if err != nil {
			return wrap("append event", err)
		}
		if _, err := s.c.write().Exec(ctx, s.q.Insert, ev.ID, ev.Subject, payload, ms(ev.At)); err != nil {
			return wrap("append event", err)
		}
		s.appended = append(s.appended, Committed{Subject: ev.Subject, Payload: payload})
	}
	if s.notify != nil {
		evs := s.appended
		s.appended = nil
		s.notify(evs)
	}
	return nil
}

// Claim locks the outbox for this relay, hands up to max pending events to
// publish in order, and deletes the ones publish reports as done (a prefix
// of the batch). It returns how many were published, and publish's error
// after committing the deletion of the published prefix. 0 with a nil error
// means nothing was pending or another node holds the outbox.
func (s *Outbox) Claim(ctx context.Context, max int, publish func([]event.Pending) (int, error)) (int, error) {
	if s.c.db.Dialect() == "sqlite" {
		return s.claimSingleWriter(ctx, max, publish)
	}
	done := 0
	var pubErr error
	err := s.c.atomic(ctx, func(q sqldb.Querier) error {
		var locked int64
		if err := q.QueryRow(ctx, s.q.Lock).Scan(&locked); err != nil || locked == 0 {
			return err
		}
		pending, err := s.pending(ctx, q, max)
		if err != nil || len(pending) == 0 {
			return err
		}
		var n int
		n, pubErr = publish(pending)
		if n > 0 {
			seqs := make([]int64, n)
			for i, p := range pending[:n] {
				seqs[i] = p.Seq
			}
			if _, err := q.Exec(ctx, s.q.Delete, seqs); err != nil {
				return err
			}
		}
		done = n
		// Commit the published prefix even if the rest failed; the relay
		// retries the remainder.
		return nil
	})
	if err != nil {
		return 0, wrap("claim outbox", err)
	}
	return done, pubErr
}

// claimSingleWriter is Claim for SQLite: one process owns the outbox and
// commits in seq order, so the relay reads without a transaction, publishes
// without holding the single writer connection (message writes go on
// meanwhile), and deletes the published prefix with one statement.
func (s *Outbox) claimSingleWriter(ctx context.Context, max int, publish func([]event.Pending) (int, error)) (int, error) {
	pending, err := s.pending(ctx, s.c.read(), max)
	if err != nil || len(pending) == 0 {
		return 0, wrap("claim outbox", err)
	}
	n, pubErr := publish(pending)
	if n > 0 {
		if _, err := s.c.write().Exec(ctx, s.q.UpTo, pending[n-1].Seq); err != nil {
			return 0, wrap("claim outbox", err)
		}
	}
	return n, pubErr
}

// pending reads up to max events in seq order.
func (s *Outbox) pending(ctx context.Context, q sqldb.Querier, max int) ([]event.Pending, error) {
	rows, err := q.Query(ctx, s.q.Pending, max)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	var out []event.Pending
	for rows.Next() {
		var p event.Pending
		if err := rows.Scan(&p.Seq, &p.ID, &p.Subject, &p.Payload); err != nil {
			return nil, err
		}
		out = append(out, p)
	}
	return out, rows.Err()
}

// Count returns the number of events waiting to be published.
func (s *Outbox) Count(ctx context.Context) (int, error) {
	var n int64
	err := s.c.read().QueryRow(ctx, s.q.Count).Scan(&n)
	return int(n), wrap("count outbox", err)
}
