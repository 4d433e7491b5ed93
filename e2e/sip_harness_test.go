package e2e_test

// Real SIP peers for the number shield's integration tests: Debian's
// Kamailio running the shipped config (docs/integrations/kamailio) in
// front of Switchboard, and sipp as the phones and the carrier.

import (
	"bytes"
	"context"
	"fmt"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"text/template"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/store/storetest"
)

// sipTool returns the path of a SIP peer, skipping the test without it
// (failing in strict mode: CI installs them).
func sipTool(t testing.TB, name string) string {
	t.Helper()
	p, err := exec.LookPath(name)
	if err != nil {
		storetest.SkipOrFail(t, name+" is not installed (apt-get install sip-tester kamailio kamailio-utils-modules kamailio-json-modules)")
	}
	return p
}

// freeUDPPort returns a loopback UDP port nobody listens on right now.
func freeUDPPort(t testing.TB) int {
	t.Helper()
	c, err := (&net.ListenConfig{}).ListenPacket(context.Background(), "udp", "127.0.0.1:0")
	require.NoError(t, err)
	defer func() { _ = c.Close() }()
	return c.LocalAddr().(*net.UDPAddr).Port
}

// kamailio runs docs/integrations/kamailio/kamailio.cfg with defines and
// returns the UDP address it listens on once it answers.
func kamailio(t testing.TB, defines map[string]string) string {
	t.Helper()
	bin := sipTool(t, "kamailio")
	port := freeUDPPort(t)
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	dir := t.TempDir()
	args := []string{"-f", filepath.Join("..", "docs", "integrations", "kamailio", "kamailio.cfg"), "-DD", "-E",
		"-m", "256", "-M", "16", "-Y", dir, "-A", "LISTEN=udp:" + addr}
	for k, v := range defines {
		args = append(args, "-A", k+"="+v)
	}
	cmd := exec.CommandContext(context.Background(), bin, args...)
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	cmd.SysProcAttr = &syscall.SysProcAttr{Setpgid: true}
	require.NoError(t, cmd.Start())
	t.Cleanup(func() {
		_ = syscall.Kill(-cmd.Process.Pid, syscall.SIGTERM)
		_ = cmd.Wait()
		if t.Failed() {
			t.Logf("kamailio output:\n%s", tail(out.String(), 4000))
		}
	})
	waitSIP(t, addr)
	return addr
}

// waitSIP sends OPTIONS until something answers at addr.
func waitSIP(t testing.TB, addr string) {
	t.Helper()
	c, err := (&net.Dialer{}).DialContext(context.Background(), "udp", addr)
	require.NoError(t, err)
	defer func() { _ = c.Close() }()
	local := c.LocalAddr().String()
	buf := make([]byte, 2048)
	deadline := time.Now().Add(15 * time.Second)
	for i := 0; time.Now().Before(deadline); i++ {
		msg := fmt.Sprintf("OPTIONS sip:ping@%s SIP/2.0\r\nVia: SIP/2.0/UDP %s;branch=z9hG4bK-probe%d\r\n"+
			"From: <sip:probe@%s>;tag=p%d\r\nTo: <sip:ping@%s>\r\nCall-ID: probe-%d@test\r\nCSeq: 1 OPTIONS\r\n"+
			"Max-Forwards: 70\r\nContent-Length: 0\r\n\r\n", addr, local, i, local, i, addr, i)
		_, _ = c.Write([]byte(msg))
		_ = c.SetReadDeadline(time.Now().Add(100 * time.Millisecond))
		if n, err := c.Read(buf); err == nil && bytes.HasPrefix(buf[:n], []byte("SIP/2.0")) {
			return
		}
		time.Sleep(50 * time.Millisecond) // refused at once while Kamailio starts
	}
	t.Fatalf("nothing answers SIP at %s", addr)
}

// waitUDPBound waits until something on this machine listens on the
// loopback UDP port, read from /proc/net/udp: probing by binding the port
// would race the peer that is starting.
func waitUDPBound(t testing.TB, port int) {
	t.Helper()
	want := fmt.Sprintf(":%04X ", port)
	deadline := time.Now().Add(15 * time.Second)
	for time.Now().Before(deadline) {
		b, err := os.ReadFile("/proc/net/udp")
		require.NoError(t, err)
		for _, line := range strings.Split(string(b), "\n")[1:] {
			if f := strings.Fields(line); len(f) > 2 && strings.HasSuffix(f[1]+" ", want) {
				return
			}
		}
		time.Sleep(20 * time.Millisecond)
	}
	t.Fatalf("nothing listens on UDP port %d", port)
}

func tail(s string, n int) string {
	if len(s) > n {
		return "…" + s[len(s)-n:]
	}
	return s
}

// sippScenario writes a scenario from a template into a temp file.
func sippScenario(t testing.TB, tmpl string, data any) string {
	t.Helper()
	var b bytes.Buffer
	require.NoError(t, template.Must(template.New("scenario").Parse(tmpl)).Execute(&b, data))
	p := filepath.Join(t.TempDir(), "scenario.xml")
	require.NoError(t, os.WriteFile(p, b.Bytes(), 0o600))
	return p
}

// sippRun is one sipp process.
type sippRun struct {
	cmd  *exec.Cmd
	out  bytes.Buffer
	done chan error
}

// startSipp starts sipp with args (scenario, addresses, counts).
func startSipp(t testing.TB, args ...string) *sippRun {
	t.Helper()
	r := &sippRun{done: make(chan error, 1)}
	r.cmd = exec.CommandContext(context.Background(), sipTool(t, "sipp"), append([]string{"-nostdin"}, args...)...)
	r.cmd.Stdout, r.cmd.Stderr = &r.out, &r.out
	r.cmd.Dir = t.TempDir() // sipp writes its logs next to where it runs
	require.NoError(t, r.cmd.Start())
	go func() { r.done <- r.cmd.Wait() }()
	t.Cleanup(func() {
		_ = r.cmd.Process.Kill()
		r.done <- <-r.done // waits for it, leaving the result where wait looks
	})
	return r
}

// wait returns sipp's exit code (0: every call passed), failing the test
// after d. Its logs are shown when it did not pass.
func (r *sippRun) wait(t testing.TB, d time.Duration) int {
	t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), d)
	defer cancel()
	select {
	case err := <-r.done:
		r.done <- err
		code := 0
		if err != nil {
			var ee *exec.ExitError
			require.ErrorAs(t, err, &ee, "sipp: %v", err)
			code = ee.ExitCode()
		}
		if code != 0 {
			t.Logf("sipp %s exited %d:\n%s%s", strings.Join(r.cmd.Args[1:], " "), code, tail(r.out.String(), 3000), r.errors())
		}
		return code
	case <-ctx.Done():
		t.Fatalf("sipp did not finish within %s:\n%s", d, tail(r.out.String(), 3000))
		return -1
	}
}

// errors returns sipp's error log, if it wrote one.
func (r *sippRun) errors() string {
	files, _ := filepath.Glob(filepath.Join(r.cmd.Dir, "*_errors.log"))
	var b strings.Builder
	for _, f := range files {
		data, _ := os.ReadFile(f)
		b.WriteString("\n" + tail(string(data), 3000))
	}
	return b.String()
}
