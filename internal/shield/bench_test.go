package shield_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"slices"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard/internal/shield"
)

// The scale of BenchmarkResolve: the 100 compiled rules and
// 10,000 active dial codes, over 100 agents and 10,000 customers.
const (
	benchRules     = 100
	benchCodes     = 10_000
	benchAgents    = 100
	benchCustomers = 10_000
)

// benchDirectory is the look-ups as maps: the engine is under test, not a
// fake's linear scans.
type benchDirectory struct {
	agents    map[string]*shield.Agent
	customers map[string]*shield.Customer
	byPhone   map[string]string
	codes     map[string]*shield.DialCode
}

func (d *benchDirectory) AgentByExtension(_ context.Context, _, ext string) (*shield.Agent, error) {
	if a, ok := d.agents[ext]; ok {
		return a, nil
	}
	return nil, shield.ErrUnknownAgent
}

func (d *benchDirectory) Agent(context.Context, string, string) (*shield.Agent, error) {
	return nil, shield.ErrUnknownAgent
}

func (d *benchDirectory) Customer(_ context.Context, _, id string) (*shield.Customer, error) {
	if c, ok := d.customers[id]; ok {
		return c, nil
	}
	return nil, shield.ErrUnknownCustomer
}

func (d *benchDirectory) CustomerByPhone(_ context.Context, _, e164 string) (string, error) {
	return d.byPhone[e164], nil
}

func (d *benchDirectory) CurrentCustomer(context.Context, string, string) (string, error) {
	return "", nil
}

func (d *benchDirectory) Code(_ context.Context, _, agentID, code string) (*shield.DialCode, error) {
	if c, ok := d.codes[agentID+"|"+code]; ok {
		return c, nil
	}
	return nil, shield.ErrCodeUnknown
}

func (d *benchDirectory) LastCaller(context.Context, string, string) (string, error) { return "", nil }

// benchSnapshot compiles 100 rules of which none matches the benchmark's
// calls but the last, so every call evaluates all of them.
func benchSnapshot(b *testing.B) *shield.Snapshot {
	rules := make([]*shield.Rule, benchRules)
	for i := range rules {
		rules[i] = &shield.Rule{ID: fmt.Sprint("r", i), Name: fmt.Sprint("rule ", i), Outcome: shield.OutcomeDeny,
			Condition: fmt.Sprintf(`customer.tier == "tier-%d" && agent.level < %d || "tag-%d" in customer.tags && time.hour == 3`, i, i%5, i)}
	}
	rules[benchRules-1].Condition, rules[benchRules-1].Outcome, rules[benchRules-1].CallerID = `number.country == "CN"`,
		shield.OutcomeAllow, shield.CallerIDLocal
	entries := make([]*shield.ListEntry, 0, 1000)
	for i := range 1000 {
		entries = append(entries, &shield.ListEntry{ID: fmt.Sprint("e", i), List: shield.ListBlock, Number: fmt.Sprintf("+8617%04d", i)})
	}
	snap, err := shield.Build(&shield.SnapshotData{Settings: shield.DefaultSettings("t1"), Region: "CN", Rules: rules, Entries: entries,
		Numbers: []*shield.Number{{Number: "+8695555", Purpose: shield.PurposeHotline}, {Number: "+861088880000", Purpose: shield.PurposeLocal, Area: "10"}}},
		time.Now())
	if err != nil {
		b.Fatal(err)
	}
	return snap
}

func benchData(rng *rand.Rand, expires time.Time) (*benchDirectory, [][2]string) {
	d := &benchDirectory{agents: map[string]*shield.Agent{}, customers: map[string]*shield.Customer{},
		byPhone: map[string]string{}, codes: map[string]*shield.DialCode{}}
	for i := range benchAgents {
		ext := fmt.Sprint(1000 + i)
		d.agents[ext] = &shield.Agent{ID: "agent-" + ext, Extension: ext, Level: 1 + i%3, Active: true,
			TeamIDs: []string{"team"}, Skills: map[string]int{"en": 3}}
	}
	for i := range benchCustomers {
		id, phone := fmt.Sprint("cust-", i), fmt.Sprintf("+86138%08d", i)
		d.customers[id] = &shield.Customer{ID: id, Phones: []string{phone}, Tier: "standard", Tags: []string{"a", "b"},
			Attributes: map[string]any{"city": "Beijing"}}
		d.byPhone[phone] = id
	}
	calls := make([][2]string, 0, benchCodes)
	for i := range benchCodes {
		ext := fmt.Sprint(1000 + i%benchAgents)
		code := fmt.Sprintf("8%04d", i)
		d.codes["agent-"+ext+"|"+code] = &shield.DialCode{Code: code, AgentID: "agent-" + ext, Reusable: true,
			CustomerID: fmt.Sprint("cust-", rng.IntN(benchCustomers)), ExpiresAt: expires}
		calls = append(calls, [2]string{ext, code})
	}
	return d, calls
}

// BenchmarkResolve measures the decision engine alone — a dial code
// found, its customer read, the lists and all 100 rules applied, a caller
// ID chosen — with the look-ups in memory. It reports resolves/s and the
// latency at p50/p99/max. The store's look-ups are measured by
// BenchmarkShieldResolveStore (internal/store).
//
//	go test -run '^$' -bench Resolve -benchtime 200000x ./internal/shield
func BenchmarkResolve(b *testing.B) {
	rng := rand.New(rand.NewPCG(1, 2))
	now := time.Now()
	snap := benchSnapshot(b)
	d, calls := benchData(rng, now.Add(time.Hour))
	src := &shield.Sources{Agents: d, Customers: d, Assignments: d, Codes: d, LastCallers: d}
	ctx := context.Background()
	lat := make([]time.Duration, 0, b.N)
	b.ReportAllocs()
	b.ResetTimer()
	for range b.N {
		c := calls[rng.IntN(len(calls))]
		start := time.Now()
		r, err := snap.Resolve(ctx, src, &shield.Request{Caller: c[0], Dialed: c[1], At: now})
		lat = append(lat, time.Since(start))
		if err != nil || r.Answer.Action != shield.ActionDial || r.Answer.RuleID != "r99" {
			b.Fatalf("%v %+v", err, r.Answer)
		}
	}
	b.StopTimer()
	b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "resolves/s")
	slices.Sort(lat)
	b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
	b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
	b.ReportMetric(float64(lat[len(lat)-1].Nanoseconds())/1e3, "max-µs")
}
