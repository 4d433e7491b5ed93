package shield

import (
	"context"
	"errors"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/rule"
)

// Request is one call to decide.
type Request struct {
	// Caller is an agent's extension or a binding party's number.
	Caller string
	// Dialed is a dial code, the fixed code, a number typed by hand, or a
	// binding's X.
	Dialed string
	CallID string
	At     time.Time
}

// Answer is the decision as the PBX receives it.
type Answer struct {
	Action      string `json:"action"` // dial or reject
	Destination string `json:"destination,omitempty"`
	CallerID    string `json:"caller_id,omitempty"`
	BindingID   string `json:"binding_id,omitempty"`
	CustomerID  string `json:"customer_id,omitempty"`
	AgentID     string `json:"agent_id,omitempty"`
	// Record is set on dial only.
	Record *bool `json:"record,omitempty"`
	// Code (403, 404 or 480) and Reason are set on reject.
	Code   int    `json:"code,omitempty"`
	Reason string `json:"reason,omitempty"`
	RuleID string `json:"rule_id,omitempty"`
	// Notify is the pre-call SMS the deciding rule asks for.
	Notify string `json:"notify,omitempty"`
}

// The actions.
const (
	ActionDial   = "dial"
	ActionReject = "reject"
)

// Sources are the look-ups a decision needs beyond the snapshot.
type Sources struct {
	Agents      Agents
	Customers   Customers
	Assignments Assignments
	Codes       interface {
		Code(ctx context.Context, tenantID, agentID, code string) (*DialCode, error)
	}
	LastCallers interface {
		LastCaller(ctx context.Context, tenantID, bindingID string) (string, error)
	}
	// Used reports a one-time code this node has seen used but whose use
	// may not be stored yet; nil means none.
	Used func(tenantID, agentID, code string) bool
}

// Result is a decision with what it changes. Resolve leaves the changes
// to the caller, so the engine stays free of writes and a dry run makes
// none.
type Result struct {
	Answer   Answer
	Decision Decision
	// UseCode is the one-time code the call uses up.
	UseCode *DialCode
	// LastCaller is who now last called Binding (AXN), "" for no change.
	LastCaller string
	// Binding is the binding the call went through, for its events.
	Binding *Binding
	// RuleErrors are rules that failed at run time and counted as not
	// matching, for the log.
	RuleErrors error
}

func (r *Result) reject(code int, reason string) *Result {
	r.Answer = Answer{Action: ActionReject, Code: code, Reason: reason, RuleID: r.Decision.RuleID}
	r.Decision.Outcome, r.Decision.Code, r.Decision.Reason = ActionReject, code, reason
	r.UseCode, r.LastCaller = nil, ""
	return r
}

func (r *Result) dial(dest *NumberInfo, callerID string, record bool) *Result {
	r.Answer = Answer{Action: ActionDial, Destination: dest.E164, CallerID: callerID, Record: &record,
		BindingID: r.Decision.BindingID, CustomerID: r.Decision.CustomerID, AgentID: r.Decision.AgentID,
		RuleID: r.Answer.RuleID, Notify: r.Answer.Notify}
	r.Decision.Outcome, r.Decision.CallerID = ActionDial, callerID
	r.Decision.Destination = dest.Masked
	return r
}

// maxExtension is the longest extension: longer callers are numbers.
const maxExtension = 8

// isExtension reports whether s has an extension's form: 2 to 8 digits.
func isExtension(s string) bool {
	if len(s) < 2 || len(s) > maxExtension {
		return false
	}
	return strings.Trim(s, "0123456789") == ""
}

// Resolve decides one call: identify the caller (an agent by extension,
// else a binding party by the X dialed), find the destination (dial code,
// fixed code, binding or a number typed by hand), apply the block and
// allow lists, then — for agents — the rules in order, and choose the
// caller ID. An error means a look-up failed, not that the call is
// refused.
func (s *Snapshot) Resolve(ctx context.Context, src *Sources, req *Request) (*Result, error) {
	r := &Result{Decision: Decision{TenantID: s.TenantID, CallID: req.CallID, At: req.At}}
	caller, dialed := strings.TrimSpace(req.Caller), strings.TrimSpace(req.Dialed)
	if isExtension(caller) {
		a, err := s.agent(ctx, src.Agents, caller)
		switch {
		case err == nil:
			return s.agentCall(ctx, src, req, a, dialed, r)
		case !errors.Is(err, ErrUnknownAgent):
			return nil, err
		}
	}
	return s.partyCall(ctx, src, caller, dialed, r)
}

// agentCall decides an agent's call.
func (s *Snapshot) agentCall(ctx context.Context, src *Sources, req *Request, a *Agent, dialed string, r *Result) (*Result, error) {
	r.Decision.AgentID, r.Decision.Caller = a.ID, a.Extension
	if !a.Active {
		return r.reject(403, "the agent's account is not active"), nil
	}
	c, dest, err := s.agentDestination(ctx, src, req, a, dialed, r)
	if err != nil || r.Answer.Action == ActionReject {
		return r, err
	}
	if reason, _ := s.listed(dest.E164); reason != "" {
		return r.reject(403, reason), nil
	}
	return s.decide(a, c, dest, req.At, r), nil
}

