package routing

import "time"

// NoticeKind says what a Notice tells an agent's screen.
type NoticeKind string

// The notices.
const (
	// NoticeOffered shows an offer as soon as it is decided, before the
	// batch that made it is written (ADR 0017).
	NoticeOffered NoticeKind = "offered"
	// NoticeWithdrawn takes back an offer shown early whose write failed.
	NoticeWithdrawn NoticeKind = "withdrawn"
)

// ReasonWithdrawn ends an offer that was shown but never written.
const ReasonWithdrawn = "withdrawn"

// Notice is early word for one agent's screen. It is not an event: the
// sb.routing.offered event of the same offer follows once it is durable,
// and screens show each offer once (ADR 0017).
type Notice struct {
	Kind  NoticeKind `json:"kind"`
	Event ItemEvent  `json:"event"`
}

// offerNotices returns a notice for each offer among fx.
func offerNotices(fx []Effect, now time.Time) []Notice {
	var out []Notice
	for _, e := range fx {
		if e.Kind != EffectOffered || e.Item == nil {
			continue
		}
		out = append(out, Notice{Kind: NoticeOffered, Event: itemEvent(e, now)})
	}
	return out
}

// withdrawals returns a withdrawal for each shown offer that is not open
// on the board now.
func (b *Board) withdrawals(shown []Notice) []Notice {
	var out []Notice
	for _, n := range shown {
		it := n.Event.Item
		if e := b.offers[it.OfferID]; e != nil && e.it.AgentID == it.AgentID {
			continue // still offered to the same agent: written after all
		}
		out = append(out, Notice{Kind: NoticeWithdrawn, Event: ItemEvent{Item: it, Reason: ReasonWithdrawn,
			PrevAgentID: it.AgentID, PrevOfferID: it.OfferID}})
	}
	return out
}
