package routing_test

import (
	"encoding/json"
	"flag"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/routing"
)

var update = flag.Bool("update", false, "rewrite testdata/*.golden")

// matchCase is one scenario of testdata/match_cases.json. Times are seconds
// after the case's start.
type matchCase struct {
	Name     string `json:"name"`
	Settings struct {
		VoiceBlocksChats bool `json:"voice_blocks_chats"`
	} `json:"settings"`
	Queue struct {
		Strategy routing.Strategy   `json:"strategy"`
		Skills   []routing.SkillReq `json:"skills"`
		Overflow []routing.Overflow `json:"overflow"`
	} `json:"queue"`
	Item struct {
		Declined []string `json:"declined"`
		Sticky   string   `json:"sticky"`
	} `json:"item"`
	Waited int `json:"waited"`
	Agents []struct {
		ID        string                  `json:"id"`
		Skills    map[string]int          `json:"skills"`
		Load      map[routing.Channel]int `json:"load"`
		Presence  routing.Presence        `json:"presence"`
		IdleSince int                     `json:"idle_since"`
		LastOffer int                     `json:"last_offer"`
	} `json:"agents"`
}

// TestChooseAgentGolden runs every case in testdata/match_cases.json through
// the pure matching core and compares the decisions with
// testdata/match.golden (go test ./internal/routing -run Golden -update
// rewrites it; review the diff).
func TestChooseAgentGolden(t *testing.T) {
	t.Parallel()
	raw, err := os.ReadFile(filepath.Join("testdata", "match_cases.json"))
	require.NoError(t, err)
	var cases []matchCase
	require.NoError(t, json.Unmarshal(raw, &cases))
	var out strings.Builder
	for _, c := range cases {
		q := &routing.Queue{ID: "q", Strategy: c.Queue.Strategy, Skills: c.Queue.Skills, Overflow: c.Queue.Overflow}
		it := &routing.Item{ID: "item", Ref: "ref", QueueID: "q", Channel: routing.ChannelChat, EnqueuedAt: t0,
			QueuedAt: t0, Declined: c.Item.Declined, Sticky: c.Item.Sticky}
		now := t0.Add(time.Duration(c.Waited) * time.Second)
		var agents []*routing.Agent
		for _, a := range c.Agents {
			p := a.Presence
			if p == "" {
				p = routing.Available
			}
			agents = append(agents, &routing.Agent{UserID: a.ID, Presence: p, Skills: a.Skills, Load: a.Load,
				Capacity: routing.DefaultCapacity(), IdleSince: t0.Add(time.Duration(a.IdleSince) * time.Second),
				LastOffer: t0.Add(time.Duration(a.LastOffer) * time.Second)})
		}
		r := routing.Requirements(q, it, now, func(string) *routing.Queue { return nil })
		d := routing.ChooseAgent(q, it, r, agents, routing.Settings{VoiceBlocksChats: c.Settings.VoiceBlocksChats}, now)
		// The decision must not depend on the order agents are given in.
		for i, j := 0, len(agents)-1; i < j; i, j = i+1, j-1 {
			agents[i], agents[j] = agents[j], agents[i]
		}
		require.Equal(t, d, routing.ChooseAgent(q, it, r, agents, routing.Settings{VoiceBlocksChats: c.Settings.VoiceBlocksChats}, now), c.Name)
		js, err := json.Marshal(d)
		require.NoError(t, err)
		fmt.Fprintf(&out, "%s\n\t%s\n", c.Name, js)
	}
	golden := filepath.Join("testdata", "match.golden")
	if *update {
		require.NoError(t, os.WriteFile(golden, []byte(out.String()), 0o644))
	}
	want, err := os.ReadFile(golden)
	require.NoError(t, err, "run with -update to create it")
	require.Equal(t, string(want), out.String())
}

func TestChooseItemOrder(t *testing.T) {
	t.Parallel()
	a := &routing.Agent{UserID: "ann", Presence: routing.Available, Skills: map[string]int{"en": 2},
		Capacity: routing.DefaultCapacity(), Load: map[routing.Channel]int{}}
	item := func(id string, prio, age int) *routing.Item {
		return &routing.Item{ID: id, Channel: routing.ChannelChat, Priority: prio, EnqueuedAt: t0.Add(-time.Duration(age) * time.Second)}
	}
	en := routing.Requirement{Skills: []routing.SkillReq{{SkillID: "en", MinLevel: 1}}}
	fr := routing.Requirement{Skills: []routing.SkillReq{{SkillID: "fr", MinLevel: 1}}}
	tests := []struct {
		name  string
		cands []routing.Candidate
		want  int
	}{
		{"none", nil, -1},
		{"older first", []routing.Candidate{{item("a", 0, 10), en}, {item("b", 0, 20), en}}, 1},
		{"priority beats age", []routing.Candidate{{item("a", 0, 100), en}, {item("b", 1, 1), en}}, 1},
		{"unqualified skipped", []routing.Candidate{{item("a", 1, 100), fr}, {item("b", 0, 1), en}}, 1},
		{"same age by ID", []routing.Candidate{{item("b", 0, 5), en}, {item("a", 0, 5), en}}, 1},
		{"declined skipped", []routing.Candidate{{&routing.Item{ID: "a", Channel: routing.ChannelChat, Priority: 9,
			Declined: []string{"ann"}}, en}, {item("b", 0, 1), en}}, 1},
	}
	for _, tc := range tests {
		require.Equal(t, tc.want, routing.ChooseItem(a, tc.cands, routing.Settings{}, t0), tc.name)
	}
}
