package user_test

import (
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/user"
)

func TestNormalizeEmail(t *testing.T) {
	t.Parallel()

	valid := []struct {
		name, in, want string
	}{
		{"Plain", "alice@example.com", "alice@example.com"},
		{"LowerCased", "Alice.Smith@Example.COM", "alice.smith@example.com"},
		{"TrimmedSpaces", "  bob@example.org  ", "bob@example.org"},
		{"TrimmedNewline", "\tcarol@example.net\r\n", "carol@example.net"},
		{"PlusTag", "dave+support@example.co.uk", "dave+support@example.co.uk"},
		{"Subdomain", "erin@mail.example.com", "erin@mail.example.com"},
		{"ShortestDomain", "f@e.x", "f@e.x"},
		{"ChineseDomain", "kefu@例子.中国", "kefu@例子.中国"},
	}
	for _, tt := range valid {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got, err := user.NormalizeEmail(tt.in)
			require.NoError(t, err)
			require.Equal(t, tt.want, got)

			again, err := user.NormalizeEmail(got)
			require.NoError(t, err)
			require.Equal(t, got, again, "normalising is idempotent")
		})
	}

	invalid := []struct {
		name, in string
	}{
		{"Empty", ""},
		{"Blank", "   "},
		{"NoAt", "alice.example.com"},
		{"NoLocalPart", "@example.com"},
		{"NoDomain", "alice@"},
		{"DisplayName", "Alice <alice@example.com>"},
		{"QuotedDisplayName", `"Alice Smith" <alice@example.com>`},
		{"AngleBrackets", "<alice@example.com>"},
		{"NoDotInDomain", "alice@localhost"},
		{"IPLiteral", "alice@[127.0.0.1]"},
		{"IPDomain", "alice@127.0.0.1"},
		{"LeadingHyphen", "alice@-example.com"},
		{"Underscore", "alice@exa_mple.com"},
		{"DotOnlyInLocalPart", "alice.smith@localhost"},
		{"TrailingDot", "alice@example.com."},
		{"LeadingDotDomain", "alice@.com"},
		{"DoubleDot", "alice@example..com"},
		{"TwoAddresses", "alice@example.com, bob@example.com"},
		{"InnerSpace", "alice smith@example.com"},
		{"Comment", "alice@example.com (Alice)"},
	}
	for _, tt := range invalid {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got, err := user.NormalizeEmail(tt.in)
			require.Error(t, err, "accepted %q as %q", tt.in, got)
			require.Empty(t, got)
			require.True(t, errcode.Has(err, errcode.ValidationFailed), "want a validation_failed error, got %v", err)

			e := errcode.From(err)
			require.Len(t, e.Details, 1)
			require.Equal(t, "email", e.Details[0].Field)
		})
	}
}
