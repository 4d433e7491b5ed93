package main

import (
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

func TestLoopbackURL(t *testing.T) {
	t.Parallel()
	for _, ok := range []string{"http://127.0.0.1:8080", "http://127.0.0.2:1", "http://[::1]:8080/", "http://localhost:8080"} {
		_, err := loopbackURL(ok)
		require.NoError(t, err, ok)
	}
	for _, bad := range []string{"http://10.0.0.1:8080", "http://example.com", "https://0.0.0.0:443", "ftp://127.0.0.1", "127.0.0.1:8080"} {
		_, err := loopbackURL(bad)
		require.Error(t, err, bad)
	}
}

func TestPercentileAndMedian(t *testing.T) {
	t.Parallel()
	ds := make([]time.Duration, 100)
	for i := range ds {
		ds[i] = time.Duration(i+1) * time.Millisecond
	}
	require.Equal(t, 50*time.Millisecond, percentile(ds, 50))
	require.Equal(t, 99*time.Millisecond, percentile(ds, 99))
	require.Equal(t, 100*time.Millisecond, percentile(ds, 100))
	require.Equal(t, time.Duration(0), percentile(nil, 50))
	require.Equal(t, 2*time.Millisecond, median([]time.Duration{3 * time.Millisecond, time.Millisecond, 2 * time.Millisecond}))
	require.Equal(t, 2500*time.Microsecond, median([]time.Duration{4 * time.Millisecond, time.Millisecond, 2 * time.Millisecond, 3 * time.Millisecond}))
}

func TestReadShieldCalls(t *testing.T) {
	t.Parallel()
	calls, err := readShieldCalls(strings.NewReader("# extension code\n1001 81234\n\n  +8615011112222   +8613900000001 \n"))
	require.NoError(t, err)
	require.Equal(t, []shieldCall{{"1001", "81234"}, {"+8615011112222", "+8613900000001"}}, calls)
	_, err = readShieldCalls(strings.NewReader("1001 81234\n1002\n"))
	require.ErrorContains(t, err, "line 2")
	_, err = readShieldCalls(strings.NewReader("# nothing\n"))
	require.Error(t, err)
}
