package store_test

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"math/rand/v2"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/routing"
	"github.com/switchboardhq/switchboard/internal/store"
	"github.com/switchboardhq/switchboard/internal/store/storetest"
)

// clock is a settable test clock.
type clock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *clock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
}

// failOnError is a slog handler that records error-level records, so a
// test can fail on an invariant violation the dispatcher logs.
type failOnError struct {
	mu   sync.Mutex
	errs []string
}

func (h *failOnError) Enabled(_ context.Context, l slog.Level) bool { return l >= slog.LevelError }
func (h *failOnError) Handle(_ context.Context, r slog.Record) error {
	h.mu.Lock()
	defer h.mu.Unlock()
	var b strings.Builder
	b.WriteString(r.Message)
	r.Attrs(func(a slog.Attr) bool { fmt.Fprintf(&b, " %s=%v", a.Key, a.Value); return true })
	h.errs = append(h.errs, b.String())
	return nil
}
func (h *failOnError) WithAttrs([]slog.Attr) slog.Handler { return h }
func (h *failOnError) WithGroup(string) slog.Handler      { return h }

func (h *failOnError) Errors() []string {
	h.mu.Lock()
	defer h.mu.Unlock()
	return append([]string(nil), h.errs...)
}

type routingEnv struct {
	b     *storetest.Bundle
	clock *clock
	logs  *failOnError
	inTx  routing.InTxFunc
}

func newRoutingEnv(t *testing.T, e storetest.Engine) *routingEnv {
	b := storetest.NewBundle(t, e.Open(t))
	batcher := store.NewBatcher(b.Stores, slog.New(slog.DiscardHandler))
	require.NoError(t, batcher.Start(context.Background()))
	t.Cleanup(batcher.Stop)
	return &routingEnv{b: b, clock: &clock{now: time.Now().UTC().Truncate(time.Millisecond)}, logs: &failOnError{},
		inTx: store.BatchAs(batcher, func(tx *store.Tx) routing.Tx { return tx })}
}

// eachEngine runs fn in parallel on every engine, each with a new env.
func eachEngine(t *testing.T, fn func(t *testing.T, env *routingEnv)) {
	for _, e := range storetest.Engines() {
		t.Run(e.Name, func(t *testing.T) {
			t.Parallel()
			fn(t, newRoutingEnv(t, e))
		})
	}
}

func (env *routingEnv) dispatcher(t *testing.T) *routing.Dispatcher {
	return env.dispatcherWith(t, func(*routing.DispatcherConfig) {})
}

// dispatcherWith starts a dispatcher whose configuration edit changed.
func (env *routingEnv) dispatcherWith(t *testing.T, edit func(*routing.DispatcherConfig)) *routing.Dispatcher {
	cfg := routing.DispatcherConfig{TenantID: env.b.A.ID, InTx: env.inTx,
		Load: func(ctx context.Context, tenantID string, since time.Time) (*routing.Snapshot, error) {
			s, err := env.b.Stores.Routing.Snapshot(ctx, tenantID, since)
			if err != nil {
				return nil, err
			}
			return s, routing.Prepare(s)
		},
		Now: env.clock.Now, NewID: storetest.NewID, Logger: slog.New(env.logs), CheckInvariants: true}
	edit(&cfg)
	d := routing.NewDispatcher(cfg)
	require.NoError(t, d.Start(context.Background()))
	t.Cleanup(d.Stop)
	return d
}

func exec(t *testing.T, d *routing.Dispatcher, c *routing.Command) *routing.Result {
	t.Helper()
	res, err := d.Execute(context.Background(), c)
	require.NoError(t, err, "%s", c.Op)
	return res
}

