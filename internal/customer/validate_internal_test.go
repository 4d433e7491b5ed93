package customer

import (
	"fmt"
	"math"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/errcode"
)

// TestApplyParamsNormalises: phone numbers are read in the region into
// E.164 and deduplicated, addresses lower-cased, tags trimmed; only the
// fields that changed are reported.
func TestApplyParamsNormalises(t *testing.T) {
	t.Parallel()
	c := &Customer{Name: "Ana", Tags: []string{"a"}}
	var ps problems
	fields := applyParams(c, &Params{Name: ptr(" Ana "), Phones: &[]string{"138 1234 8000", "+86 138-1234-8000", "(415) 555-2671"},
		Emails: &[]string{"Ana@Example.COM"}, Tags: &[]string{" a ", "b", "a"}, Attributes: &map[string]any{"seats": 3, "vip": true},
		Consent: &map[string]bool{"sms": false}, DoNotContact: ptr(true), OwnerID: ptr("u1")}, "CN", &ps)
	require.Empty(t, ps.details)
	require.Equal(t, []string{"phones", "emails", "tags", "attributes", "consent", "do_not_contact", "owner_id"}, fields,
		"the trimmed name did not change")
	require.Equal(t, []string{"+8613812348000", "+864155552671"}, c.Phones,
		"the duplicate went; (415) 555-2671 read in CN is a Dandong landline")
	require.Equal(t, []string{"ana@example.com"}, c.Emails)
	require.Equal(t, []string{"a", "b"}, c.Tags)
	require.Equal(t, map[string]any{"seats": 3.0, "vip": true}, c.Attributes, "numbers as JSON reads them")

	ps = problems{}
	us := &Customer{}
	applyParams(us, &Params{Phones: &[]string{"(415) 555-2671"}}, "US", &ps)
	require.Empty(t, ps.details)
	require.Equal(t, []string{"+14155552671"}, us.Phones, "the same digits in the US")
	require.Empty(t, applyParams(c, &Params{}, "CN", &ps), "nothing given, nothing changed")
}

// TestApplyParamsProblems: every problem is listed with its field and
// code, and none repeats a phone number or an address.
func TestApplyParamsProblems(t *testing.T) {
	t.Parallel()
	var ps problems
	tooMany := map[string]any{}
	for i := range MaxAttributes + 1 {
		tooMany[fmt.Sprintf("k%d", i)] = "v"
	}
	applyParams(&Customer{}, &Params{Name: ptr("  "), Phones: &[]string{"+8613812348000", "1381234800"},
		Emails: &[]string{"not an address", "secret@nowhere"}, Tags: &[]string{"a;b", strings.Repeat("x", 51)},
		Consent: &map[string]bool{"telepathy": true}}, "CN", &ps)
	applyDetails(&Customer{}, &Params{Attributes: &tooMany}, &ps)
	applyDetails(&Customer{}, &Params{Attributes: &map[string]any{"1bad": "x", "nan": math.NaN(), "long": strings.Repeat("x", 501),
		"list": []any{1}}}, &ps)
	codes := map[string]string{}
	for _, d := range ps.details {
		codes[d.Field] = d.Code
		require.NotContains(t, d.Message, "1381234800")
		require.NotContains(t, d.Message, "secret@nowhere")
	}
	require.Equal(t, map[string]string{"name": "validation_failed", "phones": "invalid_phone", "emails": "invalid_email",
		"tags": "validation_failed", "consent": "validation_failed", "attributes": "validation_failed",
		"attributes.nan": "validation_failed", "attributes.long": "validation_failed", "attributes.list": "validation_failed"}, codes)
	err := errcode.From(ps.err())
	require.Equal(t, errcode.ValidationFailed, err.Code, "the first problem's code")
	require.Equal(t, "the customer is invalid: name must be 1 to 120 characters, not only spaces", err.Message)
	require.Contains(t, ps.details[1].Message, "entry 2", "the entry is named by position")

	ps = problems{}
	big := map[string]any{}
	for i := range 20 {
		big[fmt.Sprintf("k%d", i)] = strings.Repeat("x", 450)
	}
	applyDetails(&Customer{}, &Params{Attributes: &big}, &ps)
	require.Len(t, ps.details, 1)
	require.Contains(t, ps.details[0].Message, "bytes of JSON")
}

