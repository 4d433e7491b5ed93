package main

// Web chat load (issue 3, docs/protocol/webchat.md). The four chat-*
// commands drive the server the way widgets and agents' applications do:
// widget sessions over REST, visitor sockets (/ws/visitor) and an agent
// socket (/ws/agent). The server must run with SWITCHBOARD_RATE_LIMIT=off,
// or the per-visitor and per-address limits refuse most of the load.

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/coder/websocket"

	"github.com/switchboardhq/switchboard/client"
)

// chatSubcommands are the web chat commands; main lists them after the
// platform ones.
func chatSubcommands() []subcommand {
	return []subcommand{
		{"chat-throughput", "visitor sockets pipeline messages (-window unacked each) for -duration; acks/s and ack latency", chatThroughputCmd},
		{"chat-latency", "open-loop -rate msg/s across visitor sockets; visitor send → agent socket receive latency", chatLatencyCmd},
		{"chat-conversations", "closed loop with -c workers: session, visitor socket, first message acked, close", chatConversationsCmd},
		{"chat-sockets", "hold -n visitor sockets open for -hold and report the server's RSS (-pid)", chatSocketsCmd},
		{"chat-routing", "open-loop -rate new conversations/s; first message acked → offer frame on an agent socket", chatRoutingCmd},
	}
}

// chatEnv is a signed-in admin and a fresh web chat inbox on the server.
type chatEnv struct {
	t      *target
	hc     *http.Client   // REST, shared keep-alive pool
	dialHC *http.Client   // WebSocket upgrades (never pooled)
	admin  *client.Client // signed in as the target account
	public *client.Client // no token: widget sessions
	wsBase string         // ws://host:port
	key    string         // the inbox's public key
	inbox  string         // the inbox's ID
}

// chatSetup signs in, creates an inbox named after the command, and returns
// a function that signs out again.
func chatSetup(ctx context.Context, t *target, name string, conns int) (*chatEnv, func(), error) {
	e := &chatEnv{t: t, hc: newHTTPClient(conns), dialHC: newHTTPClient(1)}
	e.dialHC.Timeout = 0 // the dial context bounds upgrades; a timeout would also cut the hijacked socket
	e.admin = client.New(t.base.String(), "")
	e.admin.HTTP = e.hc
	e.public = client.New(t.base.String(), "")
	e.public.HTTP = e.hc
	ws := *t.base
	ws.Scheme = map[string]string{"http": "ws", "https": "wss"}[t.base.Scheme]
	ws.Path, ws.RawQuery = strings.TrimRight(ws.Path, "/"), ""
	e.wsBase = ws.String()
	sess, err := e.admin.Login(ctx, t.email, t.password)
	if err != nil {
		return nil, nil, fmt.Errorf("login: %w", err)
	}
	e.admin.Token = sess.Token
	done := func() {
		lctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = e.admin.Logout(lctx)
	}
	var ib struct {
		ID  string `json:"id"`
		Key string `json:"key"`
	}
	body := map[string]any{"channel": "webchat", "name": fmt.Sprintf("sbbench %s %s", name, time.Now().UTC().Format("150405.000"))}
	if err := e.admin.Do(ctx, http.MethodPost, "/api/v1/inboxes", body, &ib); err != nil {
		done()
		return nil, nil, fmt.Errorf("create inbox: %w", err)
	}
	if ib.Key == "" {
		done()
		return nil, nil, errors.New("create inbox: no key in the response")
	}
	e.key, e.inbox = ib.Key, ib.ID
	return e, done, nil
}

// chatSession is one widget session: a new anonymous visitor.
type chatSession struct {
	token, customer, conversation string
}

// session opens a widget session for a new visitor.
func (e *chatEnv) session(ctx context.Context) (*chatSession, error) {
	var s struct {
		VisitorToken   string `json:"visitor_token"`
		CustomerID     string `json:"customer_id"`
		ConversationID string `json:"conversation_id"`
	}
	if err := e.public.Do(ctx, http.MethodPost, "/api/v1/widget/"+url.PathEscape(e.key)+"/sessions", json.RawMessage("{}"), &s); err != nil {
		return nil, err
	}
	if s.VisitorToken == "" || s.ConversationID == "" {
		return nil, errors.New("session: no visitor_token or conversation_id")
	}
	return &chatSession{token: s.VisitorToken, customer: s.CustomerID, conversation: s.ConversationID}, nil
}

// sessions opens n sessions with c in parallel.
func (e *chatEnv) sessions(ctx context.Context, n, c int) ([]*chatSession, error) {
	out := make([]*chatSession, n)
	err := parallel(ctx, n, c, func(ctx context.Context, i int) error {
		s, err := e.session(ctx)
		out[i] = s
		return err
	})
	return out, err
}