// TestRoutingRestart is the crash test of the routing state: a dispatcher
// is stopped (as a crashed node would stop) and a new one rebuilds the
// board from the database. Waiting items keep their order and wait time,
// an open offer keeps its agent and deadline and still expires on time.
func TestRoutingRestart(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, env *routingEnv) {
		q := env.b.Queue(t, env.b.A.ID, "Support")
		ann := env.b.User(t, env.b.A, nil)
		d := env.dispatcher(t)
		var refs []string
		for i := range 5 {
			ref := fmt.Sprintf("conv-%d", i)
			refs = append(refs, ref)
			exec(t, d, &routing.Command{Op: routing.OpEnqueue, Item: &routing.Item{ID: storetest.NewID(), Ref: ref,
				QueueID: q.ID, Channel: routing.ChannelChat, EnqueuedAt: env.clock.Now()}})
			env.clock.Advance(time.Second)
		}
		res := exec(t, d, &routing.Command{Op: routing.OpPresence, UserID: ann.ID, Presence: routing.Available})
		require.NotNil(t, res)
		offered := exec(t, d, &routing.Command{Op: routing.OpItem, Ref: "conv-0"}).Item
		require.Equal(t, routing.Offered, offered.Status)
		require.Equal(t, ann.ID, offered.AgentID)
		before := exec(t, d, &routing.Command{Op: routing.OpQueueStats, QueueID: q.ID}).Stats[0]
		d.Stop()

		env.clock.Advance(10 * time.Second)
		d2 := env.dispatcher(t)
		// ann's chat capacity (3) holds three offers; the rest wait in order.
		for i, ref := range refs[3:] {
			p := exec(t, d2, &routing.Command{Op: routing.OpPosition, Ref: ref}).Position
			require.Equal(t, i+1, p.Position, ref)
		}
		it := exec(t, d2, &routing.Command{Op: routing.OpItem, Ref: "conv-0"}).Item
		require.Equal(t, offered.OfferID, it.OfferID)
		require.True(t, offered.Expires.Equal(it.Expires))
		after := exec(t, d2, &routing.Command{Op: routing.OpQueueStats, QueueID: q.ID}).Stats[0]
		require.Equal(t, before.Waiting, after.Waiting)
		require.Equal(t, before.LongestWaitSeconds+10, after.LongestWaitSeconds, "the wait goes on across the restart")
		a := exec(t, d2, &routing.Command{Op: routing.OpAgentState, UserID: ann.ID}).Agent
		require.Equal(t, routing.Available, a.Presence)
		require.Equal(t, 3, a.Load[routing.ChannelChat], "open offers hold capacity")

		// The offer lapses 30 s after it was made, restart or not.
		env.clock.Advance(21 * time.Second)
		exec(t, d2, &routing.Command{Op: routing.OpReload}) // wakes the loop at the new time
		require.Eventually(t, func() bool {
			it := exec(t, d2, &routing.Command{Op: routing.OpItem, Ref: "conv-0"}).Item
			return it.Status == routing.Queued && len(it.Declined) == 1
		}, 5*time.Second, 10*time.Millisecond)
		p := exec(t, d2, &routing.Command{Op: routing.OpPosition, Ref: "conv-0"}).Position
		require.Equal(t, 1, p.Position, "back in its place: first")
		a = exec(t, d2, &routing.Command{Op: routing.OpAgentState, UserID: ann.ID}).Agent
		require.Equal(t, routing.Away, a.Presence, "missed offer")
		require.Empty(t, env.logs.Errors())
	})
}