// TestReadImport: the header's columns, each row's line (a quoted value
// may span lines), a spreadsheet's BOM, and problems of the file's shape.
func TestReadImport(t *testing.T) {
	t.Parallel()
	var ps problems
	file := "\ufeffName,Phones,emails,tags,do_not_contact,consent.sms,attributes.Plan,id\n" +
		"Ana,+8613812348000;138 1234 8001,ana@example.com,a;b,yes,false,gold,ignored\n" +
		"\"Bo\nBrown\",,,,,,'=1+1,\n" +
		"Cy,,,,maybe,,,\n"
	rows, err := readImport(strings.NewReader(file), &ps)
	require.NoError(t, err)
	require.Len(t, rows, 3)
	require.Equal(t, []int{2, 3, 5}, []int{rows[0].line, rows[1].line, rows[2].line})
	require.Equal(t, "Ana", *rows[0].p.Name)
	require.Equal(t, []string{"+8613812348000", "138 1234 8001"}, *rows[0].p.Phones)
	require.Equal(t, []string{"a", "b"}, *rows[0].p.Tags)
	require.True(t, *rows[0].p.DoNotContact)
	require.Equal(t, map[string]bool{"sms": false}, *rows[0].p.Consent)
	require.Equal(t, map[string]any{"Plan": "gold"}, *rows[0].p.Attributes, "attribute keys keep their case")
	require.Equal(t, "Bo\nBrown", *rows[1].p.Name)
	require.Equal(t, map[string]any{"Plan": "=1+1"}, *rows[1].p.Attributes, "the export's apostrophe is removed")
	require.Nil(t, rows[1].p.Phones, "an empty cell leaves the field unset")
	require.Equal(t, []errcode.Detail{{Field: "do_not_contact", Message: "must be true or false", Line: 5, Code: "validation_failed"}},
		ps.details)

	ps = problems{}
	_, err = readImport(strings.NewReader("nickname,phones\nAna,\n"), &ps)
	require.NoError(t, err)
	require.Len(t, ps.details, 2)
	require.Equal(t, errcode.Detail{Field: "nickname", Line: 1, Code: "validation_failed", Message: ps.details[0].Message}, ps.details[0])
	require.Equal(t, "the name column is required", ps.details[1].Message)

	ps = problems{}
	_, err = readImport(strings.NewReader("name\nAna\n\"Bo\n"), &ps)
	require.NoError(t, err)
	require.Len(t, ps.details, 1)
	require.Equal(t, "file", ps.details[0].Field)
	require.Equal(t, 3, ps.details[0].Line, "the broken quote's line")

	ps = problems{}
	_, err = readImport(strings.NewReader(""), &ps)
	require.NoError(t, err)
	require.Len(t, ps.details, 1)

	_, err = readImport(strings.NewReader("name\n"+strings.Repeat("x\n", MaxImportRows+1)), &ps)
	require.Equal(t, errcode.ImportTooLarge, errcode.From(err).Code)
	_, err = readImport(strings.NewReader("name\n"+strings.Repeat("x", MaxImportBytes)), &ps)
	require.Equal(t, errcode.ImportTooLarge, errcode.From(err).Code)
}

func TestCellEscaping(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"+86 138****8000": "'+86 138****8000", "=SUM(A1)": "'=SUM(A1)", "@x": "'@x",
		"-1": "'-1", "plain": "plain", "": ""} {
		require.Equal(t, want, escapeCell(in), in)
		require.Equal(t, in, unescapeCell(escapeCell(in)), in)
	}
	require.Equal(t, "'quoted", unescapeCell("'quoted"), "only an apostrophe before a formula sign is removed")
}

// TestCombine: the target keeps what it has and gains what it lacks.
func TestCombine(t *testing.T) {
	t.Parallel()
	target := &Customer{Name: "", Tier: "vip", Tags: []string{"a"}, Attributes: map[string]any{"plan": "gold"},
		Consent: map[string]bool{"sms": true}}
	source := &Customer{Name: "Ana", Tier: "standard", OwnerID: "u1", Phone: "138", Tags: []string{"a", "b"},
		Attributes: map[string]any{"plan": "silver", "seats": 3.0}, Consent: map[string]bool{"sms": false, "calls": true},
		DoNotContact: true}
	combine(target, source)
	require.Equal(t, &Customer{Name: "Ana", Tier: "vip", OwnerID: "u1", Phone: "138", Tags: []string{"a", "b"},
		Attributes: map[string]any{"plan": "gold", "seats": 3.0}, Consent: map[string]bool{"sms": true, "calls": true},
		DoNotContact: true}, target)
}

func TestMaskIfPersonal(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{"user-42": "user-42", "jane@example.com": "j***@example.com",
		"+86 138 1234 8000": "+86 138****8000", "13812348000": "138****8000", "123456": "123456", "ab1234567": "ab1234567"} {
		require.Equal(t, want, maskIfPersonal(in), in)
	}
}
