package shield

import (
	"regexp"
	"strings"

	"github.com/nyaruka/phonenumbers"

	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/pii"
)

// NumberInfo is what rules may know about a dialed number.
type NumberInfo struct {
	E164 string
	// Masked is E164 as records show it: "+86 138****8000".
	Masked string
	// Country is the ISO 3166 region ("CN"), "" when unknown.
	Country string
	// Area is the geographic area code ("10" for Beijing), "" for numbers
	// without one (mobile, service and toll-free numbers).
	Area string
	// Type is fixed, mobile, fixed_or_mobile, toll_free, premium_rate,
	// shared_cost, voip, personal, pager, uan, voicemail or unknown.
	Type string
}

// numberTypes names phonenumbers' types the way rules spell them.
var numberTypes = map[phonenumbers.PhoneNumberType]string{
	phonenumbers.FIXED_LINE:           "fixed",
	phonenumbers.MOBILE:               "mobile",
	phonenumbers.FIXED_LINE_OR_MOBILE: "fixed_or_mobile",
	phonenumbers.TOLL_FREE:            "toll_free",
	phonenumbers.PREMIUM_RATE:         "premium_rate",
	phonenumbers.SHARED_COST:          "shared_cost",
	phonenumbers.VOIP:                 "voip",
	phonenumbers.PERSONAL_NUMBER:      "personal",
	phonenumbers.PAGER:                "pager",
	phonenumbers.UAN:                  "uan",
	phonenumbers.VOICEMAIL:            "voicemail",
}

// ParseNumber reads a phone number in E.164 or in the national form of
// region and returns what is known about it. It accepts every number that
// is possible for its country, not only those in a known range: a carrier
// opens new ranges before the metadata knows them, and service numbers such
// as a 95xxx hotline are never "valid" mobile or fixed numbers.
func ParseNumber(s, region string) (*NumberInfo, bool) {
	s = strings.TrimSpace(s)
	if s == "" || len(s) > 32 {
		return nil, false
	}
	n, err := phonenumbers.Parse(s, region)
	if err != nil || !phonenumbers.IsPossibleNumber(n) {
		return nil, false
	}
	info := &NumberInfo{E164: phonenumbers.Format(n, phonenumbers.E164), Type: "unknown"}
	info.Masked = pii.MaskNumber(n)
	info.Country = phonenumbers.GetRegionCodeForNumber(n)
	if info.Country == "ZZ" {
		info.Country = ""
	}
	typ := phonenumbers.GetNumberType(n)
	if t, ok := numberTypes[typ]; ok {
		info.Type = t
	}
	// Only landlines have a geographic area code here; asking for other
	// numbers would classify them a second time (a quarter of the cost).
	if typ == phonenumbers.FIXED_LINE || typ == phonenumbers.FIXED_LINE_OR_MOBILE {
		if l := phonenumbers.GetLengthOfGeographicalAreaCode(n); l > 0 {
			info.Area = phonenumbers.GetNationalSignificantNumber(n)[:l]
		}
	}
	return info, true
}

// normalize returns s in E.164 or a validation error naming field.
func normalize(s, region, field string) (*NumberInfo, error) {
	info, ok := ParseNumber(s, region)
	if !ok {
		return nil, errcode.New(errcode.InvalidPhone, field+" is not a phone number").
			WithDetails(errcode.Detail{Field: field,
				Message: "must be a phone number in E.164 (+8613800138000) or in the national form of the default region"})
	}
	return info, nil
}

// prefixPattern is an E.164 prefix: a plus and 1 to 15 digits.
var prefixPattern = regexp.MustCompile(`^\+[0-9]{1,15}$`)

// normalizeEntry reads a block or allow list entry: a whole number (E.164
// or national) or an E.164 prefix such as "+86138".
func normalizeEntry(s, region string) (string, error) {
	s = strings.Map(func(r rune) rune {
		if r == ' ' || r == '-' {
			return -1
		}
		return r
	}, strings.TrimSpace(s))
	if prefixPattern.MatchString(s) {
		return s, nil
	}
	if info, ok := ParseNumber(s, region); ok {
		return info.E164, nil
	}
	return "", errcode.New(errcode.InvalidPhone, "number is neither a phone number nor an E.164 prefix").
		WithDetails(errcode.Detail{Field: "number", Message: "must be a number, or a prefix starting with + such as +86138"})
}
