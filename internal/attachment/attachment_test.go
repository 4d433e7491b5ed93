package attachment_test

import (
	"archive/zip"
	"bytes"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/attachment"
	"github.com/switchboardhq/switchboard/internal/errcode"
)

// zipWith returns a real ZIP archive whose entries are named names, in order.
func zipWith(t *testing.T, names ...string) []byte {
	t.Helper()
	var buf bytes.Buffer
	zw := zip.NewWriter(&buf)
	for _, n := range names {
		w, err := zw.Create(n)
		require.NoError(t, err)
		_, err = w.Write([]byte("<x/>"))
		require.NoError(t, err)
	}
	require.NoError(t, zw.Close())
	return buf.Bytes()
}

func TestSniff(t *testing.T) {
	t.Parallel()

	long := strings.Repeat("a", 511) + "报告" // the window ends inside 报
	tests := []struct {
		name     string
		data     []byte
		declared string
		want     string
	}{
		{"PNG", []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01"), "a.png", "image/png"},
		{"JPEG", []byte("\xff\xd8\xff\xe0\x00\x10JFIF\x00\x01\x01"), "a.jpg", "image/jpeg"},
		{"JPEGExif", []byte("\xff\xd8\xff\xe1\x12\x34Exif\x00\x00"), "IMG_0001.JPG", "image/jpeg"},
		{"GIF87a", []byte("GIF87a\x01\x00\x01\x00\x80\x00\x00"), "", "image/gif"},
		{"GIF89a", []byte("GIF89a\x01\x00\x01\x00\x80\x00\x00"), "", "image/gif"},
		{"WebP", []byte("RIFF\x24\x00\x00\x00WEBPVP8 \x18\x00\x00\x00"), "", "image/webp"},
		{"PDF", []byte("%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj\n"), "", "application/pdf"},
		{"ZIP", zipWith(t, "hello.txt"), "a.zip", attachment.TypeZIP},
		{"ZIPEmpty", []byte("PK\x05\x06" + strings.Repeat("\x00", 18)), "", attachment.TypeZIP},
		{"DOCXByEntry", zipWith(t, "word/document.xml"), "", attachment.TypeDOCX},
		{"XLSXByEntry", zipWith(t, "xl/workbook.xml"), "", attachment.TypeXLSX},
		{"PPTXByEntry", zipWith(t, "ppt/presentation.xml"), "", attachment.TypePPTX},
		{"DOCXByName", zipWith(t, "[Content_Types].xml", "word/document.xml"), "Report.DOCX", attachment.TypeDOCX},
		{"XLSXByName", zipWith(t, "[Content_Types].xml", "xl/workbook.xml"), "sheet.xlsx", attachment.TypeXLSX},
		{"PPTXByName", zipWith(t, "[Content_Types].xml"), "deck.pptx", attachment.TypePPTX},
		{"ZIPNamedPDF", zipWith(t, "a.txt"), "a.pdf", attachment.TypeZIP},
		{"MP3ID3", []byte("ID3\x04\x00\x00\x00\x00\x0f\x76TIT2"), "", "audio/mpeg"},
		{"MP3Frame", []byte("\xff\xfb\x90\x64\x00\x00\x00\x00"), "", "audio/mpeg"},
		{"MP3FrameMPEG2", []byte("\xff\xf3\x40\xc4\x00"), "", "audio/mpeg"},
		{"AACNotMP3", []byte("\xff\xf1\x50\x80\x02\x1f\xfc"), "a.mp3", attachment.TypeOctetStream},
		{"OggVorbis", []byte("OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x01vorbis"), "", "audio/ogg"},
		{"OggTheora", []byte("OggS\x00\x02\x00\x00\x00\x00\x00\x00\x00\x00\x80theora"), "", "video/ogg"},
		{"WAV", []byte("RIFF\x24\x08\x00\x00WAVEfmt \x10\x00\x00\x00"), "", "audio/wav"},
		{"FLAC", []byte("fLaC\x00\x00\x00\x22"), "", "audio/flac"},
		{"MP4", []byte("\x00\x00\x00\x20ftypisom\x00\x00\x02\x00isomiso2avc1mp41"), "", "video/mp4"},
		{"MP4Brand", []byte("\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom"), "", "video/mp4"},
		{"M4A", []byte("\x00\x00\x00\x20ftypM4A \x00\x00\x00\x00M4A mp42isom"), "", "audio/mp4"},
		{"QuickTime", []byte("\x00\x00\x00\x14ftypqt  \x00\x00\x02\x00qt  "), "", "video/quicktime"},
		{"HEIC", []byte("\x00\x00\x00\x18ftypheic\x00\x00\x00\x00mif1heic"), "", "image/heif"},
		{"WebM", []byte("\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01"), "", "video/webm"},
		{"PE", []byte("MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff"), "invoice.pdf", attachment.TypeWindowsExecutable},
		{"ELF", []byte("\x7fELF\x02\x01\x01\x00\x00\x00"), "", attachment.TypeELF},
		{"TextStartingMZ", []byte("MZ is not an executable\n"), "", "text/plain"},
		{"TextStartingID3", []byte("ID3 tags explained\n"), "", "text/plain"},
		{"Text", []byte("hello, world\n"), "note.txt", "text/plain"},
		{"TextUTF8", []byte("你好，世界\r\n\tüñí\f"), "", "text/plain"},
		{"TextBOM", []byte("\xef\xbb\xbfhello"), "", "text/plain"},
		{"TextCutAtWindow", []byte(long), "", "text/plain"},
		{"OnlyWindowCounts", []byte(strings.Repeat("x", 600) + "\x00"), "", "text/plain"},
		{"CSV", []byte("name,email\nAda,ada@example.com\n"), "contacts.CSV", "text/csv"},
		{"CSVNamedTXT", []byte("name,email\nAda,ada@example.com\n"), "contacts.txt", "text/plain"},
		{"HTML", []byte("<!DOCTYPE html><html><body>hi</body></html>"), "a.txt", "text/html"},
		{"HTMLScript", []byte("  \n<script>alert(1)</script>"), "a.png", "text/html"},
		{"HTMLAnyTag", []byte("<b>bold</b>"), "", "text/html"},
		{"SVG", []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`), "", "image/svg+xml"},
		{"SVGBare", []byte(`<SVG onload="alert(1)"/>`), "a.jpg", "image/svg+xml"},
		{"XML", []byte(`<?xml version="1.0"?><note/>`), "", "text/xml"},
		{"TextNamedHTML", []byte("just words"), "page.html", "text/html"},
		{"TextNamedSVG", []byte("just words"), "pic.svg", "image/svg+xml"},
		{"TextNamedXHTML", []byte("just words"), "page.xhtml", "application/xhtml+xml"},
		{"TextNamedJS", []byte("alert(1)"), "app.js", "text/javascript"},
		{"PathInDeclaredName", []byte("a,b\n"), "dir.csv/x.txt", "text/plain"},
		{"NUL", []byte("hello\x00world"), "a.txt", attachment.TypeOctetStream},
		{"ControlChar", []byte("hello\x1bworld"), "", attachment.TypeOctetStream},
		{"InvalidUTF8", []byte("hello \xff\xfe world"), "", attachment.TypeOctetStream},
		{"UTF16", []byte("\xff\xfeh\x00i\x00"), "a.txt", attachment.TypeOctetStream},
		{"Random", []byte{0x00, 0x01, 0x02, 0x8f, 0x13}, "a.pdf", attachment.TypeOctetStream},
		{"Empty", []byte{}, "a.png", attachment.TypeOctetStream},
		{"Nil", nil, "", attachment.TypeOctetStream},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()

			require.Equal(t, tc.want, attachment.Sniff(tc.data, tc.declared))
		})
	}
}

func TestSafeServeType(t *testing.T) {
	t.Parallel()

	const octet = attachment.TypeOctetStream
	tests := []struct {
		in     string
		want   string
		inline bool
	}{
		{"image/png", "image/png", true},
		{"IMAGE/PNG", "image/png", true},
		{"image/jpeg", "image/jpeg", true},
		{"image/gif", "image/gif", true},
		{"image/webp", "image/webp", true},
		{"application/pdf", "application/pdf", true},
		{"audio/mpeg", "audio/mpeg", true},
		{"audio/ogg", "audio/ogg", true},
		{"audio/wav", "audio/wav", true},
		{"audio/mp4", "audio/mp4", true},
		{"video/mp4", "video/mp4", true},
		{"video/webm", "video/webm", true},
		{"video/quicktime", "video/quicktime", true},
		{"text/plain", "text/plain; charset=utf-8", true},
		{"text/plain; charset=iso-8859-1", "text/plain; charset=utf-8", true},

		{"text/html", octet, false},
		{"text/html; charset=utf-8", octet, false},
		{"image/svg+xml", octet, false},
		{"application/javascript", octet, false},
		{"text/javascript", octet, false},
		{"application/xhtml+xml", octet, false},
		{"text/xml", octet, false},
		{"application/xml", octet, false},
		{"text/css", octet, false},
		{"text/csv", octet, false},
		{"application/x-shockwave-flash", octet, false},
		{"multipart/x-mixed-replace", octet, false},
		{"image/heif", octet, false},
		{"image/bmp", octet, false},
		{"audio/x-mpegurl", octet, false},
		{attachment.TypeZIP, octet, false},
		{attachment.TypeDOCX, octet, false},
		{attachment.TypeWindowsExecutable, octet, false},
		{octet, octet, false},
		{"", octet, false},
		{"image", octet, false},
		{"image/png\r\nX-Injected: 1", octet, false},
		{"not a type", octet, false},
	}
	for _, tc := range tests {
		t.Run(tc.in, func(t *testing.T) {
			t.Parallel()

			got, inline := attachment.SafeServeType(tc.in)
			require.Equal(t, tc.want, got)
			require.Equal(t, tc.inline, inline)
		})
	}
}

// TestSniffedTypesServeSafely ties the two together: nothing Sniff can say
// about markup or script is ever served inline.
func TestSniffedTypesServeSafely(t *testing.T) {
	t.Parallel()

	for _, data := range []string{
		"<html><script>alert(1)</script></html>",
		`<svg xmlns="http://www.w3.org/2000/svg"><script>alert(1)</script></svg>`,
		`<?xml version="1.0"?><x:script xmlns:x="http://www.w3.org/1999/xhtml"/>`,
		"<iframe src=javascript:alert(1)>",
	} {
		for _, name := range []string{"", "a.txt", "a.png", "a.html", "a.svg"} {
			typ := attachment.Sniff([]byte(data), name)
			served, inline := attachment.SafeServeType(typ)
			require.False(t, inline, "%q named %q sniffed as %s", data, name, typ)
			require.Equal(t, attachment.TypeOctetStream, served)
		}
	}
}

func TestSanitizeName(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		in   string
		want string
	}{
		{"Plain", "report.pdf", "report.pdf"},
		{"UnixTraversal", "../../etc/passwd", "passwd"},
		{"WindowsPath", `C:\Users\me\..\report.pdf`, "report.pdf"},
		{"MixedSlashes", `a/b\c/d.txt`, "d.txt"},
		{"Chinese", "报告.pdf", "报告.pdf"},
		{"Emoji", "🎉 party.png", "🎉 party.png"},
		{"NUL", "a\x00b.txt", "ab.txt"},
		{"Newlines", "line1\r\nline2.txt", "line1line2.txt"},
		{"Tab", "a\tb.txt", "ab.txt"},
		{"C1Control", "a\u0085b.txt", "ab.txt"},
		{"RTLOverride", "invoice\u202Efdp.exe", "invoicefdp.exe"},
		{"ZeroWidth", "a\u200Bb\uFEFF.txt", "ab.txt"},
		{"InvalidUTF8", "a\xffb.txt", "ab.txt"},
		{"NoBreakSpace", "a\u00a0b.txt", "a b.txt"},
		{"WindowsForbidden", `a<b>c:d"e|f?g*h.txt`, "a_b_c_d_e_f_g_h.txt"},
		{"LeadingDots", ".htaccess", "htaccess"},
		{"TrailingDotsAndBlanks", "  name . . ", "name"},
		{"ReservedDevice", "CON.txt", "_CON.txt"},
		{"ReservedDeviceLower", "lpt1", "_lpt1"},
		{"NotReserved", "console.txt", "console.txt"},
		{"Empty", "", "file"},
		{"Dot", ".", "file"},
		{"DotDot", "..", "file"},
		{"TrailingSlash", "dir/", "file"},
		{"Blanks", "   ", "file"},
		{"OnlyControls", "\x00\x01\n", "file"},
		{"LongASCII", strings.Repeat("a", 300) + ".pdf", strings.Repeat("a", 196) + ".pdf"},
		{"LongChinese", strings.Repeat("报", 100) + ".docx", strings.Repeat("报", 65) + ".docx"},
		{"LongSplitsRune", "x" + strings.Repeat("报", 100) + ".pdf", "x" + strings.Repeat("报", 65) + ".pdf"},
		{"LongExtensionIsName", strings.Repeat("a", 190) + "." + strings.Repeat("b", 50), strings.Repeat("a", 190) + "." + strings.Repeat("b", 9)},
		{"LongNoExtension", strings.Repeat("é", 150), strings.Repeat("é", 100)},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()

			got := attachment.SanitizeName(tc.in)
			require.Equal(t, tc.want, got)
			require.LessOrEqual(t, len(got), attachment.MaxNameBytes)
			require.True(t, utf8.ValidString(got))
			require.NotContains(t, got, "/")
			require.NotContains(t, got, `\`)
			require.Equal(t, got, attachment.SanitizeName(got), "sanitising twice changes nothing")
		})
	}
}

func TestContentDisposition(t *testing.T) {
	t.Parallel()

	require.Equal(t, "attachment; filename*=utf-8''%E6%8A%A5%E5%91%8A.pdf", attachment.ContentDisposition("报告.pdf", false))
	require.Equal(t, `inline; filename="a b.png"`, attachment.ContentDisposition("a b.png", true))
	require.Equal(t, `attachment; filename="a;b_c.txt"`, attachment.ContentDisposition(`a;b"c.txt`, false))
	require.Equal(t, `attachment; filename="passwdX_ y"`, attachment.ContentDisposition("../../etc/passwd\r\nX: y", false))
	require.Equal(t, "attachment; filename=file", attachment.ContentDisposition("", false))
}

func TestPolicy(t *testing.T) {
	t.Parallel()

	t.Run("Limit", func(t *testing.T) {
		t.Parallel()

		def := attachment.DefaultPolicy()
		require.Equal(t, int64(10<<20), def.Limit())
		require.Equal(t, attachment.DefaultMaxBytes, (&attachment.Policy{}).Limit())
		require.Equal(t, attachment.DefaultMaxBytes, (&attachment.Policy{MaxBytes: -1}).Limit())
		require.Equal(t, int64(1234), (&attachment.Policy{MaxBytes: 1234}).Limit())
	})

	t.Run("DefaultBlocksExecutables", func(t *testing.T) {
		t.Parallel()

		p := attachment.DefaultPolicy()
		for _, typ := range []string{"image/png", "application/pdf", "text/html", attachment.TypeZIP, attachment.TypeOctetStream} {
			require.NoError(t, p.Check(typ), typ)
		}
		for _, typ := range []string{attachment.TypeWindowsExecutable, attachment.TypeELF, "APPLICATION/X-ELF", "", "nonsense"} {
			err := p.Check(typ)
			require.ErrorIs(t, err, attachment.ErrTypeRefused, typ)
		}
	})

	t.Run("Allowed", func(t *testing.T) {
		t.Parallel()

		p := attachment.Policy{Allowed: []string{"image/*", "application/pdf"}, Blocked: []string{"image/gif"}}
		require.NoError(t, p.Check("image/png"))
		require.NoError(t, p.Check("application/pdf"))
		require.ErrorIs(t, p.Check("image/gif"), attachment.ErrTypeRefused, "blocked wins over allowed")
		require.ErrorIs(t, p.Check("text/plain"), attachment.ErrTypeRefused)
		require.ErrorIs(t, p.Check("imagex/png"), attachment.ErrTypeRefused)
	})

	t.Run("WildcardAll", func(t *testing.T) {
		t.Parallel()

		p := attachment.Policy{Blocked: []string{"*/*"}}
		require.ErrorIs(t, p.Check("image/png"), attachment.ErrTypeRefused)
	})
}

func TestErrors(t *testing.T) {
	t.Parallel()

	require.True(t, errcode.Has(attachment.ErrNotFound, errcode.NotFound))
	require.Equal(t, errcode.KindInvalid, errcode.From(attachment.ErrTooLarge).Code.Kind())
	require.Equal(t, errcode.KindUnprocessable, errcode.From(attachment.ErrTypeRefused).Code.Kind())
}

func TestKey(t *testing.T) {
	t.Parallel()

	const tenant, id = "0190a5e2-7c1b-7d3e-8f00-0123456789ab", "0190a5e2-7c1b-7d3e-8f00-ba9876543210"
	a := &attachment.Attachment{TenantID: tenant, ID: id}
	require.Equal(t, tenant+"/"+id, a.Key())
	require.Equal(t, a.Key(), attachment.Key(tenant, id))
	require.NoError(t, attachment.CheckKey(a.Key()))
	require.NoError(t, attachment.CheckKey("T_1/a-B_9"))
	require.NoError(t, attachment.CheckKey(strings.Repeat("t", 128)+"/"+strings.Repeat("a", 128)))

	for _, bad := range []string{
		"", "a", "/", "a/", "/a", "/a/b", "a/b/c", "a//b", "../a", "a/..", "./a", "a/.b", "a/b.txt",
		`a\b`, `a/b\c`, "a/b c", "a/b\x00", "a/b\n", "租户/a", "a/b%2f..",
		strings.Repeat("t", 129) + "/a", "a/" + strings.Repeat("b", 129),
	} {
		require.ErrorIs(t, attachment.CheckKey(bad), attachment.ErrInvalidKey, "%q", bad)
	}
}
