package pii

import (
	"errors"
	"strings"

	"github.com/nyaruka/phonenumbers"
)

// DefaultRegion is the region a number written without "+" is read in
// when a tenant has not chosen one: Switchboard's first users are in
// mainland China, where numbers are written nationally (138 1234 8000).
const DefaultRegion = "CN"

// ErrInvalidPhone reports a value that is not a valid phone number. It
// never carries the value: error messages must not echo personal data.
var ErrInvalidPhone = errors.New("not a valid phone number")

// ParsePhone reads a phone number as a person writes it — with "+" and the
// country code, or nationally in region (ISO 3166-1 alpha-2, such as "CN")
// — and returns it in E.164 ("+8613812348000"). The number must be valid
// for its country's numbering plan, not merely have a plausible length.
func ParsePhone(raw, region string) (string, error) {
	raw = strings.TrimSpace(raw)
	if raw == "" || len(raw) > 40 {
		return "", ErrInvalidPhone
	}
	n, err := phonenumbers.Parse(raw, strings.ToUpper(region))
	if err != nil || !phonenumbers.IsValidNumber(n) {
		return "", ErrInvalidPhone
	}
	return phonenumbers.Format(n, phonenumbers.E164), nil
}

// NationalDigits returns the national significant number of an E.164
// number ("13812348000" for "+8613812348000"), or "" for a value that is
// not one. Leak checks look for this form too.
func NationalDigits(e164 string) string {
	n, err := phonenumbers.Parse(e164, "ZZ")
	if err != nil {
		return ""
	}
	return phonenumbers.GetNationalSignificantNumber(n)
}

// ValidRegion reports whether region is a region code the phone number
// library knows (upper case, such as "CN" or "US").
func ValidRegion(region string) bool {
	return len(region) == 2 && region == strings.ToUpper(region) && phonenumbers.GetCountryCodeForRegion(region) != 0
}
