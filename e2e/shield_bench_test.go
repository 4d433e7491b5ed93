package e2e_test

import (
	"bytes"
	"context"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"slices"
	"strconv"
	"sync/atomic"
	"testing"
	"time"

	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/shield"
	"github.com/switchboardhq/switchboard/internal/store"
	"github.com/switchboardhq/switchboard/internal/store/sqldb"
	"github.com/switchboardhq/switchboard/internal/store/storetest"
	"github.com/switchboardhq/switchboard/internal/user"
)

// The scale of BenchmarkShieldResolve: the issue's 1,000,000 customers
// (10,000 with -short), 10,000 live dial codes, 100 rules, 100 agents.
const (
	benchStoreCustomers = 1_000_000
	benchStoreCodes     = 10_000
	benchStoreRules     = 100
	benchStoreAgents    = 100
)

// seedCustomers inserts count customers with a phone identity each, one
// statement per table in one transaction: a million rows through the
// customer service would take the benchmark's whole budget. Customer i is
// c%07d with phone +86138%08d; every tenth is a VIP. SQLite only.
func seedCustomers(b *testing.B, n *node, tenantID string, count int) {
	b.Helper()
	const series = `WITH RECURSIVE s(i) AS (SELECT 0 UNION ALL SELECT i + 1 FROM s WHERE i < ?2 - 1) `
	err := n.app.Stores.DB().InTx(context.Background(), func(q sqldb.Querier) error {
		for _, stmt := range []string{
			series + `INSERT INTO customers (id, tenant_id, name, email, phone, created_at, updated_at, tier, phones)
			SELECT printf('c%07d', i), ?1, 'Customer ' || i, '', '', 0, 0,
			       CASE WHEN i % 10 = 0 THEN 'vip' ELSE 'standard' END, printf('+86138%08d', i) FROM s`,
			series + `INSERT INTO customer_identities (tenant_id, kind, value, customer_id, created_at)
			SELECT ?1, 'phone', printf('+86138%08d', i), printf('c%07d', i), 0 FROM s`,
		} {
			if _, err := q.Exec(context.Background(), stmt, tenantID, count); err != nil {
				return err
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	// The seed's pages sit in the write-ahead log; copy them into the
	// database now, not during the measurement.
	if _, err := n.app.Stores.DB().Writer().Exec(context.Background(), "PRAGMA wal_checkpoint(TRUNCATE)"); err != nil {
		b.Fatal(err)
	}
}

// benchTenant is a tenant at the benchmark's scale.
type benchTenant struct {
	calls     [][2]string // (extension, code) of the seeded codes
	admin     *permission.Principal
	token     string // the admin's, allowed to resolve
	agents    []*user.User
	customers int
}

// benchShield sets up a tenant at the benchmark's scale.
func benchShield(b *testing.B, n *node) *benchTenant {
	b.Helper()
	ctx := context.Background()
	f := n.tenant("Bench")
	admin := &permission.Principal{UserID: f.AdminID, TenantID: f.ID, Role: permission.RoleAdmin, Perms: permission.RoleAdmin.Grants()}
	customers := benchStoreCustomers
	if testing.Short() {
		customers = 10_000
	}
	start := time.Now()
	seedCustomers(b, n, f.ID, customers)
	b.Logf("seeded %d customers in %s", customers, time.Since(start).Round(time.Millisecond))
	for _, num := range []shield.NumberParams{{Number: "+8695555", Purpose: shield.PurposeHotline},
		{Number: "+861088880000", Purpose: shield.PurposeLocal}} {
		if _, err := n.app.Shield.CreateNumber(ctx, admin, &num); err != nil {
			b.Fatal(err)
		}
	}
	for i := range benchStoreRules {
		name, cond := fmt.Sprint("rule ", i), fmt.Sprintf(`customer.tier == "tier-%d" && agent.level < 3 || "tag-%d" in customer.tags`, i, i)
		outcome := shield.OutcomeDeny
		if _, err := n.app.Shield.CreateRule(ctx, admin, &shield.RuleParams{Name: &name, Condition: &cond, Outcome: &outcome}); err != nil {
			b.Fatal(err)
		}
	}
	calls := make([][2]string, 0, benchStoreCodes)
	var agents []*user.User
	err := n.app.Stores.InTx(ctx, func(tx *store.Tx) error {
		for i := range benchStoreAgents {
			ext := fmt.Sprint(1000 + i)
			u := &user.User{ID: storetest.NewID(), TenantID: f.ID, Email: "agent" + ext + "@bench.example", Name: ext,
				Role: permission.RoleAgent, Status: user.StatusActive, TeamIDs: []string{}, Skills: []user.SkillLevel{},
				Extension: ext, Level: 1 + i%3, CreatedAt: time.Now(), UpdatedAt: time.Now()}
			if err := tx.Users().Create(ctx, u); err != nil {
				return err
			}
			agents = append(agents, u)
			for j := range benchStoreCodes / benchStoreAgents {
				code := fmt.Sprintf("8%04d", j)
				c := &shield.DialCode{TenantID: f.ID, Code: code, AgentID: u.ID, Reusable: true, CreatedAt: time.Now(),
					CustomerID: fmt.Sprintf("c%07d", rand.IntN(customers)), ExpiresAt: time.Now().Add(time.Hour)}
				if _, err := tx.Shield().CreateCode(ctx, c); err != nil {
					return err
				}
				calls = append(calls, [2]string{ext, code})
			}
		}
		return nil
	})
	if err != nil {
		b.Fatal(err)
	}
	return &benchTenant{calls: calls, admin: admin, token: f.Admin.Token, agents: agents, customers: customers}
}

// issueCodes has the agents ask for count one-time codes through the
// service, as the Call button does, each for a random customer, and
// returns the calls that dial them.
func (bt *benchTenant) issueCodes(b *testing.B, n *node, count int) [][2]string {
	b.Helper()
	calls := make([][2]string, 0, count)
	for i := range count {
		a := bt.agents[i%len(bt.agents)]
		by := &permission.Principal{UserID: a.ID, TenantID: a.TenantID, Role: a.Role, Perms: a.Role.Grants()}
		dc, err := n.app.Shield.IssueCode(context.Background(), by,
			&shield.CodeParams{CustomerID: fmt.Sprintf("c%07d", rand.IntN(bt.customers))})
		if err != nil {
			b.Fatal(err)
		}
		calls = append(calls, [2]string{a.Extension, dc.Code})
	}
	return calls
}

// BenchmarkShieldResolve measures resolve on a SQLite node at the issue's
// scale: in process (the service: snapshot, the agent, code and customer
// read from the database, the decision queued for the batch writer), and
// over HTTP on loopback with 64 concurrent clients, from a Go client in
// this process (HTTP) or from sbbench in its own (External). It reports
// resolves/s and the latency. Seeding a million customers takes a while;
// -short seeds 10,000. Sub-benchmarks share the node, so run one at a time
// to measure cold reads: with -benchtime 10000x each code and customer is
// read from the database once.
//
//	go test -run '^$' -bench ShieldResolve/External -benchtime 10000x ./e2e
func BenchmarkShieldResolve(b *testing.B) {
	n := start(b, "sqlite")
	bt := benchShield(b, n)
	calls, admin, token := bt.calls, bt.admin, bt.token
	ctx := context.Background()
	b.Run("InProcess", func(b *testing.B) {
		lat := make([]time.Duration, 0, b.N)
		b.ResetTimer()
		for i := range b.N {
			c := calls[rand.IntN(len(calls))]
			t0 := time.Now()
			a, err := n.app.Shield.Resolve(ctx, admin, &shield.ResolveParams{Caller: c[0], Dialed: c[1], CallID: fmt.Sprint(i)})
			lat = append(lat, time.Since(t0))
			if err != nil || a.Action != shield.ActionDial && a.Code != 403 {
				b.Fatalf("%v %+v", err, a)
			}
		}
		b.StopTimer()
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "resolves/s")
		slices.Sort(lat)
		b.ReportMetric(float64(lat[len(lat)/2].Nanoseconds())/1e3, "p50-µs")
		b.ReportMetric(float64(lat[len(lat)*99/100].Nanoseconds())/1e3, "p99-µs")
		b.ReportMetric(float64(lat[len(lat)-1].Nanoseconds())/1e3, "max-µs")
	})
	b.Run("HTTP", func(b *testing.B) {
		hc := &http.Client{Transport: &http.Transport{MaxIdleConnsPerHost: 256}}
		var next atomic.Int64
		b.SetParallelism(32) // 64 clients on 2 cores, like a PBX's workers
		b.ResetTimer()
		b.RunParallel(func(pb *testing.PB) {
			for pb.Next() {
				c := calls[int(next.Add(1))%len(calls)]
				body := fmt.Sprintf(`{"caller":%q,"dialed":%q}`, c[0], c[1])
				req, _ := http.NewRequestWithContext(ctx, http.MethodPost, n.base+"/api/v1/shield/resolve", bytes.NewReader([]byte(body)))
				req.Header.Set("Authorization", "Bearer "+token)
				req.Header.Set("Content-Type", "application/json")
				res, err := hc.Do(req)
				if err != nil {
					b.Error(err)
					return
				}
				_, _ = io.Copy(io.Discard, res.Body)
				res.Body.Close()
				if res.StatusCode != http.StatusOK {
					b.Errorf("status %d", res.StatusCode)
					return
				}
			}
		})
		b.StopTimer()
		b.ReportMetric(float64(b.N)/b.Elapsed().Seconds(), "resolves/s")
	})
	// sbbench in its own process: the client's CPU still comes from the
	// same two cores, but not from this process's scheduler and collector.
	// Cold: each code's first dial reads the code and its customer from
	// the database. Warm: sbbench first dials every code once, unmeasured —
	// the steady state of 10,000 live codes at thousands of calls a second.
	// Issued: the agents ask for b.N one-time codes through the service
	// (unmeasured), then each is dialed once — the Call button's flow on
	// the node that issued the codes.
	for _, run := range []struct {
		name   string
		warmup int
		issue  bool
	}{{"External", 0, false}, {"ExternalWarm", len(calls), false}, {"ExternalIssued", 0, true}} {
		b.Run(run.name, func(b *testing.B) {
			sbbench(b)
			dialed := calls
			if run.issue {
				dialed = bt.issueCodes(b, n, b.N)
			}
			b.ResetTimer()
			r, err := runSbbenchShield(b, n.base, token, dialed, "-c", "64", "-n", fmt.Sprint(b.N),
				"-warmup", fmt.Sprint(run.warmup), "-pid", fmt.Sprint(os.Getpid()))
			b.StopTimer()
			if err != nil {
				b.Fatal(err)
			}
			b.Logf("%v", r)
			for _, m := range [][2]string{{"resolves_per_s", "resolves/s"}, {"p50_ms", "p50-ms"}, {"p99_ms", "p99-ms"},
				{"server_cpu_us_per_req", "server-µs/op"}} {
				v, err := strconv.ParseFloat(r[m[0]], 64)
				if err != nil {
					b.Fatalf("%s: %v", m[0], err)
				}
				b.ReportMetric(v, m[1])
			}
		})
	}
}
