package routing

import (
	"errors"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard/internal/calendar"
	"github.com/switchboardhq/switchboard/internal/errcode"
)

// Queue setting defaults and bounds.
const (
	defaultOfferTimeout = 30
	maxQueueName        = 100
	maxOverflowRules    = 10
)

// QueueParams create a queue or, on update, change the fields that are set.
type QueueParams struct {
	Name                     *string         `json:"name"`
	Skills                   *[]SkillReq     `json:"skills"`
	Priority                 *int            `json:"priority"`
	Strategy                 *Strategy       `json:"strategy"`
	AutoAccept               *bool           `json:"auto_accept"`
	OfferTimeoutSeconds      *int            `json:"offer_timeout_seconds"`
	MaxWaitSeconds           *int            `json:"max_wait_seconds"`
	WrapUpSeconds            *int            `json:"wrap_up_seconds"`
	Overflow                 *[]Overflow     `json:"overflow"`
	StickySeconds            *int            `json:"sticky_seconds"`
	ServiceLevel             *ServiceLevel   `json:"service_level"`
	MissedOfferAway          *bool           `json:"missed_offer_away"`
	AlternativesAfterSeconds *int            `json:"alternatives_after_seconds"`
	Hours                    *calendar.Hours `json:"hours"`
	// ClearHours makes an updated queue always open.
	ClearHours bool `json:"-"`
}

// newQueue returns a queue with the defaults.
func newQueue() *Queue {
	return &Queue{Strategy: LongestIdle, OfferTimeoutSeconds: defaultOfferTimeout, MissedOfferAway: true,
		ServiceLevel: ServiceLevel{Percent: defaultTargetPercent, Seconds: defaultTargetSeconds},
		Skills:       []SkillReq{}, Overflow: []Overflow{}}
}

// apply copies the set fields onto q.
func (p *QueueParams) apply(q *Queue) {
	set(&q.Name, p.Name)
	set(&q.Skills, p.Skills)
	set(&q.Priority, p.Priority)
	set(&q.Strategy, p.Strategy)
	set(&q.AutoAccept, p.AutoAccept)
	set(&q.OfferTimeoutSeconds, p.OfferTimeoutSeconds)
	set(&q.MaxWaitSeconds, p.MaxWaitSeconds)
	set(&q.WrapUpSeconds, p.WrapUpSeconds)
	set(&q.Overflow, p.Overflow)
	set(&q.StickySeconds, p.StickySeconds)
	set(&q.ServiceLevel, p.ServiceLevel)
	set(&q.MissedOfferAway, p.MissedOfferAway)
	set(&q.AlternativesAfterSeconds, p.AlternativesAfterSeconds)
	if p.Hours != nil {
		h := *p.Hours
		q.Hours = &h
	}
	if p.ClearHours {
		q.Hours = nil
	}
	q.Name = strings.TrimSpace(q.Name)
	if q.Skills == nil {
		q.Skills = []SkillReq{}
	}
	if q.Overflow == nil {
		q.Overflow = []Overflow{}
	}
}

func set[T any](dst *T, v *T) {
	if v != nil {
		*dst = *v
	}
}

// validate checks a queue's settings; skillKnown and queueKnown check
// references within the tenant.
func (q *Queue) validate(skillKnown, queueKnown func(id string) bool) error {
	var d []errcode.Detail
	bad := func(field, format string, args ...any) {
		d = append(d, errcode.Detail{Field: field, Message: fmt.Sprintf(format, args...)})
	}
	if n := utf8.RuneCountInString(q.Name); n == 0 || n > maxQueueName {
		bad("name", "must be 1 to %d characters", maxQueueName)
	}
	if !q.Strategy.Valid() {
		bad("strategy", "must be one of longest_idle, least_occupied, round_robin, most_skilled")
	}
	seen := map[string]bool{}
	for i, s := range q.Skills {
		switch {
		case !skillKnown(s.SkillID):
			bad(fmt.Sprintf("skills[%d].skill_id", i), "is not a skill of this tenant")
		case seen[s.SkillID]:
			bad(fmt.Sprintf("skills[%d].skill_id", i), "is listed twice")
		}
		seen[s.SkillID] = true
		if s.MinLevel < 1 || s.MinLevel > 5 {
			bad(fmt.Sprintf("skills[%d].min_level", i), "must be 1 to 5")
		}
	}
	inRange := func(field string, v, lo, hi int) {
		if v < lo || v > hi {
			bad(field, "must be %d to %d", lo, hi)
		}
	}
	inRange("priority", q.Priority, -100, 100)
	inRange("offer_timeout_seconds", q.OfferTimeoutSeconds, 5, 600)
	inRange("max_wait_seconds", q.MaxWaitSeconds, 0, 7*86400)
	inRange("wrap_up_seconds", q.WrapUpSeconds, 0, 3600)
	inRange("sticky_seconds", q.StickySeconds, 0, 90*86400)
	inRange("service_level.percent", q.ServiceLevel.Percent, 1, 100)
	inRange("service_level.seconds", q.ServiceLevel.Seconds, 1, 3600)
	inRange("alternatives_after_seconds", q.AlternativesAfterSeconds, 0, 86400)
	if len(q.Overflow) > maxOverflowRules {
		bad("overflow", "at most %d rules", maxOverflowRules)
	}
	for i, o := range q.Overflow {
		f := fmt.Sprintf("overflow[%d]", i)
		inRange(f+".after_seconds", o.AfterSeconds, 1, 7*86400)
		switch o.Action {
		case RelaxSkills:
			inRange(f+".levels", o.Levels, 0, 4)
		case AddAgents, MoveToQueue:
			if o.QueueID == q.ID || !queueKnown(o.QueueID) {
				bad(f+".queue_id", "must name another queue of this tenant")
			}
		default:
			bad(f+".action", "must be one of relax_skills, add_agents, move_to_queue")
		}
	}
	if q.Hours != nil {
		if _, err := calendar.Compile(*q.Hours); err != nil {
			var ce *errcode.Error
			if errors.As(err, &ce) {
				for _, x := range ce.Details {
					bad("hours."+x.Field, "%s", x.Message)
				}
			} else {
				bad("hours", "%v", err)
			}
		}
	}
	if len(d) > 0 {
		return &errcode.Error{Code: errcode.ValidationFailed, Message: "the queue settings are invalid", Details: d}
	}
	return nil
}
