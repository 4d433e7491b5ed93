package realtime

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"time"
)

// Presence is shared between nodes with heartbeats on core NATS: every node
// announces which users have agent sockets on it, at once when that changes
// (at most twice a second) and every presenceEvery otherwise. A node's
// announcement expires after presenceTTL, so a dead node's agents drop off.
const (
	SubjectPresence = "sbx.presence"
	presenceEvery   = 10 * time.Second
	presenceTTL     = 25 * time.Second
)

type presenceBeat struct {
	Node  string              `json:"node"`
	Users map[string][]string `json:"users"` // tenant ID → user IDs online
}

type remoteNode struct {
	users map[string][]string
	seen  time.Time
}

func newNodeID() string {
	b := make([]byte, 8)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// announce runs until ctx ends, publishing this node's presence.
func (h *Hub) announce(ctx context.Context) {
	t := time.NewTicker(presenceEvery)
	defer t.Stop()
	for {
		h.publishPresence()
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		case <-h.changed:
			// Coalesce bursts of connects and disconnects.
			select {
			case <-ctx.Done():
				return
			case <-time.After(500 * time.Millisecond):
			}
		}
	}
}

func (h *Hub) publishPresence() {
	h.mu.RLock()
	beat := presenceBeat{Node: h.node, Users: map[string][]string{}}
	for tenant, set := range h.agents {
		seen := map[string]bool{}
		for c := range set {
			if !seen[c.principal.UserID] {
				seen[c.principal.UserID] = true
				beat.Users[tenant] = append(beat.Users[tenant], c.principal.UserID)
			}
		}
	}
	h.mu.RUnlock()
	_ = h.cfg.Bus.Publish(SubjectPresence, mustJSON(beat))
}

func (h *Hub) notePresence(data []byte) {
	var b presenceBeat
	if json.Unmarshal(data, &b) != nil || b.Node == h.node {
		return
	}
	h.pmu.Lock()
	h.remote[b.Node] = remoteNode{users: b.Users, seen: time.Now()}
	h.pmu.Unlock()
}

// signalPresence asks the announcer to publish soon.
func (h *Hub) signalPresence() {
	select {
	case h.changed <- struct{}{}:
	default:
	}
}

// Online reports which users of a tenant have an agent socket on any node
// (this node's exactly, other nodes' as of their last heartbeat).
func (h *Hub) Online(tenantID string) map[string]bool {
	out := map[string]bool{}
	h.mu.RLock()
	for c := range h.agents[tenantID] {
		out[c.principal.UserID] = true
	}
	h.mu.RUnlock()
	h.pmu.Lock()
	defer h.pmu.Unlock()
	for node, r := range h.remote {
		if time.Since(r.seen) > presenceTTL {
			delete(h.remote, node)
			continue
		}
		for _, u := range r.users[tenantID] {
			out[u] = true
		}
	}
	return out
}
