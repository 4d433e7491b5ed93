package routing_test

import (
	"errors"
	"fmt"
	"math/rand/v2"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/routing"
)

// TestBoardRandomized drives a board with random arrivals, accepts,
// declines, presence changes, removals, transfers, direct assignments, ends
// and clock jumps, and checks every invariant after each step. Seeds are
// fixed so a failure reproduces; the step that broke is in the message.
func TestBoardRandomized(t *testing.T) {
	t.Parallel()
	for seed := range uint64(16) {
		t.Run(fmt.Sprint(seed), func(t *testing.T) {
			t.Parallel()
			runRandom(t, seed, 2000)
		})
	}
}

func runRandom(t *testing.T, seed uint64, steps int) {
	rng := rand.New(rand.NewPCG(seed, 0x5eed))
	f := newFixture(t, routing.Settings{VoiceBlocksChats: seed%2 == 0})
	skills := []string{"en", "zh", "billing"}
	queues := []string{"q0", "q1", "q2"}
	for i, id := range queues {
		q := &routing.Queue{ID: id, Priority: i % 2, AutoAccept: rng.IntN(3) == 0, MissedOfferAway: rng.IntN(2) == 0,
			OfferTimeoutSeconds: 5 + rng.IntN(20), WrapUpSeconds: rng.IntN(3) * 5, MaxWaitSeconds: rng.IntN(2) * 300,
			Strategy: []routing.Strategy{routing.LongestIdle, routing.LeastOccupied, routing.RoundRobin, routing.MostSkilled}[rng.IntN(4)]}
		if rng.IntN(2) == 0 {
			q.Skills = []routing.SkillReq{{SkillID: skills[rng.IntN(3)], MinLevel: 1 + rng.IntN(4)}}
		}
		q.Overflow = []routing.Overflow{{AfterSeconds: 20, Action: routing.RelaxSkills, Levels: 2},
			{AfterSeconds: 40, Action: routing.AddAgents, QueueID: queues[(i+1)%3]},
			{AfterSeconds: 90, Action: routing.MoveToQueue, QueueID: queues[(i+2)%3]}}
		f.queue(q)
	}
	agents := make([]string, 12)
	for i := range agents {
		agents[i] = fmt.Sprintf("agent-%02d", i)
		f.agent(agents[i], map[string]int{skills[i%3]: 1 + rng.IntN(5), skills[(i+1)%3]: 1 + rng.IntN(5)},
			map[routing.Channel]int{routing.ChannelChat: rng.IntN(4), routing.ChannelVoice: 1, routing.ChannelEmail: 2})
	}
	channels := []routing.Channel{routing.ChannelChat, routing.ChannelChat, routing.ChannelVoice, routing.ChannelEmail}
	refs := 0
	for step := range steps {
		op := rng.IntN(11)
		switch op {
		case 0, 1, 2:
			refs++
			ref := fmt.Sprintf("r%05d", refs)
			_, err := f.b.Enqueue(&routing.Item{ID: "i" + ref, Ref: ref, QueueID: queues[rng.IntN(3)],
				Channel: channels[rng.IntN(4)], Priority: rng.IntN(2), EnqueuedAt: f.now}, f.now)
			require.NoError(t, err)
		case 3:
			answerOffer(f, rng, refs, true)
		case 4:
			answerOffer(f, rng, refs, false)
		case 5:
			p := []routing.Presence{routing.Available, routing.Available, routing.Away, routing.Offline}[rng.IntN(4)]
			f.b.SetPresence(agents[rng.IntN(len(agents))], p, "", f.now)
		case 6:
			if refs > 0 {
				f.b.End(fmt.Sprintf("r%05d", 1+rng.IntN(refs)), "random", f.now)
			}
		case 7:
			if refs > 0 {
				_, _ = f.b.Transfer(fmt.Sprintf("r%05d", 1+rng.IntN(refs)), queues[rng.IntN(3)], f.now)
			}
		case 8:
			if refs > 0 {
				_, err := f.b.Assign(fmt.Sprintf("r%05d", 1+rng.IntN(refs)), agents[rng.IntN(len(agents))], false, f.now)
				require.True(t, err == nil || errors.Is(err, routing.ErrAtCapacity) || errors.Is(err, routing.ErrItemNotFound), err)
			}
		case 9:
			i := rng.IntN(len(agents))
			f.b.SetAgent(agents[i], map[string]int{skills[rng.IntN(3)]: 1 + rng.IntN(5)},
				map[routing.Channel]int{routing.ChannelChat: rng.IntN(4), routing.ChannelVoice: rng.IntN(2)}, f.now)
		default:
			f.now = f.now.Add(time.Duration(rng.IntN(30)) * time.Second)
			f.b.Tick(f.now)
		}
		if err := f.b.Check(f.now); err != nil {
			t.Fatalf("seed %d step %d (op %d): %v", seed, step, op, err)
		}
	}
}

// answerOffer accepts or declines one open offer, if any.
func answerOffer(f *fixture, rng *rand.Rand, refs int, accept bool) {
	for range 8 {
		it, ok := f.b.Item(fmt.Sprintf("r%05d", 1+rng.IntN(max(1, refs))))
		if !ok || it.Status != routing.Offered {
			continue
		}
		var err error
		if accept {
			_, err = f.b.Accept(it.OfferID, it.AgentID, f.now)
		} else {
			_, err = f.b.Decline(it.OfferID, it.AgentID, f.now)
		}
		require.NoError(f.t, err)
		return
	}
}