// dial opens a socket at path with hdr and reads the server's hello.
func (e *chatEnv) dial(ctx context.Context, path string, hdr http.Header) (*websocket.Conn, error) {
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	conn, res, err := websocket.Dial(ctx, e.wsBase+path, &websocket.DialOptions{HTTPClient: e.dialHC, HTTPHeader: hdr,
		CompressionMode: websocket.CompressionDisabled})
	if res != nil && res.Body != nil {
		_ = res.Body.Close() // nil after an upgrade; a refusal's first 1 KiB otherwise
	}
	if err != nil {
		if res != nil {
			return nil, fmt.Errorf("dial %s: status %d: %w", strings.SplitN(path, "?", 2)[0], res.StatusCode, err)
		}
		return nil, err
	}
	conn.SetReadLimit(1 << 20)
	_, data, err := conn.Read(ctx)
	if err != nil {
		_ = conn.CloseNow()
		return nil, fmt.Errorf("waiting for hello: %w", err)
	}
	if typ := frameType(data); typ != "hello" {
		_ = conn.CloseNow()
		return nil, fmt.Errorf("first frame is %q, want hello", typ)
	}
	return conn, nil
}

// dialVisitor opens a visitor socket for a session.
func (e *chatEnv) dialVisitor(ctx context.Context, s *chatSession) (*websocket.Conn, error) {
	return e.dial(ctx, "/ws/visitor?key="+url.QueryEscape(e.key)+"&visitor_token="+url.QueryEscape(s.token), nil)
}

// dialAgent opens the agent socket of the signed-in account.
func (e *chatEnv) dialAgent(ctx context.Context) (*websocket.Conn, error) {
	return e.dial(ctx, "/ws/agent", http.Header{"Authorization": {"Bearer " + e.admin.Token}})
}

// parallel runs fn(0…n-1) on c workers and returns the first error; it
// stops handing out work after an error.
func parallel(ctx context.Context, n, c int, fn func(ctx context.Context, i int) error) error {
	ctx, cancel := context.WithCancel(ctx)
	defer cancel()
	var next atomic.Int64
	var once sync.Once
	var first error
	var wg sync.WaitGroup
	for range min(c, n) {
		wg.Go(func() {
			for ctx.Err() == nil {
				i := int(next.Add(1)) - 1
				if i >= n {
					return
				}
				if err := fn(ctx, i); err != nil {
					once.Do(func() { first = fmt.Errorf("item %d: %w", i, err); cancel() })
					return
				}
			}
		})
	}
	wg.Wait()
	if first != nil {
		return first
	}
	return ctx.Err()
}

// chatFrame is the part of a server frame the commands look at.
type chatFrame struct {
	Type           string `json:"type"`
	ClientID       string `json:"client_id"`
	ConversationID string `json:"conversation_id"`
	Seq            int64  `json:"seq"`
	Code           string `json:"code"`
	Message        *struct {
		SenderType string `json:"sender_type"`
		Text       string `json:"text"`
		ClientID   string `json:"client_id"`
	} `json:"message"`
}

// frameType returns a frame's type without decoding all of it: the server
// encodes its struct frames with "type" first. Other shapes (the hello
// frame is a map, so its keys are sorted) are decoded.
func frameType(data []byte) string {
	const prefix = `{"type":"`
	if bytes.HasPrefix(data, []byte(prefix)) {
		rest := data[len(prefix):]
		if i := bytes.IndexByte(rest, '"'); i >= 0 {
			return string(rest[:i])
		}
	}
	var f struct {
		Type string `json:"type"`
	}
	_ = json.Unmarshal(data, &f)
	return f.Type
}

// readFrames calls fn with every text frame until the socket fails or
// closes, or fn returns false. The data slice is only valid during the
// call. Reads run without a context: close the socket to stop them.
func readFrames(conn *websocket.Conn, fn func(typ string, data []byte) bool) error {
	var buf bytes.Buffer
	for {
		_, r, err := conn.Reader(context.Background())
		if err != nil {
			return err
		}
		buf.Reset()
		if _, err := buf.ReadFrom(r); err != nil {
			return err
		}
		data := buf.Bytes()
		if !fn(frameType(data), data) {
			return nil
		}
	}
}

// closeReason names why a socket ended, for tallies: close_1008_slow_consumer,
// close_1000, eof, or err.
func closeReason(err error) string {
	var ce websocket.CloseError
	if errors.As(err, &ce) {
		if ce.Reason != "" {
			return fmt.Sprintf("close_%d_%s", int(ce.Code), strings.ReplaceAll(ce.Reason, " ", "_"))
		}
		return fmt.Sprintf("close_%d", int(ce.Code))
	}
	if errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF) {
		return "eof"
	}
	return "err"
}

