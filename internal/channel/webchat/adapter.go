package webchat

import (
	"context"

	"github.com/switchboardhq/switchboard/internal/channel"
	"github.com/switchboardhq/switchboard/internal/inbox"
)

// Adapter is web chat's channel adapter. A web chat reply needs no provider:
// the realtime hub has already pushed it to every socket of the visitor on
// every node, and a visitor who is away receives it with resume when they
// return. Deliver therefore only reports that.
type Adapter struct{}

var _ channel.Adapter = Adapter{}

// Channel implements channel.Adapter.
func (Adapter) Channel() inbox.Channel { return inbox.ChannelWebchat }

// Deliver implements channel.Adapter.
func (Adapter) Deliver(context.Context, *channel.Outbound) (channel.Receipt, error) {
	return channel.Receipt{Status: "realtime"}, nil
}
