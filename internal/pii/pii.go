// Package pii handles personal data for display and storage: it masks an
// email address or a phone number so that an agent can recognise the
// customer but not contact them, and it reads phone numbers into E.164, the
// one form Switchboard stores and compares. Views that show customers mask
// through it; only the audited reveal shows the full value.
package pii

import (
	"strconv"
	"strings"
	"unicode/utf8"

	"github.com/nyaruka/phonenumbers"
)

// masked replaces what a mask hides.
const masked = "****"

// MaskEmail keeps the first character of the local part and the domain:
// "jane@example.com" becomes "j***@example.com". A value that is not
// local@domain is hidden entirely ("***"), since its shape says nothing
// about which part is safe to show.
func MaskEmail(email string) string {
	if email == "" {
		return ""
	}
	// The last @ separates the domain: a quoted local part may hold one.
	at := strings.LastIndexByte(email, '@')
	if at <= 0 || at == len(email)-1 {
		return "***"
	}
	_, size := utf8.DecodeRuneInString(email)
	return email[:size] + "***" + email[at:]
}

// MaskPhone shows the country code, the first national digits and the last
// four, hiding at least three digits in between: "+8613812348000" becomes
// "+86 138****8000" and "+14155552671" "+1 415****2671". The number is
// read by the phone number library, so the country code is split off
// correctly whatever its length. A value that is not an international
// number (a visitor may type anything into a pre-chat form) is masked by
// its digits alone, without a country code.
func MaskPhone(phone string) string {
	if phone == "" {
		return ""
	}
	if n, err := phonenumbers.Parse(phone, "ZZ"); err == nil && strings.HasPrefix(strings.TrimSpace(phone), "+") &&
		phonenumbers.IsPossibleNumber(n) {
		return MaskNumber(n)
	}
	return maskDigits(digits(phone))
}

// MaskNumber masks a number the phone number library has read already, as
// MaskPhone masks its E.164 form. Reading a number is most of what masking
// costs (about 10 µs, mostly the library's regular expressions), so a
// caller holding the parsed number masks it without a second read.
func MaskNumber(n *phonenumbers.PhoneNumber) string {
	return "+" + strconv.Itoa(int(n.GetCountryCode())) + " " + maskDigits(phonenumbers.GetNationalSignificantNumber(n))
}

// maskDigits keeps up to three leading and the four trailing digits of a
// national number and hides at least three: a short number shows less.
func maskDigits(d string) string {
	n := len(d)
	switch {
	case n >= 7:
		keep := min(3, n-7)
		return d[:keep] + masked + d[n-4:]
	case n >= 5:
		return masked + d[n-2:]
	}
	return masked
}

// digits returns the ASCII digits of s.
func digits(s string) string {
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		if s[i] >= '0' && s[i] <= '9' {
			b.WriteByte(s[i])
		}
	}
	return b.String()
}
