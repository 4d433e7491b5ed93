// Package store implements every domain's Store interface once, over the
// sqldb seam, for both SQLite and PostgreSQL (ADR 0003). SQL lives in
// queries/*.sql; queries/<dialect>/*.sql overrides a block for one engine.
// The storetest conformance suite specifies the behaviour and runs against
// both engines.
//
// Tenant isolation is enforced here: every tenant-owned query filters on
// tenant_id, and child rows reference parents through (tenant_id, id).
package store

import (
	"context"
	"embed"
	"errors"
	"fmt"
	"reflect"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/store/sqldb"
	"github.com/switchboardhq/switchboard/internal/tenant"
)

//go:embed queries
var queryFS embed.FS

// Stores holds a store for every domain. Fields are concrete types so that
// callers can hand each to the consumer-side interface it satisfies.
type Stores struct {
	db      sqldb.DB
	q       *queries
	opts    Options
	Tenants *Tenants
	Users   *Users
	Teams   *Teams
	Skills  *Skills
	Tokens  *Tokens
	Audit   *Audit
	Outbox  *Outbox

	Inboxes       *Inboxes
	Customers     *Customers
	Conversations *Conversations
	Attachments   *Attachments
	Routing       *Routing

	CannedReplies *CannedReplies
	Shield        *Shield
	CustomerTiers *CustomerTiers
}

// queries is every named statement, loaded for one dialect.
type queries struct {
	users   userQueries
	teams   teamQueries
	skills  skillQueries
	tenants tenantQueries
	tokens  tokenQueries
	audit   auditQueries
	outbox  outboxQueries

	inboxes       inboxQueries
	customers     customerQueries
	conversations conversationQueries
	attachments   attachmentQueries
	routing       routingQueries

	cannedReplies cannedReplyQueries
	shield        shieldQueries
}

// Options configure the stores.
type Options struct {
	// NewID generates IDs for rows the stores create themselves (audit
	// entries and events without one).
	NewID func() string
	// OnEvent, if set, is called after a commit that appended events, with
	// those events: the outbox relay publishes them at once instead of at
	// its next poll, and the node's caches forget what the commit changed
	// before the writer's call returns. It must not block.
	OnEvent func([]Committed)
}

// New returns the stores over db.
func New(db sqldb.DB, opts Options) (*Stores, error) {
	q := &queries{}
	for _, dst := range []any{&q.users, &q.teams, &q.skills, &q.tenants, &q.tokens, &q.audit, &q.outbox,
		&q.inboxes, &q.customers, &q.conversations, &q.attachments, &q.routing, &q.cannedReplies, &q.shield} {
		if err := sqldb.Load(queryFS, "queries", db.Dialect(), dst); err != nil {
			return nil, err
		}
	}
	if opts.OnEvent == nil {
		opts.OnEvent = func([]Committed) {}
	}
	if p, ok := db.(sqldb.Preparer); ok {
		if err := p.Prepare(context.Background(), q.all()); err != nil {
			return nil, err
		}
	}
	return bind(db, q, opts, conn{db: db}), nil
}

// all lists every query text, for preparing ahead of use.
func (q *queries) all() []string {
	var out []string
	for _, group := range []any{q.users, q.teams, q.skills, q.tenants, q.tokens, q.audit, q.outbox,
		q.inboxes, q.customers, q.conversations, q.attachments, q.routing, q.cannedReplies, q.shield} {
		v := reflect.ValueOf(group)
		for i := range v.NumField() {
			out = append(out, v.Field(i).String())
		}
	}
	return out
}

func bind(db sqldb.DB, q *queries, opts Options, c conn) *Stores {
	outbox := &Outbox{c: c, q: &q.outbox, newID: opts.NewID}
	if c.tx == nil {
		outbox.notify = opts.OnEvent
	}
	return &Stores{
		db: db, q: q, opts: opts,
		Tenants: &Tenants{c: c, q: &q.tenants},
		Users:   &Users{c: c, q: &q.users},
		Teams:   &Teams{c: c, q: &q.teams},
		Skills:  &Skills{c: c, q: &q.skills},
		Tokens:  &Tokens{c: c, q: &q.tokens},
		Audit:   &Audit{c: c, q: &q.audit, newID: opts.NewID},
		Outbox:  outbox,

		Inboxes:       &Inboxes{c: c, q: &q.inboxes},
		Customers:     &Customers{c: c, q: &q.customers},
		Conversations: &Conversations{c: c, q: &q.conversations},
		Attachments:   &Attachments{c: c, q: &q.attachments},
		Routing:       &Routing{c: c, q: &q.routing},

		CannedReplies: &CannedReplies{c: c, q: &q.cannedReplies},
		Shield:        &Shield{c: c, q: &q.shield},
		CustomerTiers: &CustomerTiers{c: c, q: &q.customers},
	}
}

