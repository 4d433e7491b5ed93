package shield

import (
	"context"
	"encoding/hex"
	"fmt"
	"io"
	"net/url"
	"regexp"
	"strings"
	"time"

	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// NumberParams describe a virtual number to add.
type NumberParams struct {
	Number  string
	Purpose Purpose
	// Area overrides the area code read from the number.
	Area string
}

var areaPattern = regexp.MustCompile(`^[0-9]{1,6}$`)

// CreateNumber adds a virtual number to the caller's tenant's pool.
func (s *Service) CreateNumber(ctx context.Context, by *permission.Principal, p *NumberParams) (*Number, error) {
	region, err := s.region(ctx, by.TenantID)
	if err != nil {
		return nil, err
	}
	info, err := normalize(p.Number, region, "number")
	if err != nil {
		return nil, err
	}
	switch p.Purpose {
	case PurposeHotline, PurposeLocal, PurposeBinding:
	default:
		return nil, invalid("purpose", "must be hotline, local or binding")
	}
	area := info.Area
	if p.Area != "" {
		if !areaPattern.MatchString(p.Area) {
			return nil, invalid("area", "must be 1 to 6 digits")
		}
		area = p.Area
	}
	if p.Purpose == PurposeLocal && area == "" {
		return nil, invalid("area", "this number has no area code of its own; give the area it serves")
	}
	now := s.cfg.Now()
	n := &Number{ID: s.cfg.NewID(), TenantID: by.TenantID, Number: info.E164, Purpose: p.Purpose, Area: area, CreatedAt: now}
	err = s.changed(ctx, by.TenantID, func(tx Tx) error {
		if err := tx.Shield().CreateNumber(ctx, n); err != nil {
			return err
		}
		return configChange(ctx, tx, by, ActionNumberCreated, "shield_number", n.ID, now,
			map[string]any{"number": n.Number, "purpose": n.Purpose})
	})
	if err != nil {
		return nil, err
	}
	return n, nil
}

// Numbers lists the caller's tenant's pool in number order.
func (s *Service) Numbers(ctx context.Context, by *permission.Principal) ([]*Number, error) {
	return s.cfg.Store.Numbers(ctx, by.TenantID)
}

// DeleteNumber removes a virtual number that no rule names as its caller
// ID and no live binding uses as X.
func (s *Service) DeleteNumber(ctx context.Context, by *permission.Principal, id string) error {
	now := s.cfg.Now()
	return s.changed(ctx, by.TenantID, func(tx Tx) error {
		n, err := tx.Shield().GetNumber(ctx, by.TenantID, id)
		if err != nil {
			return err
		}
		rules, err := tx.Shield().Rules(ctx, by.TenantID)
		if err != nil {
			return err
		}
		for _, r := range rules {
			if r.CallerID == n.Number {
				return ErrNumberInUse
			}
		}
		if busy, err := tx.Shield().LiveBindingsOn(ctx, by.TenantID, n.Number, now); err != nil {
			return err
		} else if busy > 0 {
			return ErrNumberInUse
		}
		if err := tx.Shield().DeleteNumber(ctx, by.TenantID, id); err != nil {
			return err
		}
		return configChange(ctx, tx, by, ActionNumberDeleted, "shield_number", id, now, map[string]any{"number": n.Number})
	})
}

// AddEntry puts a number or prefix on the block or allow list.
func (s *Service) AddEntry(ctx context.Context, by *permission.Principal, list List, number string) (*ListEntry, error) {
	region, err := s.region(ctx, by.TenantID)
	if err != nil {
		return nil, err
	}
	n, err := normalizeEntry(number, region)
	if err != nil {
		return nil, err
	}
	now := s.cfg.Now()
	e := &ListEntry{ID: s.cfg.NewID(), TenantID: by.TenantID, List: list, Number: n, CreatedAt: now}
	err = s.changed(ctx, by.TenantID, func(tx Tx) error {
		if err := tx.Shield().AddListEntry(ctx, e); err != nil {
			return err
		}
		return configChange(ctx, tx, by, ActionListAdded, "shield_list_entry", e.ID, now,
			map[string]any{"list": list, "number": e.Number})
	})
	if err != nil {
		return nil, err
	}
	return e, nil
}

// Entries lists a page of one list in number order; after is the last
// number of the previous page.
func (s *Service) Entries(ctx context.Context, by *permission.Principal, list List, after string, limit int) ([]*ListEntry, error) {
	return s.cfg.Store.ListEntries(ctx, &EntryListParams{TenantID: by.TenantID, List: list, After: after, Limit: limit})
}

// DeleteEntry takes an entry off its list.
func (s *Service) DeleteEntry(ctx context.Context, by *permission.Principal, list List, id string) error {
	now := s.cfg.Now()
	return s.changed(ctx, by.TenantID, func(tx Tx) error {
		if err := tx.Shield().DeleteListEntry(ctx, by.TenantID, list, id); err != nil {
			return err
		}
		return configChange(ctx, tx, by, ActionListRemoved, "shield_list_entry", id, now, map[string]any{"list": list})
	})
}

// SettingsParams change settings; nil fields keep their value.
type SettingsParams struct {
	CodePrefix     *string
	CodeLength     *int
	CodeTTLSeconds *int
	FixedCode      *string
	WebhookURL     *string
	Timezone       *string
	// RotateWebhookSecret draws a new webhook secret.
	RotateWebhookSecret bool
}

// Settings returns the caller's tenant's settings.
func (s *Service) Settings(ctx context.Context, by *permission.Principal) (*Settings, error) {
	return s.cfg.Store.Settings(ctx, by.TenantID)
}

// UpdateSettings changes the settings. A webhook secret is drawn when asked
// to rotate it, or when a webhook URL is set and there is none yet; it is
// returned (and only here) so the admin can give it to the receiver.
func (s *Service) UpdateSettings(ctx context.Context, by *permission.Principal, p *SettingsParams) (*Settings, string, error) {
	var out *Settings
	var secret string
	err := s.changed(ctx, by.TenantID, func(tx Tx) error {
		set, err := tx.Shield().Settings(ctx, by.TenantID)
		if err != nil {
			return err
		}
		fields := applySettings(set, p)
		if err := validateSettings(set); err != nil {
			return err
		}
		if p.RotateWebhookSecret || (set.WebhookURL != "" && set.WebhookSecret == "") {
			if secret, err = newSecret(s.cfg.Rand); err != nil {
				return err
			}
			set.WebhookSecret = secret
			fields = append(fields, "webhook_secret")
		}
		out = set
		if len(fields) == 0 {
			return nil
		}
		set.UpdatedAt = s.cfg.Now()
		if err := tx.Shield().SaveSettings(ctx, set); err != nil {
			return err
		}
		return configChange(ctx, tx, by, ActionSettings, "shield_settings", by.TenantID, set.UpdatedAt,
			map[string]any{"fields": fields})
	})
	return out, secret, err
}

// applySettings sets the given fields and names those that changed.
func applySettings(set *Settings, p *SettingsParams) []string {
	var fields []string
	str := func(dst *string, v *string, name string) {
		if v != nil && strings.TrimSpace(*v) != *dst {
			*dst, fields = strings.TrimSpace(*v), append(fields, name)
		}
	}
	num := func(dst *int, v *int, name string) {
		if v != nil && *v != *dst {
			*dst, fields = *v, append(fields, name)
		}
	}
	str(&set.CodePrefix, p.CodePrefix, "code_prefix")
	num(&set.CodeLength, p.CodeLength, "code_length")
	num(&set.CodeTTLSeconds, p.CodeTTLSeconds, "code_ttl_seconds")
	str(&set.FixedCode, p.FixedCode, "fixed_code")
	str(&set.WebhookURL, p.WebhookURL, "webhook_url")
	str(&set.Timezone, p.Timezone, "timezone")
	return fields
}

var (
	prefixDigits = regexp.MustCompile(`^[0-9]{1,3}$`)
	fixedDigits  = regexp.MustCompile(`^[0-9]{2,8}$`)
)

func validateSettings(set *Settings) error {
	var d []errcode.Detail
	add := func(field, msg string) { d = append(d, errcode.Detail{Field: field, Message: msg}) }
	if !prefixDigits.MatchString(set.CodePrefix) {
		add("code_prefix", "must be 1 to 3 digits")
	}
	if set.CodeLength < 4 || set.CodeLength > 6 {
		add("code_length", "must be 4 to 6 digits")
	}
	if set.CodeTTLSeconds < 60 || set.CodeTTLSeconds > 86400 {
		add("code_ttl_seconds", "must be 60 to 86400 seconds")
	}
	switch {
	case set.FixedCode == "":
	case !fixedDigits.MatchString(set.FixedCode):
		add("fixed_code", "must be 2 to 8 digits, or empty to turn it off")
	case len(set.FixedCode) == len(set.CodePrefix)+set.CodeLength && strings.HasPrefix(set.FixedCode, set.CodePrefix):
		add("fixed_code", "has the form of a dial code; choose another length or first digit")
	}
	if u, err := url.Parse(set.WebhookURL); set.WebhookURL != "" &&
		(err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || len(set.WebhookURL) > 2000) {
		add("webhook_url", "must be an http or https URL")
	}
	if loc, err := time.LoadLocation(set.Timezone); err != nil || loc == time.Local || set.Timezone == "" {
		add("timezone", "must be an IANA time zone such as Asia/Shanghai")
	}
	if len(d) > 0 {
		return &errcode.Error{Code: errcode.ValidationFailed, Message: "the shield settings are invalid", Details: d}
	}
	return nil
}

// newSecret draws a webhook signing secret.
func newSecret(r io.Reader) (string, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(r, b); err != nil {
		return "", fmt.Errorf("shield: webhook secret: %w", err)
	}
	return "whsec_" + hex.EncodeToString(b), nil
}

// invalid is a validation error on one field.
func invalid(field, msg string) error {
	return errcode.New(errcode.ValidationFailed, field+" "+msg).WithDetails(errcode.Detail{Field: field, Message: msg})
}
