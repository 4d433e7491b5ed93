package realtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"errors"
	"sync"
	"sync/atomic"
	"time"

	"github.com/coder/websocket"
	"golang.org/x/time/rate"

	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// Timings of the socket protocol (docs/protocol/webchat.md §5).
const (
	pingEvery       = 25 * time.Second
	pongWithin      = 20 * time.Second
	writeWithin     = 10 * time.Second
	replayPage      = 500
	maxFrameSize    = 256 << 10 // holds a 20,000-character message even when every character is escaped
	visitorQueueLen = 128
	// Frames other than messages (resume, typing, read, ping) each cost a
	// database read or write or a fan-out to the tenant's agents, and no
	// person sends them fast: 100 at once, then 10 a second per socket.
	controlEvery = 100 * time.Millisecond
	controlBurst = 100
)

// delivery is one item of a client's queue.
type delivery struct {
	meta           conversation.Meta
	msg            *conversation.Message
	notice         *Notice
	changed        *conversation.Changed
	event          string
	refreshInboxes bool
	resume         *resumeReq
	recheckUser    string // re-authenticate this user's sockets ("*": all of the tenant's)
	routing        *routingNote
	frame          []byte // written as it is (agents only)
}

type resumeReq struct {
	conversationID string
	after          int64
}

// Client is one WebSocket: a visitor (Principal nil) or an agent.
type Client struct {
	hub  *Hub
	conn *websocket.Conn
	id   string

	tenantID   string
	customerID string                // visitors
	principal  *permission.Principal // agents

	events    chan *delivery
	done      chan struct{}
	closeOnce sync.Once
	frames    *rate.Limiter                                        // frames other than messages; nil without limits
	recheck   func(context.Context) (*permission.Principal, error) // agents

	// Owned by the delivery goroutine.
	cursors map[string]int64
	offers  offerMemory

	// Read by the hub to skip, before queueing, the conversation events
	// this agent would drop (mayCare); written by the delivery goroutine.
	inboxes    atomic.Pointer[map[string]bool] // inboxes the agent serves
	known      sync.Map                        // conversation IDs with a cursor
	refreshing atomic.Bool                     // an inbox refresh is queued
}

// ClientParams identify a socket's user.
type ClientParams struct {
	TenantID   string
	CustomerID string                // for a visitor
	Principal  *permission.Principal // for an agent
	// Recheck authenticates an agent's credentials again; the socket
	// closes when they no longer hold or no longer grant the same.
	Recheck func(context.Context) (*permission.Principal, error)
}

// NewClient registers a socket with the hub. Serve runs it.
func (h *Hub) NewClient(ctx context.Context, conn *websocket.Conn, p ClientParams) (*Client, error) {
	id := make([]byte, 8)
	_, _ = rand.Read(id)
	// A visitor's socket carries one customer's conversations: a short
	// queue suffices, and 15,000 of them must fit in memory.
	qlen := h.cfg.QueueLen
	if p.Principal == nil {
		qlen = min(qlen, visitorQueueLen)
	}
	c := &Client{hub: h, conn: conn, id: hex.EncodeToString(id), tenantID: p.TenantID, customerID: p.CustomerID,
		principal: p.Principal, recheck: p.Recheck, events: make(chan *delivery, qlen), done: make(chan struct{}),
		cursors: map[string]int64{}}
	if h.cfg.RateLimits {
		c.frames = rate.NewLimiter(rate.Every(controlEvery), controlBurst)
	}
	if !c.visitor() {
		if err := c.loadInboxes(ctx); err != nil {
			return nil, err
		}
	}
	conn.SetReadLimit(maxFrameSize)
	h.add(c)
	return c, nil
}

func (c *Client) visitor() bool { return c.principal == nil }

// ID identifies the socket in notices, so its own are not echoed back.
func (c *Client) ID() string { return c.id }

func (c *Client) loadInboxes(ctx context.Context) error {
	ids, err := c.hub.cfg.Inboxes(ctx, c.tenantID, c.principal.UserID)
	if err != nil {
		return err
	}
	m := make(map[string]bool, len(ids))
	for _, id := range ids {
		m[id] = true
	}
	c.inboxes.Store(&m)
	return nil
}

// serves reports whether the agent serves the inbox.
func (c *Client) serves(inboxID string) bool {
	m := c.inboxes.Load()
	return m != nil && (*m)[inboxID]
}