// DB returns the underlying database.
func (s *Stores) DB() sqldb.DB { return s.db }

// InTx runs fn with stores bound to one transaction.
func (s *Stores) InTx(ctx context.Context, fn func(*Tx) error) error {
	var tx *Tx
	err := s.db.InTx(ctx, func(q sqldb.Querier) error {
		tx = &Tx{s: bind(s.db, s.q, s.opts, conn{db: s.db, tx: q}), q: q}
		return fn(tx)
	})
	if err == nil && len(tx.s.Outbox.appended) > 0 {
		s.opts.OnEvent(tx.s.Outbox.appended)
	}
	return err
}

// Tx is the set of stores bound to one transaction. Its accessors satisfy
// the Tx interfaces the domain services declare (user.Tx, team.Tx, …).
type Tx struct {
	s *Stores
	q sqldb.Querier // the transaction itself, for savepoints
}

// Tenants returns the transaction's tenant store.
func (t *Tx) Tenants() tenant.Store { return t.s.Tenants }

// InTxAs adapts Stores.InTx to a domain's transaction interface T. bind
// converts the concrete *Tx to T, so the compiler checks that *Tx satisfies
// the domain's interface:
//
//	store.InTxAs(st, func(tx *store.Tx) user.Tx { return tx })
func InTxAs[T any](s *Stores, bind func(*Tx) T) func(context.Context, func(T) error) error {
	return func(ctx context.Context, fn func(T) error) error {
		return s.InTx(ctx, func(tx *Tx) error { return fn(bind(tx)) })
	}
}

// conn routes statements: inside a transaction everything goes to it;
// outside, reads go to the read pool and writes to the writer.
type conn struct {
	db sqldb.DB
	tx sqldb.Querier
}

func (c conn) read() sqldb.Querier {
	if c.tx != nil {
		return c.tx
	}
	return c.db.Reader()
}

func (c conn) write() sqldb.Querier {
	if c.tx != nil {
		return c.tx
	}
	return c.db.Writer()
}

// atomic runs a multi-statement write in the current transaction, or in a
// new one when there is none.
func (c conn) atomic(ctx context.Context, fn func(sqldb.Querier) error) error {
	if c.tx != nil {
		return fn(c.tx)
	}
	return c.db.InTx(ctx, fn)
}

// ms converts a time to the stored form, Unix milliseconds.
func ms(t time.Time) int64 { return t.UnixMilli() }

// fromMS converts stored milliseconds to UTC time.
func fromMS(v int64) time.Time { return time.UnixMilli(v).UTC() }

// msPtr converts an optional time to a nullable column value.
func msPtr(t *time.Time) any {
	if t == nil {
		return nil
	}
	return t.UnixMilli()
}

// fromMSPtr converts a nullable column to an optional time.
func fromMSPtr(v *int64) *time.Time {
	if v == nil {
		return nil
	}
	t := fromMS(*v)
	return &t
}

// nullIfEmpty stores "" as NULL, for nullable references.
func nullIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}

// splitList splits a comma-joined aggregate; "" is the empty list.
func splitList(s string) []string {
	if s == "" {
		return []string{}
	}
	return strings.Split(s, ",")
}

// limit defaults a page size to 50 and bounds it at 1,000 (the API allows
// at most 500, and asks for one more to learn whether another page exists).
func limit(n int) int {
	if n <= 0 {
		return 50
	}
	return min(n, 1000)
}

// notFound maps ErrNoRows to the domain's sentinel.
func notFound(err, sentinel error) error {
	if errors.Is(err, sqldb.ErrNoRows) {
		return sentinel
	}
	return err
}

// affected maps "no row changed" to the domain's sentinel.
func affected(n int64, err, sentinel error) error {
	if err != nil {
		return err
	}
	if n == 0 {
		return sentinel
	}
	return nil
}

// wrap names the failed operation and keeps the cause.
func wrap(op string, err error) error {
	if err == nil {
		return nil
	}
	return fmt.Errorf("store: %s: %w", op, err)
}
