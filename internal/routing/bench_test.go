package routing_test

import (
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard/internal/routing"
)

// BenchmarkAssign measures the board — the matching core and the state it
// keeps — at the scale: 10,000 agents in 20 queues with skill
// requirements, 100,000 waiting items, every agent at capacity. One
// operation ends a random assigned item, which frees its agent, who is
// assigned the best waiting item they qualify for; a new item arrives to
// keep the backlog at 100,000. It reports assignments/s and the latency of
// the decision (the End call that chooses and assigns) at p50/p99/max.
// No I/O: the dispatcher's commit is measured separately.
//
//	go test -run '^$' -bench Assign -benchtime 200000x ./internal/routing
//
// The scale of BenchmarkAssign.
const (
	benchAgents  = 10_000
	benchWaiting = 100_000
)

func BenchmarkAssign(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Date(2026, 11, 21, 9, 0, 0, 0, time.UTC)
	ids := 0
	board := routing.NewBoard(routing.Settings{}, func() string { ids++; return fmt.Sprint("o", ids) })
	skills := []string{"en", "zh", "billing", "tech", "sales"}
	queues := make([]string, 20)
	for i := range queues {
		queues[i] = fmt.Sprintf("q%02d", i)
		board.SetQueue(&routing.Queue{ID: queues[i], Strategy: routing.LongestIdle, AutoAccept: true, Priority: i % 3,
			Skills: []routing.SkillReq{{SkillID: skills[i%5], MinLevel: 1 + i%3}}}, now)
	}
	for i := range benchAgents {
		id := fmt.Sprintf("agent-%05d", i)
		board.SetAgent(id, map[string]int{skills[i%5]: 1 + rng.IntN(5), skills[(i+2)%5]: 1 + rng.IntN(5)},
			map[routing.Channel]int{routing.ChannelChat: 3}, now)
		board.SetPresence(id, routing.Available, "", now)
	}
	var assigned []string // refs of assigned items
	refs := 0
	enqueue := func() {
		refs++
		now = now.Add(time.Microsecond) // arrivals in order, as in production
		ref := fmt.Sprintf("r%08d", refs)
		fx, err := board.Enqueue(&routing.Item{ID: ref, Ref: ref, QueueID: queues[rng.IntN(len(queues))],
			Channel: routing.ChannelChat, EnqueuedAt: now}, now)
		if err != nil {
			b.Fatal(err)
		}
		assigned = appendAssigned(assigned, fx)
	}
	for range benchAgents*3 + benchWaiting { // fill the agents, then the backlog
		enqueue()
	}
	waiting := func() int {
		n := 0
		for _, q := range queues {
			st, _ := board.QueueStats(q, now)
			n += st.Waiting
		}
		return n
	}
	b.Logf("agents %d, assigned %d, waiting %d", benchAgents, len(assigned), waiting())
	lat := make([]time.Duration, 0, b.N)
	made := 0
	b.ResetTimer()
	for range b.N {
		i := rng.IntN(len(assigned))
		ref := assigned[i]
		assigned[i] = assigned[len(assigned)-1]
		assigned = assigned[:len(assigned)-1]
		start := time.Now()
		fx := board.End(ref, "resolved", now)
		lat = append(lat, time.Since(start))
		before := len(assigned)
		assigned = appendAssigned(assigned, fx)
		made += len(assigned) - before
		enqueue()
	}
	b.StopTimer()
	b.ReportMetric(float64(made)/b.Elapsed().Seconds(), "assignments/s")
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
	b.ReportMetric(float64(lat[len(lat)-1].Nanoseconds())/1e3, "max-µs")
	if w := waiting(); w < benchWaiting*99/100 {
		b.Fatalf("backlog fell to %d", w)
	}
}

func appendAssigned(refs []string, fx []routing.Effect) []string {
	for _, e := range fx {
		if e.Kind == routing.EffectAssigned {
			refs = append(refs, e.Item.Ref)
		}
	}
	return refs
}