// mayCare reports whether an agent socket might write anything for an
// event about the conversation: the hub skips the others, so 500 new
// conversations a second do not wake every agent's socket (ADR 0017).
// It errs towards yes; the delivery goroutine decides.
func (c *Client) mayCare(m conversation.Meta) bool {
	if c.refreshing.Load() || c.canSee(m) {
		return true
	}
	_, known := c.known.Load(m.ID)
	return known
}

// setCursor records the last seq written for a conversation.
func (c *Client) setCursor(conv string, seq int64) {
	if _, ok := c.cursors[conv]; !ok {
		c.known.Store(conv, struct{}{})
	}
	c.cursors[conv] = seq
}

// offer queues d without blocking; a full queue means the client does not
// keep up, and it is disconnected.
func (c *Client) offer(d *delivery) {
	select {
	case c.events <- d:
	case <-c.done:
	default:
		c.kick("slow_consumer")
	}
}

// kick closes the socket with a policy-violation status and reason.
func (c *Client) kick(reason string) {
	c.closeOnce.Do(func() {
		close(c.done)
		go func() { _ = c.conn.Close(websocket.StatusPolicyViolation, reason) }()
	})
}

// Write sends a frame now, from any goroutine (the library serialises
// writers).
func (c *Client) Write(ctx context.Context, v any) error {
	return c.writeRaw(ctx, mustJSON(v))
}

// writeRaw sends an encoded frame now.
func (c *Client) writeRaw(ctx context.Context, frame []byte) error {
	ctx, cancel := context.WithTimeout(ctx, writeWithin)
	defer cancel()
	return c.conn.Write(ctx, websocket.MessageText, frame)
}

// WriteError sends a refusal for err, with its stable code.
func (c *Client) WriteError(ctx context.Context, clientID string, err error) error {
	e := errcode.From(err)
	if k := e.Code.Kind(); k == errcode.KindInternal || k == errcode.KindUnavailable {
		c.hub.cfg.Logger.ErrorContext(ctx, "realtime: frame failed", "tenant_id", c.tenantID, "err", err)
	}
	f := ErrorFrame{Type: "error", ClientID: clientID, Code: e.Code.Name(), Message: e.Message}
	if e.RetryAfter > 0 {
		f.RetryAfterMS = e.RetryAfter.Milliseconds()
	} else if e.Code.Kind() == errcode.KindInternal || e.Code.Kind() == errcode.KindUnavailable {
		f.RetryAfterMS = 1000
	}
	return c.Write(ctx, f)
}

// Resume asks the delivery goroutine to replay a conversation after a seq
// and then continue live. The caller has checked the client may see it.
func (c *Client) Resume(ctx context.Context, conversationID string, after int64) error {
	select {
	case c.events <- &delivery{resume: &resumeReq{conversationID: conversationID, after: after}}:
		return nil
	case <-c.done:
		return errors.New("realtime: client closed")
	case <-ctx.Done():
		return ctx.Err()
	}
}

// PublishTyping tells conv's other clients that a sender started or
// stopped typing.
func (c *Client) PublishTyping(conv *conversation.Conversation, sender conversation.SenderType, name string, typing bool) {
	n := c.noticeAbout(conv, "typing")
	n.SenderType, n.Name, n.Typing = string(sender), name, typing
	_ = c.hub.cfg.Bus.Publish(SubjectTyping, mustJSON(n))
}

// PublishRead tells conv's other clients that reader has read up to seq.
func (c *Client) PublishRead(conv *conversation.Conversation, reader conversation.Reader, seq int64) {
	n := c.noticeAbout(conv, "read")
	n.Reader, n.Seq = string(reader), seq
	_ = c.hub.cfg.Bus.Publish(SubjectRead, mustJSON(n))
}

// noticeAbout addresses a notice by conv's current visibility: receivers
// check it as they check messages.
func (c *Client) noticeAbout(conv *conversation.Conversation, typ string) *Notice {
	return &Notice{Type: typ, TenantID: conv.TenantID, ConversationID: conv.ID, CustomerID: conv.CustomerID,
		InboxID: conv.InboxID, AssigneeID: conv.AssigneeID, From: c.id}
}

