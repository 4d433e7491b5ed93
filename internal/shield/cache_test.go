package shield_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/shield"
)

// loader counts snapshot builds and serves bindings from a map.
type loader struct {
	builds   int
	fail     bool
	bindings map[string]*shield.Binding
	clock    time.Time
}

func (l *loader) load(_ context.Context, tenantID string) (*shield.Snapshot, error) {
	if l.fail {
		return nil, errors.New("database down")
	}
	l.builds++
	var bs []*shield.Binding
	for _, b := range l.bindings {
		bs = append(bs, b)
	}
	return shield.Build(&shield.SnapshotData{Settings: shield.DefaultSettings(tenantID), Region: "CN", Bindings: bs,
		Numbers: []*shield.Number{{Number: hotline, Purpose: shield.PurposeHotline}}}, l.clock)
}

func (l *loader) binding(_ context.Context, _, id string) (*shield.Binding, error) {
	if b, ok := l.bindings[id]; ok {
		return b, nil
	}
	return nil, shield.ErrBindingNotFound
}

func newCache(l *loader) *shield.Cache {
	return shield.NewCache(shield.CacheConfig{Load: l.load, Binding: l.binding, Now: func() time.Time { return l.clock },
		MaxAge: time.Minute, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))})
}

// reaches reports whether partyA calling x1 is put through.
func reaches(t *testing.T, s *shield.Snapshot) bool {
	t.Helper()
	r, err := s.Resolve(context.Background(), newDirectory().sources(), &shield.Request{Caller: partyA, Dialed: x1, At: now})
	require.NoError(t, err)
	return r.Answer.Action == shield.ActionDial
}

func TestCache(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	l := &loader{bindings: map[string]*shield.Binding{}, clock: now}
	c := newCache(l)
	s, err := c.Get(ctx, "t1")
	require.NoError(t, err)
	again, err := c.Get(ctx, "t1")
	require.NoError(t, err)
	require.Same(t, s, again, "built once")
	require.False(t, reaches(t, s))

	// A binding made on another node arrives as a touch and is read at the
	// next resolve, in place.
	l.bindings["b1"] = &shield.Binding{ID: "b1", Type: shield.BindingAXB, X: x1, A: partyA, B: partyB, Direction: shield.DirectionBoth}
	c.Touch("t1", "b1")
	s, err = c.Get(ctx, "t1")
	require.NoError(t, err)
	require.Same(t, again, s)
	require.True(t, reaches(t, s))
	delete(l.bindings, "b1")
	c.Touch("t1", "b1")
	s, _ = c.Get(ctx, "t1")
	require.False(t, reaches(t, s), "a binding deleted elsewhere is dropped")
	require.Equal(t, 1, l.builds)

	c.Invalidate("t1")
	s, err = c.Get(ctx, "t1")
	require.NoError(t, err)
	require.NotSame(t, again, s, "a configuration change elsewhere rebuilds at the next resolve")
	require.Equal(t, 2, l.builds)
	require.NoError(t, c.Changed(ctx, "t1"))
	require.Equal(t, 3, l.builds, "a change here rebuilds before the admin is answered")

	l.fail = true
	c.Invalidate("t1")
	stale, err := c.Get(ctx, "t1")
	require.NoError(t, err, "a failed rebuild keeps the snapshot it had")
	require.NotNil(t, stale)
	l.fail, l.clock = false, now.Add(2*time.Minute)
	_, err = c.Get(ctx, "t1")
	require.NoError(t, err)
	require.Equal(t, 4, l.builds, "rebuilt once the database is back")
	l.clock = l.clock.Add(2 * time.Minute)
	_, _ = c.Get(ctx, "t1")
	require.Equal(t, 5, l.builds, "an old snapshot is rebuilt even without news")

	c.Invalidate("t2")
	c.Touch("t2", "b")
	require.NoError(t, c.Changed(ctx, "t2"), "a tenant never loaded has nothing to update")
	l.fail = true
	_, err = c.Get(ctx, "t2")
	require.Error(t, err, "the first build must succeed")
}

// logStore records what the decision log writes.
type logStore struct {
	shield.Store
	decisions []*shield.Decision
	used      []string
	last      map[string]string
	events    []event.Event
	writes    int
}

func (s *logStore) AppendDecision(_ context.Context, d *shield.Decision) error {
	s.decisions = append(s.decisions, d)
	return nil
}

func (s *logStore) UseCode(_ context.Context, _, agentID, code string, _ time.Time) error {
	s.used = append(s.used, agentID+"|"+code)
	return nil
}

func (s *logStore) SetLastCaller(_ context.Context, _, bindingID, caller string, _ time.Time) error {
	s.last[bindingID] = caller
	return nil
}

func (s *logStore) Shield() shield.Store { return s }
func (s *logStore) Audit() audit.Store   { return nil }
func (s *logStore) Outbox() event.Outbox { return s }
func (s *logStore) Append(_ context.Context, evs ...event.Event) error {
	s.events = append(s.events, evs...)
	return nil
}

func TestDecisionLog(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	st := &logStore{last: map[string]string{}}
	l := shield.NewDecisionLog(shield.DecisionLogConfig{Logger: slog.New(slog.NewTextHandler(io.Discard, nil)), Batch: 3,
		InTx: func(_ context.Context, fn func(shield.Tx) error) error { st.writes++; return fn(st) }})
	l.Stop() // safe before Start
	require.NoError(t, l.Add(ctx, &shield.Entry{Decision: &shield.Decision{ID: "before"}}))
	require.Len(t, st.decisions, 1, "before Start an entry is written at once")

	require.NoError(t, l.Start(ctx))
	require.NoError(t, l.Start(ctx))
	for i := range 10 {
		e := &shield.Entry{Decision: &shield.Decision{ID: string(rune('a' + i))}}
		if i == 4 {
			e.UseCode = &shield.DialCode{AgentID: "agent", Code: "81234"}
			e.LastCaller, e.BindingID = partyA, "axn"
			e.Events = []event.Event{{Subject: shield.EventCall}}
		}
		require.NoError(t, l.Add(ctx, e))
	}
	l.Stop()
	l.Stop()
	require.Len(t, st.decisions, 11, "Stop writes what is queued")
	require.Equal(t, []string{"agent|81234"}, st.used)
	require.Equal(t, partyA, st.last["axn"])
	require.Len(t, st.events, 1)
	require.LessOrEqual(t, st.writes, 1+10, "entries share transactions when they queue up")
}
