package e2e_test

import (
	"context"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/require"
)

var (
	builtBinary  = sync.OnceValues(func() (string, error) { return goBuild("switchboard") })
	builtSbbench = sync.OnceValues(func() (string, error) { return goBuild("sbbench") })
)

// goBuild builds ../cmd/name into a new temporary directory.
func goBuild(name string) (string, error) {
	dir, err := os.MkdirTemp("", "sb-e2e-bin")
	if err != nil {
		return "", err
	}
	bin := filepath.Join(dir, name)
	out, err := exec.Command("go", "build", "-o", bin, "../cmd/"+name).CombinedOutput() //nolint:noctx // one build per test binary
	if err != nil {
		return "", &buildError{out: string(out), err: err}
	}
	return bin, nil
}

type buildError struct {
	out string
	err error
}

func (e *buildError) Error() string { return e.err.Error() + ": " + e.out }

// binary builds the switchboard binary once per test run.
func binary(t testing.TB) string {
	t.Helper()
	bin, err := builtBinary()
	require.NoError(t, err)
	return bin
}

// sbbench builds the load generator once per test run.
func sbbench(t testing.TB) string {
	t.Helper()
	bin, err := builtSbbench()
	require.NoError(t, err)
	return bin
}

// freeAddr returns a loopback address nobody listens on.
func freeAddr(t testing.TB) string {
	t.Helper()
	ln, err := (&net.ListenConfig{}).Listen(context.Background(), "tcp", "127.0.0.1:0")
	require.NoError(t, err)
	addr := ln.Addr().String()
	require.NoError(t, ln.Close())
	return addr
}

// process is a switchboard binary running as a child process.
type process struct {
	t      testing.TB
	cmd    *exec.Cmd
	base   string
	stderr *syncBuffer
	exited chan error
}

// startProcess runs "switchboard serve" with args and env and waits for
// /readyz.
func startProcess(t testing.TB, env []string, args ...string) *process {
	t.Helper()
	addr := freeAddr(t)
	p := &process{t: t, base: "http://" + addr, stderr: &syncBuffer{}, exited: make(chan error, 1)}
	p.cmd = exec.CommandContext(t.Context(), binary(t), append([]string{"serve", "--addr", addr}, args...)...)
	p.cmd.Env = append(append(os.Environ(), "SWITCHBOARD_DB_URL=", "SWITCHBOARD_NATS_URL="), env...)
	p.cmd.Stdout, p.cmd.Stderr = &syncBuffer{}, p.stderr
	require.NoError(t, p.cmd.Start())
	go func() { p.exited <- p.cmd.Wait() }()
	t.Cleanup(func() { _ = p.cmd.Process.Kill() })
	require.Eventually(t, func() bool {
		req, _ := http.NewRequestWithContext(context.Background(), http.MethodGet, p.base+"/readyz", nil)
		res, err := http.DefaultClient.Do(req)
		if err != nil {
			return false
		}
		_ = res.Body.Close()
		return res.StatusCode == 200
	}, 30*time.Second, 20*time.Millisecond, "never ready: %s", p.stderr)
	return p
}

// kill sends SIGKILL and waits for the process to die.
func (p *process) kill() {
	p.t.Helper()
	require.NoError(p.t, p.cmd.Process.Kill())
	select {
	case err := <-p.exited:
		require.Error(p.t, err, "a killed process reports its signal")
	case <-time.After(10 * time.Second):
		p.t.Fatal("the process did not die")
	}
}

// node returns a node handle for driving the process through the client.
func (p *process) node() *node { return &node{t: p.t, base: p.base} }