// TestRoutingAnnounce: offers are announced when decided, before their
// write; an offer whose write fails is withdrawn, and the work waits on,
// as stored (ADR 0017).
func TestRoutingAnnounce(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, env *routingEnv) {
		q := env.b.Queue(t, env.b.A.ID, "Support")
		ann := env.b.User(t, env.b.A, nil)
		var (
			fail    atomic.Bool
			mu      sync.Mutex
			notices []routing.Notice
		)
		d := env.dispatcherWith(t, func(c *routing.DispatcherConfig) {
			inTx := c.InTx
			c.InTx = func(ctx context.Context, fn func(routing.Tx) error) error {
				if fail.Load() {
					return errors.New("disk full")
				}
				return inTx(ctx, fn)
			}
			c.Announce = func(ns []routing.Notice) {
				mu.Lock()
				defer mu.Unlock()
				notices = append(notices, ns...)
			}
		})
		taken := func() []routing.Notice {
			mu.Lock()
			defer mu.Unlock()
			out := notices
			notices = nil
			return out
		}
		exec(t, d, &routing.Command{Op: routing.OpEnqueue, Item: &routing.Item{ID: storetest.NewID(), Ref: "conv-0",
			QueueID: q.ID, Channel: routing.ChannelChat, EnqueuedAt: env.clock.Now()}})
		require.Empty(t, taken(), "nobody to offer to")

		// The write fails: the offer shown is withdrawn.
		fail.Store(true)
		_, err := d.Execute(context.Background(), &routing.Command{Op: routing.OpPresence, UserID: ann.ID,
			Presence: routing.Available})
		require.ErrorContains(t, err, "disk full")
		ns := taken()
		require.Len(t, ns, 2)
		require.Equal(t, routing.NoticeOffered, ns[0].Kind)
		shown := ns[0].Event.Item
		require.Equal(t, ann.ID, shown.AgentID)
		require.Equal(t, "conv-0", shown.Ref)
		require.Equal(t, routing.NoticeWithdrawn, ns[1].Kind)
		require.Equal(t, routing.ReasonWithdrawn, ns[1].Event.Reason)
		require.Equal(t, ann.ID, ns[1].Event.PrevAgentID)
		require.Equal(t, shown.OfferID, ns[1].Event.PrevOfferID)

		fail.Store(false)
		it := exec(t, d, &routing.Command{Op: routing.OpItem, Ref: "conv-0"}).Item
		require.Equal(t, routing.Queued, it.Status, "memory went back to what is stored")
		_, err = d.Execute(context.Background(), &routing.Command{Op: routing.OpAccept, UserID: ann.ID, OfferID: shown.OfferID})
		require.Error(t, err, "a withdrawn offer cannot be accepted")

		// Written this time: the offer announced is the offer stored.
		exec(t, d, &routing.Command{Op: routing.OpPresence, UserID: ann.ID, Presence: routing.Available})
		ns = taken()
		require.Len(t, ns, 1)
		require.Equal(t, routing.NoticeOffered, ns[0].Kind)
		it = exec(t, d, &routing.Command{Op: routing.OpItem, Ref: "conv-0"}).Item
		require.Equal(t, routing.Offered, it.Status)
		require.Equal(t, it.OfferID, ns[0].Event.Item.OfferID)
		require.NotEqual(t, shown.OfferID, it.OfferID)
		exec(t, d, &routing.Command{Op: routing.OpAccept, UserID: ann.ID, OfferID: it.OfferID})
	})
}

// TestRoutingLive: supervisors get the tenant's live state pushed — every
// agent and queue at first, then at most once a second what changed, and
// the queues every 10 s while work waits.
func TestRoutingLive(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, env *routingEnv) {
		q := env.b.Queue(t, env.b.A.ID, "Support")
		ann := env.b.User(t, env.b.A, nil)
		bob := env.b.User(t, env.b.A, nil)
		pushes := make(chan *routing.LiveState, 16)
		d := env.dispatcherWith(t, func(c *routing.DispatcherConfig) {
			c.Live = func(s *routing.LiveState) { pushes <- s }
		})
		next := func() *routing.LiveState {
			t.Helper()
			select {
			case s := <-pushes:
				return s
			case <-time.After(5 * time.Second):
				t.Fatal("no live state pushed")
				return nil
			}
		}
		none := func() {
			t.Helper()
			select {
			case s := <-pushes:
				t.Fatalf("unexpected push: %+v", s)
			case <-time.After(100 * time.Millisecond):
			}
		}
		agentIDs := func(s *routing.LiveState) []string {
			var ids []string
			for _, a := range s.Agents {
				ids = append(ids, a.UserID)
			}
			return ids
		}
		first := next()
		require.Len(t, first.Queues, 1)
		require.Subset(t, agentIDs(first), []string{ann.ID, bob.ID}, "everyone at first")

		// Within the second: nothing yet; then one push with both changes.
		exec(t, d, &routing.Command{Op: routing.OpEnqueue, Item: &routing.Item{ID: storetest.NewID(), Ref: "conv-0",
			QueueID: q.ID, Channel: routing.ChannelChat, EnqueuedAt: env.clock.Now()}})
		exec(t, d, &routing.Command{Op: routing.OpPresence, UserID: ann.ID, Presence: routing.Away})
		none()
		env.clock.Advance(time.Second)
		exec(t, d, &routing.Command{Op: routing.OpQueueStats}) // wakes the loop at the new time
		s := next()
		require.Equal(t, 1, s.Queues[0].Waiting)
		require.Equal(t, []string{ann.ID}, agentIDs(s), "only who changed")
		require.Equal(t, routing.Away, s.Agents[0].Presence)

		// An offer changes the agent's load and offers.
		env.clock.Advance(time.Second)
		exec(t, d, &routing.Command{Op: routing.OpPresence, UserID: bob.ID, Presence: routing.Available})
		s = next()
		require.Equal(t, []string{bob.ID}, agentIDs(s))
		require.Len(t, s.Agents[0].Offers, 1)
		require.Equal(t, 1, s.Agents[0].Load[routing.ChannelChat])

		// Nothing changes but work waits: the queues again after 10 s.
		exec(t, d, &routing.Command{Op: routing.OpPresence, UserID: bob.ID, Presence: routing.Away})
		env.clock.Advance(time.Second)
		exec(t, d, &routing.Command{Op: routing.OpQueueStats})
		require.Equal(t, 1, next().Queues[0].Waiting)
		none()
		env.clock.Advance(10 * time.Second)
		exec(t, d, &routing.Command{Op: routing.OpQueueStats})
		s = next()
		require.Empty(t, s.Agents)
		require.Equal(t, 1, s.Queues[0].Waiting)
	})
}