// Handlers process a client's frames by type.
type Handlers struct {
	Message func(ctx context.Context, f *Frame) error
	Resume  func(ctx context.Context, f *Frame) error
	Typing  func(ctx context.Context, f *Frame) error
	Read    func(ctx context.Context, f *Frame) error
	// Accept and Decline answer offers (agents only; nil for visitors).
	Accept  func(ctx context.Context, f *Frame) error
	Decline func(ctx context.Context, f *Frame) error
	// Position and LeaveMessage serve a waiting visitor (visitors only).
	Position     func(ctx context.Context, f *Frame) error
	LeaveMessage func(ctx context.Context, f *Frame) error
}

// Serve runs the socket until it closes: a reader loop here, and the
// delivery loop in a goroutine. It unregisters the client on return.
func (c *Client) Serve(ctx context.Context, hello any, hs Handlers) {
	ctx, cancel := context.WithCancel(ctx)
	defer func() {
		cancel()
		c.hub.remove(c)
		c.kick("closed")
	}()
	if err := c.Write(ctx, hello); err != nil {
		return
	}
	go c.deliver(ctx)
	for {
		typ, data, err := c.conn.Read(ctx)
		if err != nil {
			return
		}
		var f Frame
		if typ != websocket.MessageText || json.Unmarshal(data, &f) != nil {
			_ = c.WriteError(ctx, "", errcode.New(errcode.InvalidJSON, "frames are JSON text objects"))
			continue
		}
		if err := c.handleFrame(ctx, &f, hs); err != nil {
			_ = c.WriteError(ctx, f.ClientID, err)
		}
	}
}

func (c *Client) handleFrame(ctx context.Context, f *Frame, hs Handlers) error {
	if f.Type != "message" && c.frames != nil {
		now := time.Now()
		if r := c.frames.ReserveN(now, 1); r.DelayFrom(now) > 0 {
			r.CancelAt(now)
			e := errcode.New(errcode.RateLimited, "too many frames")
			e.RetryAfter = r.DelayFrom(now)
			return e
		}
	}
	switch f.Type {
	case "accept", "decline":
		h := hs.Accept
		if f.Type == "decline" {
			h = hs.Decline
		}
		if h == nil {
			return errcode.Errorf(errcode.ValidationFailed, "unknown frame type %q", f.Type)
		}
		if f.OfferID == "" {
			return errcode.New(errcode.ValidationFailed, "offer_id is required")
		}
		return h(ctx, f)
	}
	if f.Type != "ping" && f.ConversationID == "" {
		return errcode.New(errcode.ValidationFailed, "conversation_id is required")
	}
	switch f.Type {
	case "ping":
		return c.Write(ctx, map[string]string{"type": "pong"})
	case "message":
		return hs.Message(ctx, f)
	case "resume":
		if f.AfterSeq < 0 {
			return errcode.New(errcode.ValidationFailed, "after_seq must not be negative")
		}
		return hs.Resume(ctx, f)
	case "typing":
		return hs.Typing(ctx, f)
	case "read":
		return hs.Read(ctx, f)
	case "position", "leave_message":
		h := hs.Position
		if f.Type == "leave_message" {
			h = hs.LeaveMessage
		}
		if h != nil {
			return h(ctx, f)
		}
	}
	return errcode.Errorf(errcode.ValidationFailed, "unknown frame type %q", f.Type)
}

// deliver runs the client's queue: visibility, order, gap filling, writes.
func (c *Client) deliver(ctx context.Context) {
	ping := time.NewTicker(pingEvery)
	defer ping.Stop()
	var recheck <-chan time.Time
	if c.recheck != nil {
		t := time.NewTicker(c.hub.cfg.RecheckEvery)
		defer t.Stop()
		recheck = t.C
	}
	for {
		select {
		case <-ctx.Done():
			return
		case <-c.done:
			return
		case d := <-c.events:
			if err := c.handle(ctx, d); err != nil {
				c.hub.cfg.Logger.WarnContext(ctx, "realtime: delivery failed", "tenant_id", c.tenantID, "err", err)
				c.kick("delivery_failed")
				return
			}
		case <-recheck:
			c.reauthenticate(ctx)
		case <-ping.C:
			go func() {
				pctx, cancel := context.WithTimeout(ctx, pongWithin)
				defer cancel()
				if err := c.conn.Ping(pctx); err != nil {
					c.kick("ping_timeout")
				}
			}()
		}
	}
}

