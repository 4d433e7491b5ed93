package e2e_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/client"
)

// TestCachesAcrossNodes runs two nodes on one PostgreSQL and NATS. Each
// keeps identified tokens and the shield's customers and reusable codes in
// memory (ADR 0021). A change takes effect on the node that made it before
// the writer's request returns, and on the other as soon as its event
// arrives: a customer who became a VIP is refused to a junior agent, a
// signed-out session and a disabled agent are turned away.
func TestCachesAcrossNodes(t *testing.T) {
	t.Parallel()
	a, b := startPair(t, noRateLimit)
	ctx := context.Background()
	s := newShieldTenant(t, a, "Cache cluster")
	agentOnA, agentOnB := a.client(s.Agent.Token), b.client(s.Agent.Token)
	pbxOnA, pbxOnB := s.PBX, b.client(s.PBX.Token)

	// Both nodes have read the agent's token, the code and the customer.
	code, err := agentOnA.IssueDialCode(ctx, s.Plain, true)
	require.NoError(t, err)
	for _, c := range []*client.Client{agentOnA, agentOnB} {
		_, err := c.Me(ctx)
		require.NoError(t, err)
	}
	for _, pbx := range []*client.Client{pbxOnA, pbxOnB} {
		for range 2 {
			ans, err := pbx.Resolve(ctx, "1001", code.Code, "")
			require.NoError(t, err)
			dial(t, ans, plainNumber, shieldHotline)
		}
	}

	// The customer becomes a VIP, whom a junior agent may not call.
	_, err = s.Admin.UpdateCustomer(ctx, s.Plain, map[string]any{"tier": "vip"})
	require.NoError(t, err)
	ans, err := pbxOnA.Resolve(ctx, "1001", code.Code, "")
	require.NoError(t, err)
	reject(t, ans, 403, denyVIPReason)
	eventually(t, "node B refuses the customer", func() bool {
		ans, err := pbxOnB.Resolve(ctx, "1001", code.Code, "")
		return err == nil && ans.Action == "reject"
	})

	// A session signed out on A.
	sup := a.login(s.Emails["supervisor"], testPassword)
	supOnB := b.client(sup.Token)
	_, err = supOnB.Me(ctx)
	require.NoError(t, err)
	require.NoError(t, sup.Logout(ctx))
	eventually(t, "node B turns the signed-out session away", func() bool {
		_, err := supOnB.Me(ctx)
		return isStatus(err, 401)
	})

	// The agent is disabled on B.
	_, err = b.client(s.Admin.Token).UpdateUser(ctx, s.AgentID, map[string]any{"status": "disabled"})
	require.NoError(t, err)
	_, err = agentOnB.Me(ctx)
	apiError(t, err, 401, "unauthenticated")
	eventually(t, "node A turns the disabled agent away", func() bool {
		_, err := agentOnA.Me(ctx)
		return isStatus(err, 401)
	})
}

// eventually waits up to 5 s for cond, for changes that travel the bus.
func eventually(t *testing.T, what string, cond func() bool) {
	t.Helper()
	require.Eventually(t, cond, 5*time.Second, 20*time.Millisecond, what)
}

func isStatus(err error, status int) bool {
	var e *client.Error
	return errors.As(err, &e) && e.Status == status
}
