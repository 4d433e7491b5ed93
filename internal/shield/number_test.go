package shield_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/pii"
	"github.com/switchboardhq/switchboard/internal/shield"
)

// TestParseNumber pins what rules see of a number: its E.164 form, the mask
// records show (the same as pii.MaskPhone's), country, area and type.
func TestParseNumber(t *testing.T) {
	t.Parallel()
	for _, c := range []struct {
		in, region string
		want       shield.NumberInfo
	}{
		{"+8613800138000", "CN", shield.NumberInfo{E164: "+8613800138000", Masked: "+86 138****8000", Country: "CN", Type: "mobile"}},
		{"010 6552 9988", "CN", shield.NumberInfo{E164: "+861065529988", Masked: "+86 106****9988", Country: "CN", Area: "10", Type: "fixed"}},
		{"+86 755 8888 1234", "US", shield.NumberInfo{E164: "+8675588881234", Masked: "+86 755****1234", Country: "CN", Area: "755", Type: "fixed"}},
		{"+8695555", "CN", shield.NumberInfo{E164: "+8695555", Masked: "+86 ****55", Country: "CN", Type: "unknown"}},
		{"(415) 555-2671", "US", shield.NumberInfo{E164: "+14155552671", Masked: "+1 415****2671", Country: "US", Area: "415", Type: "fixed_or_mobile"}},
		{"+442079460958", "CN", shield.NumberInfo{E164: "+442079460958", Masked: "+44 207****0958", Country: "GB", Area: "20", Type: "fixed"}},
	} {
		got, ok := shield.ParseNumber(c.in, c.region)
		require.True(t, ok, c.in)
		require.Equal(t, c.want, *got, c.in)
		require.Equal(t, pii.MaskPhone(got.E164), got.Masked, c.in)
	}
	for _, bad := range []string{"", "8888", "hello", "+0123", "123456789012345678901234567890123"} {
		_, ok := shield.ParseNumber(bad, "CN")
		require.False(t, ok, bad)
	}
}

// BenchmarkParseNumber is the cost of a number the shield has not seen:
// a customer's phone on the first call to them.
func BenchmarkParseNumber(b *testing.B) {
	b.ReportAllocs()
	for b.Loop() {
		if _, ok := shield.ParseNumber("+8613800138000", "CN"); !ok {
			b.Fatal("not parsed")
		}
	}
}