// TestRoutingConcurrent drives one dispatcher from many goroutines with
// random arrivals, accepts, declines, presence changes and ends (run it
// with -race). The dispatcher checks every invariant after each batch; a
// restart must then rebuild exactly the loads the database implies.
func TestRoutingConcurrent(t *testing.T) {
	t.Parallel()
	eachEngine(t, func(t *testing.T, env *routingEnv) {
		q := env.b.Queue(t, env.b.A.ID, "Support")
		var agents []string
		for range 6 {
			agents = append(agents, env.b.User(t, env.b.A, nil).ID)
		}
		d := env.dispatcher(t)
		var wg sync.WaitGroup
		for w := range 8 {
			wg.Go(func() {
				rng := rand.New(rand.NewPCG(uint64(w), 7))
				for i := range 60 {
					randomCommand(t, d, rng, q.ID, agents, fmt.Sprintf("w%d-%d", w, i))
				}
			})
		}
		wg.Wait()
		require.Empty(t, env.logs.Errors(), "no invariant violations")
		st := exec(t, d, &routing.Command{Op: routing.OpQueueStats, QueueID: q.ID}).Stats[0]
		require.Positive(t, st.AnsweredToday, "the run assigned work")
		loads := map[string]int{}
		for _, id := range agents {
			loads[id] = exec(t, d, &routing.Command{Op: routing.OpAgentState, UserID: id}).Agent.Load[routing.ChannelChat]
		}
		d.Stop()
		d2 := env.dispatcher(t)
		for _, id := range agents {
			require.Equal(t, loads[id], exec(t, d2, &routing.Command{Op: routing.OpAgentState, UserID: id}).Agent.Load[routing.ChannelChat])
		}
		require.Empty(t, env.logs.Errors())
	})
}

func randomCommand(t *testing.T, d *routing.Dispatcher, rng *rand.Rand, queueID string, agents []string, ref string) {
	ctx := context.Background()
	agent := agents[rng.IntN(len(agents))]
	switch rng.IntN(6) {
	case 0, 1:
		_, err := d.Execute(ctx, &routing.Command{Op: routing.OpEnqueue, Item: &routing.Item{ID: storetest.NewID(), Ref: ref,
			QueueID: queueID, Channel: routing.ChannelChat, EnqueuedAt: time.Now()}})
		require.NoError(t, err)
	case 2:
		p := []routing.Presence{routing.Available, routing.Available, routing.Away, routing.Offline}[rng.IntN(4)]
		_, err := d.Execute(ctx, &routing.Command{Op: routing.OpPresence, UserID: agent, Presence: p})
		require.NoError(t, err)
	default:
		// Answer or end one of this worker's earlier items.
		res, err := d.Execute(ctx, &routing.Command{Op: routing.OpItem, Ref: ref[:strings.LastIndex(ref, "-")+1] + fmt.Sprint(rng.IntN(60))})
		if err != nil {
			return // not routed (any more)
		}
		it := res.Item
		var c *routing.Command
		switch {
		case it.Status == routing.Offered && rng.IntN(2) == 0:
			c = &routing.Command{Op: routing.OpAccept, OfferID: it.OfferID, UserID: it.AgentID}
		case it.Status == routing.Offered:
			c = &routing.Command{Op: routing.OpDecline, OfferID: it.OfferID, UserID: it.AgentID}
		default:
			c = &routing.Command{Op: routing.OpEnd, Ref: it.Ref, Reason: "resolved"}
		}
		if _, err := d.Execute(ctx, c); err != nil {
			require.ErrorIs(t, err, routing.ErrOfferGone, "only a race with another worker may refuse it")
		}
	}
}
