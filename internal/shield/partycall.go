package shield

import (
	"context"
	"slices"

	"github.com/switchboardhq/switchboard/internal/pii"
)

// partyCall decides a call by a binding's party to its X: AXB connects A
// and B in the directions the binding allows; AXN connects anyone (or the
// allowed callers) to A, and A to whoever called last. Each side sees X.
// The lists apply to the destination as to every call.
func (s *Snapshot) partyCall(ctx context.Context, src *Sources, caller, dialed string, r *Result) (*Result, error) {
	from, okFrom := s.parse(caller)
	x, okX := s.parse(dialed)
	if !okFrom || !okX {
		r.Decision.Caller = pii.MaskPhone(caller)
		return r.reject(404, "the caller is neither an agent's extension nor a binding's party"), nil
	}
	r.Decision.Caller, r.Decision.Via = from.Masked, "binding"
	b := s.bindings.find(x.E164, from.E164)
	if b == nil {
		return r.reject(404, "no binding connects this caller through the number dialed"), nil
	}
	r.Decision.BindingID, r.Binding = b.ID, b
	if !b.Live(r.Decision.At) {
		return r.reject(404, "the binding has expired"), nil
	}
	dest, code, reason, err := s.bindingDestination(ctx, src, b, from.E164)
	if err != nil || code != 0 {
		return r.reject(code, reason), err
	}
	if reason, _ := s.listed(dest); reason != "" {
		return r.reject(403, reason), nil
	}
	if id, err := src.Customers.CustomerByPhone(ctx, s.TenantID, dest); err != nil {
		return nil, err
	} else if id != "" {
		r.Decision.CustomerID = id
	}
	if b.Type == BindingAXN && from.E164 != b.A {
		r.LastCaller = from.E164
	}
	info, ok := s.parse(dest)
	if !ok { // stored in E.164, so never; but never dial what cannot be masked
		return r.reject(404, "the binding's party has no valid number"), nil
	}
	return r.dial(info, b.X, b.Record), nil
}

// bindingDestination is whom caller reaches through b, or a refusal.
func (s *Snapshot) bindingDestination(ctx context.Context, src *Sources, b *Binding, caller string) (string, int, string, error) {
	const wrongWay = "the binding does not allow calls in this direction"
	if b.Type == BindingAXB {
		switch {
		case caller == b.A && b.Direction == DirectionBToA, caller == b.B && b.Direction == DirectionAToB:
			return "", 403, wrongWay, nil
		case caller == b.A:
			return b.B, 0, "", nil
		}
		return b.A, 0, "", nil
	}
	if caller != b.A {
		if len(b.AllowedCallers) > 0 && !slices.Contains(b.AllowedCallers, caller) {
			return "", 403, "the caller may not call this number", nil
		}
		return b.A, 0, "", nil
	}
	last, err := src.LastCallers.LastCaller(ctx, s.TenantID, b.ID)
	if err != nil {
		return "", 0, "", err
	}
	if last == "" {
		return "", 480, "nobody has called this number yet", nil
	}
	return last, 0, "", nil
}
