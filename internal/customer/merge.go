package customer

import (
	"context"
	"maps"
	"slices"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// MergeEvent is the body of sb.customer.merged.
type MergeEvent struct {
	ID       string `json:"id"`
	SourceID string `json:"source_id"`
}

var errMergeSelf = errcode.New(errcode.ValidationFailed, "target_id and source_id must be two different customers").
	WithDetails(errcode.Detail{Field: "source_id", Message: "must differ from target_id"})

// Merge folds the source customer into the target: the source's
// identities, contacts (its timeline) and conversations move to the
// target, which gains the source's tags, the attributes and consent flags
// it lacks, and its name, tier, owner and pre-chat details where it has
// none. Do-not-contact holds if either said so. The source stays, marked
// merged into the target, so that links to it still resolve. Audited.
func (s *Service) Merge(ctx context.Context, by *permission.Principal, targetID, sourceID string) (*Detail, error) {
	if targetID == sourceID {
		return nil, errMergeSelf
	}
	now := s.cfg.Now()
	err := s.cfg.InTx(ctx, func(tx Tx) error {
		target, err := tx.Customers().Get(ctx, by.TenantID, targetID)
		if err != nil {
			return err
		}
		source, err := tx.Customers().Get(ctx, by.TenantID, sourceID)
		if err != nil {
			return err
		}
		if target.MergedInto != "" || source.MergedInto != "" {
			return ErrMerged
		}
		combine(target, source)
		target.UpdatedAt = now
		if err := tx.Customers().Merge(ctx, &MergeParams{Target: target, SourceID: source.ID}); err != nil {
			return err
		}
		return audit.Record(ctx, tx, audit.By(by, ActionMerged, "customer", target.ID, now).With(map[string]any{"source_id": source.ID}),
			event.Event{Subject: EventMerged, Data: MergeEvent{ID: target.ID, SourceID: source.ID}})
	})
	if err != nil {
		return nil, err
	}
	return s.Get(ctx, by, targetID)
}

// combine gives the target what the source knows and it does not, within
// the field limits; on a conflict the target's value stands.
func combine(t, src *Customer) {
	fill := func(dst *string, v string) {
		if *dst == "" {
			*dst = v
		}
	}
	fill(&t.Name, src.Name)
	fill(&t.Tier, src.Tier)
	fill(&t.OwnerID, src.OwnerID)
	fill(&t.Email, src.Email)
	fill(&t.Phone, src.Phone)
	for _, tag := range src.Tags {
		if len(t.Tags) < MaxTags && !slices.Contains(t.Tags, tag) {
			t.Tags = append(t.Tags, tag)
		}
	}
	for _, k := range slices.Sorted(maps.Keys(src.Attributes)) {
		if _, ok := t.Attributes[k]; !ok && len(t.Attributes) < MaxAttributes {
			if t.Attributes == nil {
				t.Attributes = map[string]any{}
			}
			t.Attributes[k] = src.Attributes[k]
		}
	}
	for k, v := range src.Consent {
		if _, ok := t.Consent[k]; !ok {
			if t.Consent == nil {
				t.Consent = map[string]bool{}
			}
			t.Consent[k] = v
		}
	}
	t.DoNotContact = t.DoNotContact || src.DoNotContact
}
