package routing_test

import (
	"fmt"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/routing"
)

var t0 = time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)

// fixture is a board with a clock and sequential offer IDs.
type fixture struct {
	t   *testing.T
	b   *routing.Board
	now time.Time
	ids int
}

func newFixture(t *testing.T, s routing.Settings) *fixture {
	f := &fixture{t: t, now: t0}
	f.b = routing.NewBoard(s, func() string { f.ids++; return fmt.Sprintf("offer-%03d", f.ids) })
	return f
}

func (f *fixture) queue(q *routing.Queue) *routing.Queue {
	q.TenantID = "tn"
	if q.Strategy == "" {
		q.Strategy = routing.LongestIdle
	}
	f.check(f.b.SetQueue(q, f.now))
	return q
}

func (f *fixture) agent(id string, skills map[string]int, capacity map[routing.Channel]int) {
	f.check(f.b.SetAgent(id, skills, capacity, f.now))
}

func (f *fixture) available(id string) []routing.Effect {
	return f.check(f.b.SetPresence(id, routing.Available, "", f.now))
}

func (f *fixture) enqueue(ref, queue string) []routing.Effect {
	fx, err := f.b.Enqueue(&routing.Item{ID: "item-" + ref, Ref: ref, QueueID: queue, Channel: routing.ChannelChat,
		EnqueuedAt: f.now}, f.now)
	require.NoError(f.t, err)
	return f.check(fx)
}

func (f *fixture) advance(d time.Duration) []routing.Effect {
	f.now = f.now.Add(d)
	return f.check(f.b.Tick(f.now))
}

// check asserts the invariants and passes the effects through.
func (f *fixture) check(fx []routing.Effect) []routing.Effect {
	f.t.Helper()
	require.NoError(f.t, f.b.Check(f.now))
	return fx
}

// kinds summarises effects as "kind:item@agent" strings.
func kinds(fx []routing.Effect) []string {
	var out []string
	for _, e := range fx {
		switch {
		case e.Item != nil && e.Item.AgentID != "":
			out = append(out, fmt.Sprintf("%s:%s@%s", e.Kind, e.Item.Ref, e.Item.AgentID))
		case e.Item != nil:
			out = append(out, fmt.Sprintf("%s:%s", e.Kind, e.Item.Ref))
		default:
			out = append(out, fmt.Sprintf("%s:%s=%s", e.Kind, e.Agent.UserID, e.Agent.Presence))
		}
	}
	return out
}

func TestOfferAcceptDecline(t *testing.T) {
	f := newFixture(t, routing.Settings{})
	f.queue(&routing.Queue{ID: "q", Skills: []routing.SkillReq{{SkillID: "en", MinLevel: 2}}, MissedOfferAway: true,
		OfferTimeoutSeconds: 20})
	f.agent("ann", map[string]int{"en": 3}, nil)
	f.agent("bob", map[string]int{"en": 2}, nil)
	f.agent("cat", map[string]int{"en": 1}, nil) // below the required level
	require.Equal(t, []string{"queued:c1"}, kinds(f.enqueue("c1", "q")), "everyone starts offline")

	f.available("cat")
	f.now = f.now.Add(time.Second)
	require.Equal(t, []string{"presence:ann=available", "offered:c1@ann"}, kinds(f.available("ann")))
	f.now = f.now.Add(time.Second)
	f.available("bob")

	it, _ := f.b.Item("c1")
	fx, err := f.b.Decline(it.OfferID, "ann", f.now)
	require.NoError(t, err)
	require.Equal(t, []string{"requeued:c1", "offered:c1@bob"}, kinds(f.check(fx)), "the next agent gets it")
	_, err = f.b.Accept(it.OfferID, "ann", f.now)
	require.ErrorIs(t, err, routing.ErrOfferGone, "a declined offer cannot be accepted")

	// bob lets it lapse: back to the queue, bob goes away, ann declined
	// already, so it waits.
	fx = f.advance(20 * time.Second)
	require.Equal(t, []string{"requeued:c1", "presence:bob=away"}, kinds(fx))
	a, _ := f.b.Agent("bob")
	require.Equal(t, routing.ReasonMissedOffer, a.Reason)

	// A new agent takes it and accepts.
	f.agent("dan", map[string]int{"en": 5}, nil)
	require.Equal(t, []string{"presence:dan=available", "offered:c1@dan"}, kinds(f.available("dan")))
	it, _ = f.b.Item("c1")
	fx, err = f.b.Accept(it.OfferID, "dan", f.now)
	require.NoError(t, err)
	require.Equal(t, []string{"assigned:c1@dan"}, kinds(f.check(fx)))
	d, _ := f.b.Agent("dan")
	require.Equal(t, 1, d.Load[routing.ChannelChat])

	st, err := f.b.QueueStats("q", f.now)
	require.NoError(t, err)
	require.Equal(t, 1, st.AnsweredToday)
	require.NotNil(t, st.ServiceLevel)
	require.InDelta(t, 0.0, *st.ServiceLevel, 1e-9, "answered after 42 s, target 20 s")
}

