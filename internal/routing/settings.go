package routing

import (
	"fmt"
	"time"

	"github.com/switchboardhq/switchboard/internal/calendar"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/rule"
)

// TenantSettings are a tenant's routing settings as the API and the store
// carry them.
type TenantSettings struct {
	// VoiceBlocksChats stops other work being offered to an agent on a call.
	VoiceBlocksChats bool `json:"voice_blocks_chats"`
	// Timezone (IANA) defines "today" for queue statistics.
	Timezone string `json:"timezone"`
	// DisconnectGraceSeconds is how long an agent may be without an agent
	// socket before routing sets them offline (reason "disconnected"), so
	// nobody who closed the app is offered work; 0 never does.
	DisconnectGraceSeconds int `json:"disconnect_grace_seconds"`
}

// ReasonDisconnected is the reason routing gives when it sets an agent
// offline who has had no agent socket for the grace period.
const ReasonDisconnected = "disconnected"

// DefaultSettings are a tenant's settings until an admin changes them.
func DefaultSettings() *TenantSettings {
	return &TenantSettings{Timezone: "UTC", DisconnectGraceSeconds: 60}
}

// Compile checks the settings and returns what the board uses.
func (t *TenantSettings) Compile() (Settings, error) {
	if t.DisconnectGraceSeconds < 0 || t.DisconnectGraceSeconds > 3600 {
		return Settings{}, errcode.Errorf(errcode.ValidationFailed, "disconnect_grace_seconds must be 0 to 3600")
	}
	loc, err := time.LoadLocation(t.Timezone)
	if err != nil || t.Timezone == "" || t.Timezone == "Local" {
		return Settings{}, errcode.Errorf(errcode.ValidationFailed, "timezone %q is not an IANA time zone", t.Timezone)
	}
	return Settings{VoiceBlocksChats: t.VoiceBlocksChats, Location: loc}, nil
}

// AwayReason is an admin-defined reason an agent can give for being away.
type AwayReason struct {
	ID        string    `json:"id"`
	TenantID  string    `json:"tenant_id"`
	Name      string    `json:"name"`
	CreatedAt time.Time `json:"created_at"`
}

// Rule sends new work to a queue when its condition holds. Rules are
// evaluated in order and the first match wins; an inbox's default queue
// takes what no rule matched.
type Rule struct {
	ID       string `json:"id"`
	TenantID string `json:"tenant_id"`
	Name     string `json:"name"`
	// InboxID limits the rule to one inbox; "" applies to all.
	InboxID string `json:"inbox_id"`
	// When is an expression over the work (see docs/guide); "" always
	// matches.
	When    string `json:"when"`
	QueueID string `json:"queue_id"`

	cond *rule.Condition // compiled When (Prepare)
}

// Prepare compiles the queues' business hours into their Open functions
// and the rules' conditions.
func Prepare(s *Snapshot) error {
	for _, q := range s.Queues {
		if err := q.compileHours(); err != nil {
			return err
		}
	}
	for _, r := range s.Rules {
		var err error
		if r.cond, err = rule.Compile(r.When, RuleEnv{}); err != nil {
			return fmt.Errorf("routing: stored rule %s: %w", r.ID, err)
		}
	}
	return nil
}

func (q *Queue) compileHours() error {
	q.Open = nil
	if q.Hours == nil {
		return nil
	}
	sch, err := calendar.Compile(*q.Hours)
	if err != nil {
		return err
	}
	q.Open = sch.Open
	return nil
}