// decide applies the rules to an agent's call to dest and picks the
// caller ID; no matching rule allows the call from the hotline.
func (s *Snapshot) decide(a *Agent, c *Customer, dest *NumberInfo, at time.Time, r *Result) *Result {
	// Boxed once, as a value: expr reads a struct value's fields by index,
	// and every rule shares the one copy.
	env := any(*newEnv(a, c, dest, at, s.loc))
	choice, record := "", false
	var errs []error
	for _, cr := range s.rules {
		ok, err := cr.cond.Eval(env)
		if err != nil {
			errs = append(errs, err)
			continue
		}
		if !ok {
			continue
		}
		r.Decision.RuleID, r.Answer.RuleID = cr.ID, cr.ID
		if cr.Outcome == OutcomeDeny {
			reason := cr.Reason
			if reason == "" {
				reason = "the call is not allowed (" + cr.Name + ")"
			}
			r.RuleErrors = errors.Join(errs...)
			return r.reject(403, reason)
		}
		choice, record, r.Answer.Notify = cr.CallerID, cr.Record, cr.Notify
		break
	}
	r.RuleErrors = errors.Join(errs...)
	cid := s.callerID(choice, dest)
	if cid == "" {
		return r.reject(480, "there is no virtual number to call from; add a hotline number")
	}
	return r.dial(dest, cid, record)
}

// agentDestination finds whom an agent dialed and the customer, if known.
// A refusal is left in r with nil values.
func (s *Snapshot) agentDestination(ctx context.Context, src *Sources, req *Request, a *Agent, dialed string,
	r *Result) (*Customer, *NumberInfo, error) {
	set := s.Settings
	var customerID string
	switch {
	case set.FixedCode != "" && dialed == set.FixedCode:
		r.Decision.Via = "fixed_code"
		id, err := src.Assignments.CurrentCustomer(ctx, s.TenantID, a.ID)
		if err != nil {
			return nil, nil, err
		}
		if id == "" {
			r.reject(480, "you have no current work item with a customer")
			return nil, nil, nil
		}
		customerID = id
	case s.isCode(dialed):
		r.Decision.Via = "code"
		dc, reason, err := s.liveCode(ctx, src, a.ID, dialed, req.At)
		if err != nil || reason != "" {
			r.reject(404, reason)
			return nil, nil, err
		}
		if !dc.Reusable {
			r.UseCode = dc
		}
		customerID = dc.CustomerID
	default:
		return s.typedNumber(ctx, src, dialed, r)
	}
	c, err := src.Customers.Customer(ctx, s.TenantID, customerID)
	if errors.Is(err, ErrUnknownCustomer) {
		r.reject(404, "the customer no longer exists")
		return nil, nil, nil
	}
	if err != nil {
		return nil, nil, err
	}
	r.Decision.CustomerID = c.ID
	for _, p := range c.Phones {
		if info, ok := s.parse(p); ok {
			return c, info, nil
		}
	}
	r.reject(404, "the customer has no phone number")
	return nil, nil, nil
}

// typedNumber reads a number an agent typed and finds its customer.
func (s *Snapshot) typedNumber(ctx context.Context, src *Sources, dialed string, r *Result) (*Customer, *NumberInfo, error) {
	r.Decision.Via = "number"
	info, ok := s.parse(dialed)
	if !ok {
		r.reject(404, "the number dialed is neither a dial code nor a phone number")
		return nil, nil, nil
	}
	id, err := src.Customers.CustomerByPhone(ctx, s.TenantID, info.E164)
	if err != nil || id == "" {
		return nil, info, err
	}
	c, err := src.Customers.Customer(ctx, s.TenantID, id)
	if errors.Is(err, ErrUnknownCustomer) {
		return nil, info, nil
	}
	if err != nil {
		return nil, nil, err
	}
	r.Decision.CustomerID = c.ID
	return c, info, nil
}

// isCode reports whether dialed has the form of the tenant's dial codes.
func (s *Snapshot) isCode(dialed string) bool {
	p := s.Settings.CodePrefix
	return len(dialed) == len(p)+s.Settings.CodeLength && strings.HasPrefix(dialed, p) &&
		strings.Trim(dialed, "0123456789") == ""
}

// liveCode returns the agent's code if it may be used at at; otherwise
// the reason. Another agent's code is simply not found.
func (s *Snapshot) liveCode(ctx context.Context, src *Sources, agentID, code string, at time.Time) (*DialCode, string, error) {
	const unknown = "the dial code is unknown or has expired"
	dc, err := src.Codes.Code(ctx, s.TenantID, agentID, code)
	switch {
	case errors.Is(err, ErrCodeUnknown):
		return nil, unknown, nil
	case err != nil:
		return nil, "", err
	case !at.Before(dc.ExpiresAt):
		return nil, unknown, nil
	case !dc.Reusable && (dc.UsedAt != nil || (src.Used != nil && src.Used(s.TenantID, agentID, code))):
		return nil, "the dial code has been used already", nil
	}
	return dc, "", nil
}

// compileRule checks a rule's condition against Env.
func compileRule(src string) error {
	_, err := rule.Compile(src, Env{})
	return err
}