func TestCapacityAndLongestIdle(t *testing.T) {
	f := newFixture(t, routing.Settings{})
	f.queue(&routing.Queue{ID: "q", AutoAccept: true})
	f.agent("ann", nil, map[routing.Channel]int{routing.ChannelChat: 2})
	f.agent("bob", nil, map[routing.Channel]int{routing.ChannelChat: 1})
	f.available("bob")
	f.now = f.now.Add(time.Second)
	f.available("ann")
	var got []string
	for i := range 5 {
		got = append(got, kinds(f.enqueue(fmt.Sprintf("c%d", i), "q"))...)
	}
	require.Equal(t, []string{
		"queued:c0", "assigned:c0@bob", // bob has waited longest
		"queued:c1", "assigned:c1@ann",
		"queued:c2", "assigned:c2@ann", // bob is full
		"queued:c3", "queued:c4", // everyone is full
	}, got)
	st, _ := f.b.QueueStats("q", f.now)
	require.Equal(t, 2, st.Waiting)
	require.Equal(t, 2, st.Agents.Busy)

	// Ending bob's chat, after 90 s, pulls the oldest waiting item.
	f.now = f.now.Add(90 * time.Second)
	require.Equal(t, []string{"completed:c0@bob", "assigned:c3@bob"}, kinds(f.check(f.b.End("c0", "resolved", f.now))))
	pos, ok := f.b.Position("c4", f.now)
	require.True(t, ok)
	require.Equal(t, 1, pos.Position)
	// Three chat slots staffed, one chat handled in 90 s: first in line
	// waits about a third of that.
	require.Equal(t, 30, pos.EstimatedWaitSeconds)
	require.False(t, pos.Alternatives)
}

func TestVoiceBlocksChats(t *testing.T) {
	f := newFixture(t, routing.Settings{VoiceBlocksChats: true})
	f.queue(&routing.Queue{ID: "q", AutoAccept: true})
	f.agent("ann", nil, nil)
	f.available("ann")
	fx, err := f.b.Enqueue(&routing.Item{ID: "call", Ref: "call", QueueID: "q", Channel: routing.ChannelVoice, EnqueuedAt: f.now}, f.now)
	require.NoError(t, err)
	require.Equal(t, []string{"queued:call", "assigned:call@ann"}, kinds(f.check(fx)))
	require.Equal(t, []string{"queued:c1"}, kinds(f.enqueue("c1", "q")), "on a call: no chats")
	require.Equal(t, []string{"completed:call@ann", "assigned:c1@ann"}, kinds(f.check(f.b.End("call", "hangup", f.now))))
}

