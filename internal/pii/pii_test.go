package pii_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/pii"
)

func TestMaskEmail(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                        "",
		"jane@example.com":        "j***@example.com",
		"j@example.com":           "j***@example.com",
		"Émile.Zola@mail.example": "É***@mail.example",
		`"a@b"@example.com`:       `"***@example.com`,
		"not-an-email":            "***",
		"@example.com":            "***",
		"jane@":                   "***",
	} {
		require.Equal(t, want, pii.MaskEmail(in), "MaskEmail(%q)", in)
	}
}

func TestMaskPhone(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                   "",
		"+8613812348000":     "+86 138****8000",
		"+86 138 1234 8000":  "+86 138****8000",
		"+14155552671":       "+1 415****2671",
		"+1 (202) 555-0123":  "+1 202****0123",
		"+44 20 7946 0958":   "+44 207****0958",
		"+85291234567":       "+852 9****4567", // eight national digits: one shown in front
		"+861065529988":      "+86 106****9988",
		"13812348000":        "138****8000", // no country code: digits only
		"020 7946 0958":      "020****0958",
		"5550123":            "****0123",
		"12345":              "****45",
		"+1234":              "****",
		"1234":               "****",
		"call me after five": "****",
	} {
		require.Equal(t, want, pii.MaskPhone(in), "MaskPhone(%q)", in)
	}
}

// TestMaskPhoneHidesTheNumber checks the property the masks exist for: no
// masked form contains the national number or the E.164 digits.
func TestMaskPhoneHidesTheNumber(t *testing.T) {
	t.Parallel()
	for _, e164 := range []string{"+8613812348000", "+14155552671", "+6591234567", "+33612345678", "+861065529988"} {
		m := pii.MaskPhone(e164)
		require.NotContains(t, m, pii.NationalDigits(e164), e164)
		require.NotContains(t, m, e164[1:], e164)
		require.Contains(t, m, "****", e164)
	}
}

func TestParsePhone(t *testing.T) {
	t.Parallel()
	for _, c := range []struct{ in, region, want string }{
		{"+8613812348000", "CN", "+8613812348000"},
		{"+86 138-1234-8000", "US", "+8613812348000"},
		{"138 1234 8000", "CN", "+8613812348000"},
		{"010 6552 9988", "cn", "+861065529988"},
		{"(415) 555-2671", "US", "+14155552671"},
		{"+1 415 555 2671", "CN", "+14155552671"},
	} {
		got, err := pii.ParsePhone(c.in, c.region)
		require.NoError(t, err, c.in)
		require.Equal(t, c.want, got, c.in)
	}
	for _, bad := range []string{"", "  ", "1234", "+861381234800", "call me", "13812348000 ext 12345678901234567890123456"} {
		_, err := pii.ParsePhone(bad, "CN")
		require.ErrorIs(t, err, pii.ErrInvalidPhone, bad)
		require.NotContains(t, err.Error(), "1381234800", "errors never echo the number")
	}
	require.Equal(t, "13812348000", pii.NationalDigits("+8613812348000"))
	require.Empty(t, pii.NationalDigits("nothing"))
}

func TestValidRegion(t *testing.T) {
	t.Parallel()
	for _, r := range []string{"CN", "US", "GB", "HK"} {
		require.True(t, pii.ValidRegion(r), r)
	}
	for _, r := range []string{"", "cn", "ZZ", "XX", "CHN"} {
		require.False(t, pii.ValidRegion(r), r)
	}
	require.True(t, pii.ValidRegion(pii.DefaultRegion))
}
