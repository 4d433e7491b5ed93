package e2e_test

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// runSbbenchShield runs `sbbench shield` against base with calls (caller,
// dialed) and returns its report as key=value fields; extra flags go last.
func runSbbenchShield(tb testing.TB, base, token string, calls [][2]string, extra ...string) (map[string]string, error) {
	tb.Helper()
	var lines strings.Builder
	for _, c := range calls {
		fmt.Fprintf(&lines, "%s %s\n", c[0], c[1])
	}
	file := filepath.Join(tb.TempDir(), "calls.txt")
	require.NoError(tb, os.WriteFile(file, []byte(lines.String()), 0o600))
	args := append([]string{"shield", "-server", base, "-token", token, "-calls", file}, extra...)
	out, err := exec.CommandContext(context.Background(), sbbench(tb), args...).CombinedOutput()
	fields := map[string]string{}
	for f := range strings.FieldsSeq(string(out)) {
		if k, v, ok := strings.Cut(f, "="); ok {
			fields[k] = v
		}
	}
	if err != nil {
		return fields, fmt.Errorf("%w: %s", err, out)
	}
	return fields, nil
}

// TestSbbenchShield checks the load generator behind the shield's HTTP
// benchmark against a real node: it counts what the shield answered (a
// reusable code dialed, a VIP refused, a one-time code refused the second
// time) and reports a failure when the token may not resolve.
func TestSbbenchShield(t *testing.T) {
	t.Parallel()
	n := start(t, "sqlite")
	ctx := context.Background()
	s := newShieldTenant(t, n, "Load")
	plain, err := s.Agent.IssueDialCode(ctx, s.Plain, true)
	require.NoError(t, err)
	vip, err := s.Agent.IssueDialCode(ctx, s.VIP, true)
	require.NoError(t, err)
	once, err := s.Agent.IssueDialCode(ctx, s.Plain, false)
	require.NoError(t, err)

	calls := [][2]string{{"1001", plain.Code}, {"1001", vip.Code}, {"1001", once.Code}}
	r, err := runSbbenchShield(t, n.base, s.PBX.Token, calls, "-c", "1", "-n", "6")
	require.NoError(t, err)
	require.Equal(t, "6", r["ok"])
	require.Equal(t, "dial=3,reject_403=2,reject_404=1", r["actions"], "two rounds: the one-time code dials once, the VIP is refused twice")
	r, err = runSbbenchShield(t, n.base, s.PBX.Token, calls, "-c", "2", "-warmup", "3", "-n", "3")
	require.NoError(t, err)
	require.Equal(t, "dial=1,reject_403=1,reject_404=1", r["actions"], "the warm-up's resolves are not counted")
	rate, err := strconv.ParseFloat(r["resolves_per_s"], 64)
	require.NoError(t, err)
	require.Positive(t, rate)

	r, err = runSbbenchShield(t, n.base, s.Agent.Token, calls, "-c", "2")
	require.Error(t, err, "an agent's token may not resolve")
	require.Equal(t, "3", r["failed"])
	require.Contains(t, err.Error(), "status_403=3")
}
