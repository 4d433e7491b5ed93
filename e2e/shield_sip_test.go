package e2e_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// sipRig is Switchboard with Kamailio in front (the shipped config) and a
// sipp "carrier" behind it that receives every call the shield lets through.
type sipRig struct {
	t        testing.TB
	s        *shieldTenant
	kam      string // Kamailio's address
	carrier  int    // the gateway port sipp listens on
	pbxToken string
}

func newSIPRig(t testing.TB, n *node, s *shieldTenant, pbxToken string, children int) *sipRig {
	r := &sipRig{t: t, s: s, carrier: freeUDPPort(t), pbxToken: pbxToken}
	r.kam = kamailio(t, map[string]string{
		"SB_URL":   fmt.Sprintf("%q", n.base),
		"SB_TOKEN": fmt.Sprintf("%q", pbxToken),
		"GATEWAY":  fmt.Sprintf("%q", fmt.Sprintf("127.0.0.1:%d", r.carrier)),
		"CHILDREN": fmt.Sprint(children),
	})
	return r
}

// call places one call from caller to dialed through Kamailio and expects
// the final response code. For 200 the carrier must receive the call for
// dest with callerID as From and no trace of hidden anywhere.
func (r *sipRig) call(caller, dialed string, expect int, dest, callerID, hidden string) {
	r.t.Helper()
	var uas *sippRun
	if expect == 200 {
		scen := sippScenario(r.t, uasExpect, uasParams{Dest: dest, CallerID: callerID, Hidden: strings.TrimPrefix(hidden, "+")})
		uas = startSipp(r.t, "-sf", scen, "-i", "127.0.0.1", "-p", fmt.Sprint(r.carrier), "-m", "1", "-timeout", "15s")
		waitUDPBound(r.t, r.carrier)
	}
	scen := sippScenario(r.t, uacCall, uacParams{Caller: caller, Expect: expect, HoldMS: 200})
	uac := startSipp(r.t, "-sf", scen, "-i", "127.0.0.1", "-p", fmt.Sprint(freeUDPPort(r.t)), r.kam, "-s", dialed,
		"-m", "1", "-timeout", "15s")
	require.Equal(r.t, 0, uac.wait(r.t, 20*time.Second), "%s dialing %s should end with %d", caller, dialed, expect)
	if uas != nil {
		require.Equal(r.t, 0, uas.wait(r.t, 20*time.Second), "the carrier should get %s from %s", dest, callerID)
	}
}

// TestShieldThroughKamailio runs the issue's calls through Debian's
// Kamailio with docs/integrations/kamailio/kamailio.cfg: a dial code
// reaches the real number with the hotline as caller ID, a blocked number
// and a VIP (for a junior agent) are refused with the shield's code, a
// senior reaches the VIP, an AXB binding connects both parties through X
// in both directions without either seeing the other's number, and an
// expired binding refuses the call.
func TestShieldThroughKamailio(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		ctx := context.Background()
		s := newShieldTenant(t, n, "SIP shield")
		tok, err := s.Admin.CreateToken(ctx, "Kamailio SIP", []string{"shield.resolve"})
		require.NoError(t, err)
		r := newSIPRig(t, n, s, tok.Secret, 4)
		sink := s.hookSink(t)

		code, err := s.Agent.IssueDialCode(ctx, s.Plain, false)
		require.NoError(t, err)
		r.call("1001", code.Code, 200, plainNumber, shieldHotline, "")
		r.call("1001", code.Code, 404, "", "", "") // one-time: used

		r.call("1002", "017012345678", 403, "", "", "")
		vip, err := s.Agent.IssueDialCode(ctx, s.VIP, false)
		require.NoError(t, err)
		r.call("1001", vip.Code, 403, "", "", "")
		senior, err := s.Supervisor.IssueDialCode(ctx, s.VIP, false)
		require.NoError(t, err)
		r.call("1002", senior.Code, 200, vipNumber, shieldHotline, "")

		b, err := s.Admin.CreateBinding(ctx, map[string]any{"type": "axb", "a": partyA, "b": partyB, "expires_in": 3600})
		require.NoError(t, err)
		r.call(partyA, b.X, 200, partyB, b.X, partyA)
		r.call(partyB, b.X, 200, partyA, b.X, partyB)

		short, err := s.Admin.CreateBinding(ctx, map[string]any{"type": "axb", "a": seller, "b": visitor, "expires_in": 1})
		require.NoError(t, err)
		time.Sleep(1500 * time.Millisecond)
		ans, err := s.PBX.Resolve(ctx, seller, short.X, "probe")
		require.NoError(t, err)
		require.Equal(t, "reject", ans.Action)
		r.call(seller, short.X, ans.Code, "", "", "")

		// Kamailio reported both calls' progress; they reach the webhook.
		require.Eventually(t, func() bool {
			count := map[string]int{}
			for _, typ := range sink.types() {
				count[typ]++
			}
			return count["ring"] >= 2 && count["answer"] >= 2 && count["end"] >= 2
		}, 20*time.Second, 100*time.Millisecond, "webhook events: %v", sink.types())
	})
}
