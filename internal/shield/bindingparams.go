package shield

import (
	"slices"
	"time"
	"unicode/utf8"
)

// applyBinding checks p and copies the given fields onto b, naming those
// that changed. A type's rules hold afterwards: AXB has a B other than A;
// AXN has no B and only the direction both.
func applyBinding(b *Binding, p *BindingParams, region string, now time.Time) ([]string, error) {
	var fields []string
	if p.B != nil {
		nb := ""
		if *p.B != "" {
			info, err := normalize(*p.B, region, "b")
			if err != nil {
				return nil, err
			}
			nb = info.E164
		}
		if nb != b.B {
			b.B, fields = nb, append(fields, "b")
		}
	}
	if p.AllowedCallers != nil {
		callers, err := normalizeCallers(*p.AllowedCallers, region)
		if err != nil {
			return nil, err
		}
		if !slices.Equal(callers, b.AllowedCallers) {
			b.AllowedCallers, fields = callers, append(fields, "allowed_callers")
		}
	}
	exp, set, err := expiry(p, now)
	if err != nil {
		return nil, err
	}
	if set && (b.ExpiresAt == nil || !exp.Equal(*b.ExpiresAt)) {
		b.ExpiresAt, fields = &exp, append(fields, "expires_at")
	}
	if p.Direction != nil && *p.Direction != b.Direction {
		b.Direction, fields = *p.Direction, append(fields, "direction")
	}
	if p.Record != nil && *p.Record != b.Record {
		b.Record, fields = *p.Record, append(fields, "record")
	}
	if p.ExternalID != nil && *p.ExternalID != b.ExternalID {
		b.ExternalID, fields = *p.ExternalID, append(fields, "external_id")
	}
	return fields, checkBinding(b)
}

// checkBinding enforces a binding's rules after a change.
func checkBinding(b *Binding) error {
	switch b.Direction {
	case DirectionBoth, DirectionAToB, DirectionBToA:
	default:
		return invalid("direction", "must be both, a_to_b or b_to_a")
	}
	switch {
	case b.Type == BindingAXB && b.B == "":
		return invalid("b", "an axb binding needs b")
	case b.Type == BindingAXB && b.B == b.A:
		return invalid("b", "must differ from a")
	case b.Type == BindingAXB && len(b.AllowedCallers) > 0:
		return invalid("allowed_callers", "only an axn binding has allowed callers")
	case b.Type == BindingAXN && b.B != "":
		return invalid("b", "an axn binding has no b: its other party is whoever calls")
	case b.Type == BindingAXN && b.Direction != DirectionBoth:
		return invalid("direction", "an axn binding is always both ways")
	case b.Type == BindingAXN && slices.Contains(b.AllowedCallers, b.A):
		return invalid("allowed_callers", "must not include a")
	case utf8.RuneCountInString(b.ExternalID) > maxExternalID:
		return invalid("external_id", "must be at most 128 characters")
	}
	return nil
}

// normalizeCallers reads allowed callers into E.164, sorted without
// repeats.
func normalizeCallers(in []string, region string) ([]string, error) {
	if len(in) > maxAllowedCallers {
		return nil, invalid("allowed_callers", "must list at most 20 numbers")
	}
	out := make([]string, 0, len(in))
	for _, c := range in {
		info, err := normalize(c, region, "allowed_callers")
		if err != nil {
			return nil, err
		}
		out = append(out, info.E164)
	}
	slices.Sort(out)
	return slices.Compact(out), nil
}

// expiry reads expires_in or expires_at (not both); set is false when
// neither is given.
func expiry(p *BindingParams, now time.Time) (t time.Time, set bool, err error) {
	switch {
	case p.ExpiresIn != nil && p.ExpiresAt != nil:
		return t, false, invalid("expires_in", "give expires_in or expires_at, not both")
	case p.ExpiresIn != nil:
		if *p.ExpiresIn <= 0 || *p.ExpiresIn > maxBindingTTL {
			return t, false, invalid("expires_in", "must be a positive number of seconds, at most ten years")
		}
		return now.Add(time.Duration(*p.ExpiresIn) * time.Second), true, nil
	case p.ExpiresAt != nil:
		if !p.ExpiresAt.After(now) {
			return t, false, invalid("expires_at", "must be in the future")
		}
		return p.ExpiresAt.UTC().Truncate(time.Millisecond), true, nil
	}
	return t, false, nil
}