func (c *Client) handle(ctx context.Context, d *delivery) error {
	switch {
	case d.resume != nil:
		return c.replay(ctx, d.resume)
	case d.msg != nil:
		return c.message(ctx, d)
	case d.notice != nil:
		return c.relayNotice(ctx, d)
	case d.changed != nil:
		if c.visitor() || (!c.canSee(d.meta) && c.cursors[d.meta.ID] == 0) {
			return nil
		}
		return c.Write(ctx, conversationFrame{Type: "conversation", Event: d.event, Conversation: d.changed.Conversation})
	case d.routing != nil:
		return c.routingFrames(ctx, d.routing)
	case d.frame != nil:
		if !c.visitor() {
			return c.writeRaw(ctx, d.frame)
		}
	case d.refreshInboxes:
		if !c.visitor() {
			err := c.loadInboxes(ctx)
			c.refreshing.Store(false)
			return err
		}
	case d.recheckUser != "":
		if !c.visitor() && (d.recheckUser == "*" || d.recheckUser == c.principal.UserID) {
			c.reauthenticate(ctx)
		}
	}
	return nil
}

// canSee applies conversation.Visible on the socket's cached inbox
// memberships; visitors see their own conversations.
func (c *Client) canSee(m conversation.Meta) bool {
	if c.visitor() {
		return m.CustomerID == c.customerID
	}
	return conversation.Visible(c.principal, m, c.serves)
}

// message delivers a live message in order: duplicates are dropped and a
// gap is filled from the database first.
func (c *Client) message(ctx context.Context, d *delivery) error {
	if !c.canSee(d.meta) || (c.visitor() && d.msg.Private) {
		return nil
	}
	conv, seq := d.meta.ID, d.msg.Seq
	last, known := c.cursors[conv]
	if known && seq <= last {
		return nil
	}
	if known && seq > last+1 {
		if err := c.fill(ctx, conv, last, seq); err != nil {
			return err
		}
	}
	c.setCursor(conv, seq)
	return c.Write(ctx, messageFrame{Type: "message", ConversationID: conv, Seq: seq, Message: d.msg})
}

// fill sends the stored messages with after < seq < upTo.
func (c *Client) fill(ctx context.Context, conv string, after, upTo int64) error {
	for after < upTo-1 {
		ms, err := c.hub.cfg.Fetch(ctx, c.tenantID, conv, after, !c.visitor(), replayPage)
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			return nil // the gap is private notes (hidden from visitors)
		}
		for _, m := range ms {
			if m.Seq >= upTo {
				return nil
			}
			if err := c.Write(ctx, messageFrame{Type: "message", ConversationID: conv, Seq: m.Seq, Message: m}); err != nil {
				return err
			}
			after = m.Seq
		}
	}
	return nil
}

// replay sends everything after r.after, then "resumed"; live messages
// queued meanwhile are deduplicated by the cursor.
func (c *Client) replay(ctx context.Context, r *resumeReq) error {
	after := r.after
	for {
		ms, err := c.hub.cfg.Fetch(ctx, c.tenantID, r.conversationID, after, !c.visitor(), replayPage)
		if err != nil {
			return err
		}
		for _, m := range ms {
			if err := c.Write(ctx, messageFrame{Type: "message", ConversationID: r.conversationID, Seq: m.Seq, Message: m}); err != nil {
				return err
			}
			after = m.Seq
		}
		if len(ms) < replayPage {
			break
		}
	}
	if last := c.cursors[r.conversationID]; last > after {
		after = last
	}
	c.setCursor(r.conversationID, after)
	return c.Write(ctx, resumedFrame{Type: "resumed", ConversationID: r.conversationID, LastSeq: after})
}

func (c *Client) relayNotice(ctx context.Context, d *delivery) error {
	n := d.notice
	if n.From == c.id || !c.canSee(d.meta) {
		return nil
	}
	// Visitors hear agents; agents hear visitors and each other.
	if c.visitor() && (n.SenderType == string(conversation.SenderVisitor) || n.Reader == string(conversation.ReaderVisitor)) {
		return nil
	}
	if n.Type == "typing" {
		return c.Write(ctx, map[string]any{"type": "typing", "conversation_id": n.ConversationID,
			"sender_type": n.SenderType, "typing": n.Typing, "name": n.Name})
	}
	return c.Write(ctx, map[string]any{"type": "read", "conversation_id": n.ConversationID, "reader": n.Reader, "seq": n.Seq})
}
