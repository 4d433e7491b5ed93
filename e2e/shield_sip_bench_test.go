package e2e_test

import (
	"context"
	"fmt"
	"os"
	"strconv"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// BenchmarkShieldKamailio drives calls through Kamailio (the shipped
// config) and Switchboard's decision API with sipp: each call is an agent
// dialing a reusable code, resolved over HTTP, relayed to a sipp "carrier"
// that answers; the caller hangs up at once. It reports the rate sipp kept
// and the failed calls (the issue asks ≥ 1,000 calls/s and none failed).
// SB_BENCH_CPS and SB_BENCH_CALLS change the rate (1000) and count (20000).
//
//	go test -run '^$' -bench ShieldKamailio -benchtime 1x ./e2e/
func BenchmarkShieldKamailio(b *testing.B) {
	cps, calls := envInt("SB_BENCH_CPS", 1000), envInt("SB_BENCH_CALLS", 20000)
	n := start(b, "sqlite")
	ctx := context.Background()
	s := newShieldTenant(b, n, "Kamailio bench")
	code, err := s.Agent.IssueDialCode(ctx, s.Plain, true)
	require.NoError(b, err)
	tok, err := s.Admin.CreateToken(ctx, "Kamailio bench", []string{"shield.resolve"})
	require.NoError(b, err)
	r := newSIPRig(b, n, s, tok.Secret, 16)
	for b.Loop() {
		uasScen := sippScenario(b, uasExpect, uasParams{Dest: plainNumber, CallerID: shieldHotline, NoRing: true})
		uas := startSipp(b, "-sf", uasScen, "-i", "127.0.0.1", "-p", fmt.Sprint(r.carrier), "-m", fmt.Sprint(calls),
			"-timeout", "120s", "-trace_stat", "-fd", "1")
		waitUDPBound(b, r.carrier)
		uacScen := sippScenario(b, uacCall, uacParams{Caller: "1001", Expect: 200, HoldMS: 20})
		began := time.Now()
		uac := startSipp(b, "-sf", uacScen, "-i", "127.0.0.1", "-p", fmt.Sprint(freeUDPPort(b)), r.kam, "-s", code.Code,
			"-r", fmt.Sprint(cps), "-m", fmt.Sprint(calls), "-l", fmt.Sprint(cps*2), "-timeout", "120s", "-trace_stat", "-fd", "1")
		uacCode := uac.wait(b, 150*time.Second)
		took := time.Since(began)
		uasCode := uas.wait(b, 30*time.Second)
		b.ReportMetric(float64(calls)/took.Seconds(), "calls/s")
		b.ReportMetric(float64(calls), "calls")
		b.ReportMetric(float64(uacCode+uasCode), "sipp_exit")
		if uacCode != 0 || uasCode != 0 {
			b.Errorf("failed calls: caller sipp exited %d, carrier sipp %d (see the logs above)", uacCode, uasCode)
		}
	}
}

func envInt(name string, def int) int {
	if v, err := strconv.Atoi(os.Getenv(name)); err == nil && v > 0 {
		return v
	}
	return def
}
