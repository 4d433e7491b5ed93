package tenant

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/errcode"
)

// TestSettingsParams: only the fields set change, and are reported; the
// name is trimmed.
func TestSettingsParams(t *testing.T) {
	t.Parallel()
	cur := &Settings{Name: "Acme", DefaultLocale: LocaleEnglish, DefaultRegion: "CN"}
	name, locale, hours, region := "  Acme  ", LocaleChinese, 24, "us"
	fields := (&SettingsParams{Name: &name, DefaultLocale: &locale, AutoResolveAfterHours: &hours, DefaultRegion: &region}).apply(cur)
	require.Equal(t, []string{"default_locale", "auto_resolve_after_hours", "default_region"}, fields, "the trimmed name did not change")
	require.Equal(t, &Settings{Name: "Acme", DefaultLocale: LocaleChinese, AutoResolveAfterHours: 24, DefaultRegion: "US"}, cur)
	require.Empty(t, (&SettingsParams{}).apply(cur))
}

// TestSettingsValidate: the service refuses what the API schema refuses,
// with the same fields, for callers that do not go through the API.
func TestSettingsValidate(t *testing.T) {
	t.Parallel()
	tests := []struct {
		name  string
		s     Settings
		code  *errcode.Code
		field string
	}{
		{"Valid", Settings{Name: "Acme", DefaultLocale: LocaleChinese, DefaultRegion: "CN", AutoResolveAfterHours: MaxAutoResolveHours}, nil, ""},
		{"UnknownLocale", Settings{Name: "Acme", DefaultLocale: "fr", DefaultRegion: "CN"}, errcode.UnknownLocale, ""},
		{"UnknownRegion", Settings{Name: "Acme", DefaultLocale: LocaleEnglish, DefaultRegion: "XX"}, errcode.UnknownRegion, ""},
		{"EmptyName", Settings{DefaultLocale: LocaleEnglish, DefaultRegion: "CN"}, errcode.ValidationFailed, "name"},
		{"LongName", Settings{Name: strings.Repeat("名", 101), DefaultLocale: LocaleEnglish, DefaultRegion: "CN"}, errcode.ValidationFailed, "name"},
		{"Negative", Settings{Name: "Acme", DefaultLocale: LocaleEnglish, DefaultRegion: "CN", AutoResolveAfterHours: -1}, errcode.ValidationFailed, "auto_resolve_after_hours"},
		{"OverAYear", Settings{Name: "Acme", DefaultLocale: LocaleEnglish, DefaultRegion: "CN", AutoResolveAfterHours: 8761}, errcode.ValidationFailed, "auto_resolve_after_hours"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()
			err := tt.s.validate()
			if tt.code == nil {
				require.NoError(t, err)
				return
			}
			e := errcode.From(err)
			require.Equal(t, tt.code, e.Code)
			if tt.field != "" {
				require.Equal(t, tt.field, e.Details[0].Field)
			}
		})
	}
	require.NoError(t, (&Settings{Name: strings.Repeat("名", 100), DefaultLocale: LocaleEnglish, DefaultRegion: "CN"}).validate(), "100 characters, not bytes")
}