func TestOverflowRelaxAndMove(t *testing.T) {
	f := newFixture(t, routing.Settings{})
	f.queue(&routing.Queue{ID: "billing", AutoAccept: true, Skills: []routing.SkillReq{{SkillID: "billing", MinLevel: 4}}})
	f.queue(&routing.Queue{ID: "vip", AutoAccept: true, Skills: []routing.SkillReq{{SkillID: "vip", MinLevel: 3}},
		Overflow: []routing.Overflow{
			{AfterSeconds: 30, Action: routing.RelaxSkills, Levels: 1},
			{AfterSeconds: 60, Action: routing.AddAgents, QueueID: "billing"},
			{AfterSeconds: 120, Action: routing.MoveToQueue, QueueID: "general"},
		}})
	f.queue(&routing.Queue{ID: "general", AutoAccept: true})
	one := map[routing.Channel]int{routing.ChannelChat: 1}
	f.agent("junior", map[string]int{"vip": 2}, one)
	f.agent("biller", map[string]int{"billing": 4}, one)
	f.available("junior")
	f.available("biller")
	require.Equal(t, []string{"queued:a"}, kinds(f.enqueue("a", "vip")))
	require.Empty(t, f.advance(29*time.Second))
	require.Equal(t, []string{"assigned:a@junior"}, kinds(f.advance(time.Second)), "relaxed to level 2 at 30 s")

	require.Equal(t, []string{"queued:b"}, kinds(f.enqueue("b", "vip")))
	require.Empty(t, f.advance(59*time.Second), "relaxed, but junior is full")
	require.Equal(t, []string{"assigned:b@biller"}, kinds(f.advance(time.Second)), "billing's agents added at 60 s")

	require.Equal(t, []string{"queued:c"}, kinds(f.enqueue("c", "vip")))
	require.Equal(t, []string{"moved:c"}, kinds(f.advance(120*time.Second)), "moved to general at 120 s; all full")
	it, _ := f.b.Item("c")
	require.Equal(t, "general", it.QueueID)
	require.Equal(t, []string{"completed:a@junior", "assigned:c@junior"}, kinds(f.check(f.b.End("a", "resolved", f.now))))
}

func TestMaxWaitAndClosedQueue(t *testing.T) {
	f := newFixture(t, routing.Settings{})
	open := false
	f.queue(&routing.Queue{ID: "q", AutoAccept: true, MaxWaitSeconds: 60, Open: func(time.Time) bool { return open }})
	f.agent("ann", nil, nil)
	f.available("ann")
	require.Equal(t, []string{"queued:c1"}, kinds(f.enqueue("c1", "q")), "closed: no offers")
	open = true
	require.Equal(t, []string{"assigned:c1@ann"}, kinds(f.advance(time.Second)), "a tick routes once open")
	open = false
	f.enqueue("c2", "q")
	require.Equal(t, []string{"abandoned:c2"}, kinds(f.advance(time.Minute)))
}

func TestWrapUpAndSticky(t *testing.T) {
	f := newFixture(t, routing.Settings{})
	f.queue(&routing.Queue{ID: "q", AutoAccept: true, WrapUpSeconds: 30})
	f.agent("ann", nil, nil)
	f.agent("bob", nil, nil)
	f.available("ann")
	f.now = f.now.Add(time.Second)
	f.available("bob")
	fx, err := f.b.Enqueue(&routing.Item{ID: "i1", Ref: "c1", QueueID: "q", Channel: routing.ChannelChat,
		EnqueuedAt: f.now, Sticky: "bob"}, f.now)
	require.NoError(t, err)
	require.Equal(t, []string{"queued:c1", "assigned:c1@bob"}, kinds(f.check(fx)), "sticky beats longest idle")
	require.Equal(t, []string{"completed:c1@bob", "presence:bob=after_work"}, kinds(f.check(f.b.End("c1", "resolved", f.now))))
	f.enqueue("c2", "q")
	it, _ := f.b.Item("c2")
	require.Equal(t, "ann", it.AgentID)
	require.Equal(t, []string{"presence:bob=available"}, kinds(f.advance(30*time.Second)))
}
