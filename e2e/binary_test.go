package e2e_test

import (
	"bytes"
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

// TestBinaryServeAndSIGTERM builds the real binary, runs "serve --demo" on
// a fresh data directory, waits for /readyz and signs in as a demo user,
// then sends SIGTERM and expects a clean exit.
func TestBinaryServeAndSIGTERM(t *testing.T) {
	t.Parallel()
	if testing.Short() {
		t.Skip("builds the binary")
	}
	bin := binary(t)

	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())

	var stdout, stderr syncBuffer
	cmd := exec.CommandContext(t.Context(), bin, "serve", "--demo", "--data", t.TempDir(), "--addr", addr)
	cmd.Env = append(os.Environ(), "SWITCHBOARD_DB_URL=", "SWITCHBOARD_NATS_URL=")
	cmd.Stdout, cmd.Stderr = &stdout, &stderr
	require.NoError(t, cmd.Start())
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()
	t.Cleanup(func() { _ = cmd.Process.Kill() })

	base := "http://" + addr
	require.Eventually(t, func() bool {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, base+"/readyz", nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		res.Body.Close()
		return res.StatusCode == 200
	}, 20*time.Second, 10*time.Millisecond, "the binary never became ready: %s", &stderr)

	n := &node{t: t, base: base}
	me, err := n.login("agent1@demo.example", "switchboard-demo").Me(context.Background())
	require.NoError(t, err)
	require.Equal(t, "agent", me.Role)
	require.Contains(t, stdout.String(), "admin@demo.example", "--demo prints how to sign in")
	require.Regexp(t, `/widget/demo\?inbox=sbk_[A-Za-z0-9_-]+`, stdout.String(), "--demo prints the web chat demo page")
	for path, ctype := range map[string]string{"/widget.js": "text/javascript", "/widget/demo": "text/html"} {
		status, hdr, _ := n.raw("GET", path, "", "", nil)
		require.Equal(t, 200, status, path)
		require.Contains(t, hdr.Get("Content-Type"), ctype, path)
	}

	require.NoError(t, cmd.Process.Signal(syscall.SIGTERM))
	select {
	case err := <-exited:
		require.NoError(t, err, "exit after SIGTERM: %s", &stderr)
	case <-time.After(15 * time.Second):
		t.Fatalf("no exit within 15s of SIGTERM: %s", &stderr)
	}
	require.Contains(t, stderr.String(), "shutting down")
	require.Contains(t, stderr.String(), "stopped")
}

// syncBuffer is a bytes.Buffer safe for the process's writer goroutine and
// the test reading it.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