// appendMessageFrame appends a visitor message frame. The IDs and texts
// sbbench sends need no JSON escaping.
func appendMessageFrame(b []byte, clientID, conversationID, text string) []byte {
	b = append(b, `{"type":"message","client_id":"`...)
	b = append(b, clientID...)
	b = append(b, `","conversation_id":"`...)
	b = append(b, conversationID...)
	b = append(b, `","text":"`...)
	b = append(b, text...)
	return append(b, `"}`...)
}

// clientIDFor builds a client_id (8–64 characters) from a socket index and
// a counter: PREFIX000042-17.
func clientIDFor(prefix string, sock int, k int64) string {
	b := make([]byte, 0, 32)
	b = append(b, prefix...)
	s := strconv.Itoa(sock)
	for range 6 - len(s) {
		b = append(b, '0')
	}
	b = append(b, s...)
	b = append(b, '-')
	return string(strconv.AppendInt(b, k, 10))
}

// counterOf returns the counter of a client_id made by clientIDFor.
func counterOf(clientID string) (int64, bool) {
	i := strings.LastIndexByte(clientID, '-')
	if i < 0 {
		return 0, false
	}
	k, err := strconv.ParseInt(clientID[i+1:], 10, 64)
	return k, err == nil
}

// raiseNoFile lifts the soft limit on open files to the hard limit (15,000
// sockets need as many descriptors) and returns the new soft limit.
func raiseNoFile() uint64 {
	var r syscall.Rlimit
	if syscall.Getrlimit(syscall.RLIMIT_NOFILE, &r) != nil {
		return 0
	}
	if r.Cur < r.Max {
		want := r
		want.Cur = r.Max
		if syscall.Setrlimit(syscall.RLIMIT_NOFILE, &want) == nil {
			r = want
		}
	}
	return r.Cur
}

// needFiles checks that n sockets fit under the descriptor limit.
func needFiles(n int) error {
	limit := raiseNoFile()
	if limit > 0 && uint64(n)+256 > limit {
		return fmt.Errorf("%d sockets need more open files than the limit of %d (raise the hard limit: ulimit -Hn)", n, limit)
	}
	return nil
}

// procMem returns a process's resident set (VmRSS) and its peak (VmHWM)
// in bytes, from /proc/PID/status.
func procMem(pid int) (rss, hwm int64, ok bool) {
	b, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, 0, false
	}
	for l := range strings.Lines(string(b)) {
		k, v, found := strings.Cut(l, ":")
		if !found || (k != "VmRSS" && k != "VmHWM") {
			continue
		}
		f := strings.Fields(v)
		if len(f) < 1 {
			continue
		}
		kb, err := strconv.ParseInt(f[0], 10, 64)
		if err != nil {
			continue
		}
		if k == "VmRSS" {
			rss = kb << 10
		} else {
			hwm = kb << 10
		}
	}
	return rss, hwm, rss > 0
}

// mb formats bytes as MB (10^6) with one decimal.
func mb(n int64) string { return fmt.Sprintf("%.1f", float64(n)/1e6) }

// chatFlags are the flags every chat command shares.
type chatFlags struct {
	tgt      func() (*target, error)
	setupC   *int
	duration *time.Duration
	warmup   *time.Duration
}

func newChatFlags(fs *flag.FlagSet, withDuration bool) *chatFlags {
	f := &chatFlags{tgt: targetFlags(fs)}
	f.setupC = intFlag(fs, "setup-c", 32, 1, 1024, "parallel session requests and socket dials while setting up")
	if withDuration {
		f.duration = fs.Duration("duration", 10*time.Second, "measured duration (≤ 10m)")
		f.warmup = fs.Duration("warmup", time.Second, "unmeasured warm-up before -duration")
	}
	return f
}

func (f *chatFlags) check() (*target, error) {
	t, err := f.tgt()
	if err != nil {
		return nil, err
	}
	if f.duration != nil && (*f.duration <= 0 || *f.duration > 10*time.Minute || *f.warmup < 0 || *f.warmup > time.Minute) {
		return nil, errors.New("-duration must be in (0, 10m] and -warmup in [0, 1m]")
	}
	return t, nil
}

// closeAll closes sockets politely, c at a time.
func closeAll(conns []*websocket.Conn, c int) {
	_ = parallel(context.Background(), len(conns), c, func(_ context.Context, i int) error {
		if conns[i] != nil {
			_ = conns[i].Close(websocket.StatusNormalClosure, "")
		}
		return nil
	})
}

// decodeFrame decodes the fields of a frame the commands use.
func decodeFrame(data []byte) (*chatFrame, error) {
	var f chatFrame
	err := json.Unmarshal(data, &f)
	return &f, err
}

// plainText reports whether s can be put in a JSON string as it is.
func plainText(s string) bool {
	for i := range len(s) {
		if c := s[i]; c < 0x20 || c > 0x7e || c == '"' || c == '\\' {
			return false
		}
	}
	return true
}
