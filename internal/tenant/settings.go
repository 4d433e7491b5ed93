package tenant

import (
	"context"
	"fmt"
	"strings"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard/internal/audit"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/event"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/pii"
)

// The languages the web app and the chat widget speak.
const (
	LocaleEnglish = "en"
	LocaleChinese = "zh-CN"
)

// Limits of the settings.
const (
	maxNameLength = 100
	// MaxAutoResolveHours is a year: conversations idle for longer are
	// better resolved by hand.
	MaxAutoResolveHours = 8760
)

// ActionSettingsChanged is the audit action of a tenant admin's settings
// change (the platform administrator's is audit.ActionTenantUpdated).
const ActionSettingsChanged = "tenant.settings_changed"

// Settings are what a tenant's own administrator may change.
type Settings struct {
	// Name is the tenant's name, the one the platform administrator sees.
	Name string `json:"name"`
	// DefaultLocale is the language the web app and the chat widget use
	// when the browser asks for none they speak.
	DefaultLocale string `json:"default_locale"`
	// AutoResolveAfterHours resolves open and pending conversations that
	// had no message for this long; 0 is off.
	AutoResolveAfterHours int `json:"auto_resolve_after_hours"`
	// DefaultRegion (ISO 3166-1 alpha-2) is where a customer's phone
	// number written without "+" is read: "138 1234 8000" in CN.
	DefaultRegion string `json:"default_region"`
}

// SettingsParams change the settings that are set.
type SettingsParams struct {
	Name                  *string
	DefaultLocale         *string
	AutoResolveAfterHours *int
	DefaultRegion         *string
}

// Settings errors.
var (
	ErrUnknownLocale = errcode.New(errcode.UnknownLocale, "default_locale must be en or zh-CN")
	ErrUnknownRegion = errcode.New(errcode.UnknownRegion, "default_region must be a region code with a telephone numbering plan, such as CN or US")
)

// Settings returns the caller's tenant's settings. The platform
// administrator belongs to no tenant: ErrNotFound.
func (s *Service) Settings(ctx context.Context, by *permission.Principal) (*Settings, error) {
	if by.TenantID == "" {
		return nil, ErrNotFound
	}
	return s.cfg.Tenants.Settings(ctx, by.TenantID)
}

// UpdateSettings changes the caller's tenant's settings, audited and
// announced (sb.tenant.updated with the changed fields).
func (s *Service) UpdateSettings(ctx context.Context, by *permission.Principal, p *SettingsParams) (*Settings, error) {
	if by.TenantID == "" {
		return nil, ErrNotFound
	}
	now := s.cfg.Now()
	var out *Settings
	err := s.cfg.InTx(ctx, func(tx Tx) error {
		cur, err := tx.Tenants().Settings(ctx, by.TenantID)
		if err != nil {
			return err
		}
		out = cur
		fields := p.apply(cur)
		if err := cur.validate(); err != nil {
			return err
		}
		if len(fields) == 0 {
			return nil
		}
		if err := tx.Tenants().UpdateSettings(ctx, by.TenantID, cur, now); err != nil {
			return err
		}
		e := audit.By(by, ActionSettingsChanged, "tenant", by.TenantID, now).With(map[string]any{"fields": fields})
		return audit.Record(ctx, tx, e, event.Event{Subject: event.TenantUpdated, Data: event.Change{ID: by.TenantID, Fields: fields}})
	})
	if err != nil {
		return nil, err
	}
	return out, nil
}

// apply copies the set fields onto cur and returns the names of those that
// changed.
func (p *SettingsParams) apply(cur *Settings) []string {
	var fields []string
	if p.Name != nil && strings.TrimSpace(*p.Name) != cur.Name {
		cur.Name, fields = strings.TrimSpace(*p.Name), append(fields, "name")
	}
	if p.DefaultLocale != nil && *p.DefaultLocale != cur.DefaultLocale {
		cur.DefaultLocale, fields = *p.DefaultLocale, append(fields, "default_locale")
	}
	if p.AutoResolveAfterHours != nil && *p.AutoResolveAfterHours != cur.AutoResolveAfterHours {
		cur.AutoResolveAfterHours, fields = *p.AutoResolveAfterHours, append(fields, "auto_resolve_after_hours")
	}
	if p.DefaultRegion != nil && strings.ToUpper(*p.DefaultRegion) != cur.DefaultRegion {
		cur.DefaultRegion, fields = strings.ToUpper(*p.DefaultRegion), append(fields, "default_region")
	}
	return fields
}

func (v *Settings) validate() error {
	if v.DefaultLocale != LocaleEnglish && v.DefaultLocale != LocaleChinese {
		return ErrUnknownLocale
	}
	if !pii.ValidRegion(v.DefaultRegion) {
		return ErrUnknownRegion
	}
	var d []errcode.Detail
	if n := utf8.RuneCountInString(v.Name); n == 0 || n > maxNameLength {
		d = append(d, errcode.Detail{Field: "name", Message: fmt.Sprintf("must be 1 to %d characters", maxNameLength)})
	}
	if v.AutoResolveAfterHours < 0 || v.AutoResolveAfterHours > MaxAutoResolveHours {
		d = append(d, errcode.Detail{Field: "auto_resolve_after_hours",
			Message: fmt.Sprintf("must be 0 (off) to %d", MaxAutoResolveHours)})
	}
	if len(d) > 0 {
		return &errcode.Error{Code: errcode.ValidationFailed, Message: "the tenant settings are invalid", Details: d}
	}
	return nil
}
