package app

import (
	"context"
	"errors"
	"path/filepath"
	"time"

	"github.com/switchboardhq/switchboard/internal/attachment"
	"github.com/switchboardhq/switchboard/internal/attachment/localdisk"
	"github.com/switchboardhq/switchboard/internal/channel"
	"github.com/switchboardhq/switchboard/internal/channel/webchat"
	"github.com/switchboardhq/switchboard/internal/conversation"
	"github.com/switchboardhq/switchboard/internal/httpapi"
	"github.com/switchboardhq/switchboard/internal/inbox"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/realtime"
	"github.com/switchboardhq/switchboard/internal/routing"
	"github.com/switchboardhq/switchboard/internal/store"
)

// wireChat builds inboxes, conversations, the web chat channel and the
// realtime hub, and returns the HTTP dependencies they add.
func (a *App) wireChat() (httpapi.Deps, error) {
	st, o := a.Stores, a.opts
	blobs, err := localdisk.New(filepath.Join(a.cfg.DataDir, "attachments"))
	if err != nil {
		return httpapi.Deps{}, err
	}
	a.attachments = attachment.NewService(attachment.ServiceConfig{Store: st.Attachments, Blobs: blobs,
		Policy: attachment.DefaultPolicy(), Now: o.Now, NewID: o.NewID})
	a.batch = store.NewBatcher(st, a.log)
	a.Inboxes = inbox.NewService(inbox.Config{Inboxes: st.Inboxes,
		InTx: store.InTxAs(st, func(tx *store.Tx) inbox.Tx { return tx }), Rand: o.Rand, Now: o.Now, NewID: o.NewID,
		QueueExists: func(ctx context.Context, tenantID, id string) (bool, error) {
			_, err := st.Routing.GetQueue(ctx, tenantID, id)
			if errors.Is(err, routing.ErrQueueNotFound) {
				return false, nil
			}
			return err == nil, err
		},
		QueueChanged: func(ctx context.Context, tenantID string) error { return a.Routing.Reload(ctx, tenantID) }})
	write := store.BatchAs(a.batch, func(tx *store.Tx) conversation.Tx { return tx })
	a.Conversations = conversation.NewService(conversation.Config{Conversations: st.Conversations,
		InTx: store.InTxAs(st, func(tx *store.Tx) conversation.Tx { return tx }), Write: write, Now: o.Now, NewID: o.NewID})
	a.hub = realtime.NewHub(realtime.HubConfig{Bus: a.Bus, Logger: a.log, Inboxes: st.Inboxes.OfUser,
		Fetch: func(ctx context.Context, tenantID, id string, after int64, private bool, limit int) ([]*conversation.Message, error) {
			return st.Conversations.Messages(ctx, &conversation.MessagesParams{TenantID: tenantID, ConversationID: id,
				AfterSeq: after, IncludePrivate: private, Limit: limit})
		}, RateLimits: a.cfg.RateLimit != "off"})
	a.Customers = customerService(a)
	a.Webchat = webchat.NewService(webchat.Config{Inboxes: st.Inboxes, Customers: st.Customers, Store: st.Conversations,
		Conversations: a.Conversations, Write: write, Online: a.agentsOnline, DefaultLocale: a.defaultLocale,
		ClaimDeclared: a.Customers.ClaimDeclared, Rand: o.Rand, Now: o.Now, NewID: o.NewID,
		RateLimits: a.cfg.RateLimit != "off"})
	// Every channel adapter, in one visible list.
	a.router = channel.NewRouter(channel.RouterConfig{Consume: a.Bus.Consume, Inboxes: st.Inboxes, Logger: a.log,
		Adapters: []channel.Adapter{webchat.Adapter{}}})
	a.waker = conversation.NewWaker(a.Conversations, time.Second, a.log)
	a.autoResolver = conversation.NewAutoResolver(a.Conversations, o.AutoResolveEvery, a.log)
	a.Ingest = &channel.Ingest{Write: write, Conversations: a.Conversations, Now: o.Now, NewID: o.NewID}
	return httpapi.Deps{
		Inboxes: a.Inboxes, Conversations: a.Conversations, Webchat: a.Webchat,
		Customers:     a.Customers,
		VisitorSocket: visitorSocket(a),
		AgentSocket:   &realtime.AgentSocket{Hub: a.hub, Conversations: a.Conversations, Offers: offers{a}},
		Attachments:   a.attachments, AttachmentLimit: attachment.DefaultMaxBytes, Widget: webchat.Assets(),
	}, nil
}

// agentsOnline reports whether someone who serves the inbox has an agent
// socket open on any node. Inboxes without members count any agent.
func (a *App) agentsOnline(_ context.Context, in *inbox.Inbox) bool {
	online := a.hub.Online(in.TenantID)
	if len(in.MemberIDs) == 0 {
		return len(online) > 0
	}
	for _, id := range in.MemberIDs {
		if online[id] {
			return true
		}
	}
	return false
}

// defaultLocale is the tenant's default language, for the chat widget.
func (a *App) defaultLocale(ctx context.Context, tenantID string) (string, error) {
	s, err := a.Stores.Tenants.Settings(ctx, tenantID)
	if err != nil {
		return "", err
	}
	return s.DefaultLocale, nil
}

// offers gives sockets routing's accept and decline once routing is wired
// (it is built after the chat services).
type offers struct{ a *App }

func (o offers) Accept(ctx context.Context, by *permission.Principal, offerID string) (*routing.Item, error) {
	return o.a.Routing.Accept(ctx, by, offerID)
}

func (o offers) Decline(ctx context.Context, by *permission.Principal, offerID string) (*routing.Item, error) {
	return o.a.Routing.Decline(ctx, by, offerID)
}

// visitorSocket is the visitor socket with routing's queue information
// (routing is wired after the chat services).
func visitorSocket(a *App) *webchat.Socket {
	s := webchat.NewSocket(a.Webchat, a.hub, a.Conversations)
	s.Queue = queueInfo{a}
	return s
}

type queueInfo struct{ a *App }

func (q queueInfo) Position(ctx context.Context, tenantID, ref string) (*routing.Position, error) {
	return q.a.Routing.Position(ctx, tenantID, ref)
}

func (q queueInfo) End(ctx context.Context, tenantID, ref, reason string) error {
	return q.a.Routing.End(ctx, tenantID, ref, reason)
}
