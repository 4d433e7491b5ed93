// Package attachment describes files that visitors and agents attach to chat
// messages: their metadata, the upload policy (size limit, allowed and blocked
// types), content-type sniffing from the file's first bytes, the safe type to
// serve a stored file with, file-name sanitising, and the BlobStore interface
// that keeps the bytes (on local disk in internal/attachment/localdisk).
//
// The type of a file is decided from its bytes, never from what the uploader
// declared; the declared name only refines a family the bytes establish (a ZIP
// archive named .docx) or makes the result more cautious (text named .html).
// Whatever was sniffed, SafeServeType never returns an active content type:
// HTML, SVG, XML, scripts and anything unknown are served as downloads.
package attachment

import (
	"bytes"
	"context"
	"errors"
	"io"
	"mime"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/switchboardhq/switchboard/internal/errcode"
)

// UploaderType says who uploaded an attachment.
type UploaderType string

// The uploaders.
const (
	UploaderVisitor UploaderType = "visitor"
	UploaderAgent   UploaderType = "agent"
)

// Attachment is one stored file. Its bytes live in a BlobStore under
// Key(TenantID, ID).
type Attachment struct {
	ID       string `json:"id"`
	TenantID string `json:"tenant_id"`
	// ConversationID is the conversation the file was uploaded to.
	ConversationID string       `json:"conversation_id"`
	UploaderType   UploaderType `json:"uploader_type"`
	UploaderID     string       `json:"uploader_id"`
	// Name is the sanitised file name (see SanitizeName).
	Name string `json:"name"`
	// ContentType is the sniffed media type, without parameters.
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
	SHA256      string `json:"sha256"` // lowercase hex
	// InboxID is the inbox of the conversation.
	InboxID string `json:"-"`
	// MessageID is set once a message carries the file; Shared tells
	// whether that message was visible to the customer.
	MessageID string    `json:"-"`
	Shared    bool      `json:"-"`
	CreatedAt time.Time `json:"created_at"`
}

// Store persists attachment records (the bytes live in a BlobStore).
type Store interface {
	Create(ctx context.Context, a *Attachment) error
	Get(ctx context.Context, tenantID, id string) (*Attachment, error)
}

// Key returns the attachment's BlobStore key.
func (a *Attachment) Key() string { return Key(a.TenantID, a.ID) }

// BlobStore keeps attachment bytes under keys made by Key. Implementations
// are safe for concurrent use.
type BlobStore interface {
	// Put stores what r yields under key, replacing any earlier blob, and
	// returns its size and lowercase hex SHA-256. It fails with ErrTooLarge
	// as soon as more than limit bytes were read, and then stores nothing.
	// When Put returns nil the blob is durable: it survives a power loss.
	Put(ctx context.Context, key string, r io.Reader, limit int64) (size int64, sha256 string, err error)
	// Open returns the blob with its size and modification time, or
	// ErrNotFound. The caller closes it.
	Open(ctx context.Context, key string) (blob io.ReadSeekCloser, size int64, modTime time.Time, err error)
	// Delete removes the blob. Deleting a missing blob is not an error.
	Delete(ctx context.Context, key string) error
}

// Errors returned by the BlobStore and the policy checks.
var (
	ErrNotFound    = errcode.New(errcode.NotFound, "attachment not found")
	ErrTooLarge    = errcode.New(errcode.AttachmentTooLarge, "the attachment exceeds the size limit")
	ErrTypeRefused = errcode.New(errcode.AttachmentType, "this type of file cannot be attached")
	// ErrInvalidKey reports a malformed BlobStore key: a bug on our side,
	// since keys are built from IDs, so it carries no client-visible code.
	ErrInvalidKey = errors.New("attachment: invalid blob key")
)

// maxKeyPart bounds each half of a key; UUIDs are 36 bytes.
const maxKeyPart = 128

// Key returns the BlobStore key of an attachment: "<tenant_id>/<attachment_id>".
func Key(tenantID, attachmentID string) string { return tenantID + "/" + attachmentID }

// CheckKey returns ErrInvalidKey unless key is two non-empty parts of at most
// 128 bytes from [A-Za-z0-9_-], joined by exactly one slash. Such a key can be
// neither absolute nor contain "..", so it always stays below a store's root.
func CheckKey(key string) error {
	tenant, id, ok := strings.Cut(key, "/")
	if !ok || !keyPart(tenant) || !keyPart(id) {
		return ErrInvalidKey
	}
	return nil
}

func keyPart(s string) bool {
	if s == "" || len(s) > maxKeyPart {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		if (c < 'a' || c > 'z') && (c < 'A' || c > 'Z') && (c < '0' || c > '9') && c != '-' && c != '_' {
			return false
		}
	}
	return true
}

// DefaultMaxBytes is the default size limit of one attachment, 10 MiB.
const DefaultMaxBytes int64 = 10 << 20

// Media types the sniffer returns for executables; DefaultPolicy blocks them.
const (
	TypeWindowsExecutable = "application/vnd.microsoft.portable-executable"
	TypeELF               = "application/x-elf"
)

// Policy decides which uploads are accepted.
type Policy struct {
	// MaxBytes is the size limit of one attachment; zero or less means
	// DefaultMaxBytes.
	MaxBytes int64
	// Allowed, when not empty, lists the only media types accepted. An entry
	// is a type ("application/pdf") or a wildcard subtype ("image/*").
	Allowed []string
	// Blocked lists refused media types in the same form; it wins over
	// Allowed.
	Blocked []string
}

// DefaultPolicy accepts every type up to DefaultMaxBytes except executables.
func DefaultPolicy() Policy {
	return Policy{MaxBytes: DefaultMaxBytes, Blocked: []string{TypeWindowsExecutable, TypeELF}}
}

// Limit returns the size limit to pass to BlobStore.Put.
func (p *Policy) Limit() int64 {
	if p.MaxBytes <= 0 {
		return DefaultMaxBytes
	}
	return p.MaxBytes
}

// Check returns ErrTypeRefused unless the policy accepts a file of the
// sniffed contentType.
func (p *Policy) Check(contentType string) error {
	t := mediaType(contentType)
	if t == "" || matchAny(p.Blocked, t) || len(p.Allowed) > 0 && !matchAny(p.Allowed, t) {
		return ErrTypeRefused
	}
	return nil
}

func matchAny(patterns []string, t string) bool {
	for _, p := range patterns {
		p = strings.ToLower(strings.TrimSpace(p))
		if p == t || p == "*/*" {
			return true
		}
		if prefix, ok := strings.CutSuffix(p, "/*"); ok && strings.HasPrefix(t, prefix+"/") {
			return true
		}
	}
	return false
}

// mediaType returns the lowercase type/subtype of a content type without its
// parameters, or "" if it is malformed.
func mediaType(contentType string) string {
	t, _, err := mime.ParseMediaType(contentType)
	if err != nil || strings.Count(t, "/") != 1 {
		return ""
	}
	return t
}

// SniffLen is how many leading bytes Sniff looks at.
const SniffLen = 512

// Media types returned by Sniff.
const (
	TypeOctetStream = "application/octet-stream"
	TypePlainText   = "text/plain"
	TypeZIP         = "application/zip"
	TypeDOCX        = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
	TypeXLSX        = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
	TypePPTX        = "application/vnd.openxmlformats-officedocument.presentationml.presentation"
)

// magic is a fixed signature at a fixed offset.
type magic struct {
	offset int
	sig    string
	typ    string
}

// magics are checked in order; the first match wins.
var magics = []magic{
	{0, "\x89PNG\r\n\x1a\n", "image/png"},
	{0, "\xff\xd8\xff", "image/jpeg"},
	{0, "GIF87a", "image/gif"},
	{0, "GIF89a", "image/gif"},
	{0, "%PDF-", "application/pdf"},
	{0, "\x1a\x45\xdf\xa3", "video/webm"},
	{0, "fLaC", "audio/flac"},
	{0, "\x7fELF", TypeELF},
}

// Sniff returns the media type of a file from its first bytes (at most
// SniffLen are looked at), without parameters. It recognises PNG, JPEG, GIF,
// WebP, PDF, ZIP (and DOCX, XLSX, PPTX), MP3, Ogg, WAV, FLAC, MP4, QuickTime,
// WebM, Windows and ELF executables, and UTF-8 text; anything else is
// application/octet-stream.
//
// declaredName never overrides the bytes. It only refines a type within the
// family the bytes establish: a ZIP archive named .docx, .xlsx or .pptx, and
// text named .csv. Text named like an active type (.html, .svg, .xml, .js) is
// reported as that type, so it is served as a download.
func Sniff(first512 []byte, declaredName string) string {
	b := first512
	if len(b) > SniffLen {
		b = b[:SniffLen]
	}
	ext := strings.ToLower(extension(baseName(declaredName)))
	for _, m := range magics {
		if len(b) >= m.offset+len(m.sig) && string(b[m.offset:m.offset+len(m.sig)]) == m.sig {
			return m.typ
		}
	}
	switch {
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WEBP":
		return "image/webp"
	case len(b) >= 12 && string(b[:4]) == "RIFF" && string(b[8:12]) == "WAVE":
		return "audio/wav"
	case len(b) >= 4 && string(b[:4]) == "OggS":
		if bytes.Contains(b, []byte("\x80theora")) {
			return "video/ogg"
		}
		return "audio/ogg"
	case len(b) >= 12 && string(b[4:8]) == "ftyp":
		return sniffISOBMFF(string(b[8:12]))
	case len(b) >= 4 && (string(b[:4]) == "PK\x03\x04" || string(b[:4]) == "PK\x05\x06"):
		return sniffZIP(b, ext)
	case len(b) >= 5 && string(b[:3]) == "ID3" && 2 <= b[3] && b[3] <= 4 && b[4] != 0xff:
		// An ID3v2 tag (version 2.2 to 2.4) in front of MPEG audio.
		return "audio/mpeg"
	case len(b) >= 2 && b[0] == 0xff && b[1]&0xe0 == 0xe0 && (b[1]>>1)&3 == 1:
		// An MPEG audio frame header: 11 sync bits, then layer III.
		return "audio/mpeg"
	case len(b) >= 2 && string(b[:2]) == "MZ" && !isText(b):
		// A DOS header and stub; text that happens to start "MZ" stays text.
		return TypeWindowsExecutable
	}
	return sniffText(b, ext)
}

// sniffISOBMFF maps the major brand of an ISO base media file.
func sniffISOBMFF(brand string) string {
	switch brand {
	case "M4A ", "M4B ", "M4P ":
		return "audio/mp4"
	case "qt  ":
		return "video/quicktime"
	case "heic", "heix", "heim", "heis", "mif1", "msf1", "avif", "avis":
		// Still images in the same container; not video.
		return "image/heif"
	}
	return "video/mp4"
}

// sniffZIP tells Office Open XML documents from other ZIP archives by the
// first entry's name or, failing that, the declared extension.
func sniffZIP(b []byte, ext string) string {
	if len(b) >= 30 && string(b[:4]) == "PK\x03\x04" {
		n := int(b[26]) | int(b[27])<<8
		if 30+n <= len(b) {
			name := string(b[30 : 30+n])
			switch {
			case strings.HasPrefix(name, "word/"):
				return TypeDOCX
			case strings.HasPrefix(name, "xl/"):
				return TypeXLSX
			case strings.HasPrefix(name, "ppt/"):
				return TypePPTX
			}
		}
	}
	switch ext {
	case ".docx":
		return TypeDOCX
	case ".xlsx":
		return TypeXLSX
	case ".pptx":
		return TypePPTX
	}
	return TypeZIP
}

// activeTextTypes are the types given to text whose name says it is markup or
// script, so that it is never shown inline.
var activeTextTypes = map[string]string{
	".html":  "text/html",
	".htm":   "text/html",
	".xhtml": "application/xhtml+xml",
	".svg":   "image/svg+xml",
	".xml":   "text/xml",
	".js":    "text/javascript",
	".mjs":   "text/javascript",
}

// sniffText recognises UTF-8 text and markup.
func sniffText(b []byte, ext string) string {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	if len(b) == 0 || !isText(b) {
		return TypeOctetStream
	}
	if t := sniffMarkup(b); t != "" {
		return t
	}
	if t, ok := activeTextTypes[ext]; ok {
		return t
	}
	if ext == ".csv" {
		return "text/csv"
	}
	return TypePlainText
}

// isText reports whether b is UTF-8 without control characters other than
// tab, newline, form feed and carriage return. A multi-byte character cut off
// by the end of the sniffed window is allowed.
func isText(b []byte) bool {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if r == utf8.RuneError && size <= 1 {
			return len(b)-i < utf8.UTFMax && !utf8.FullRune(b[i:])
		}
		if r < 0x20 && r != '\t' && r != '\n' && r != '\f' && r != '\r' || r == 0x7f {
			return false
		}
		i += size
	}
	return true
}

// sniffMarkup returns an active type for text that starts like markup, or "".
// Any text whose first non-blank character is "<" counts: better a harmless
// file downloaded than a page rendered.
func sniffMarkup(b []byte) string {
	b = bytes.TrimLeft(b, " \t\n\f\r")
	if len(b) == 0 || b[0] != '<' {
		return ""
	}
	lower := bytes.ToLower(b)
	switch {
	case bytes.Contains(lower, []byte("<svg")):
		return "image/svg+xml"
	case bytes.Contains(lower, []byte("<html")) || bytes.HasPrefix(lower, []byte("<!doctype html")):
		return "text/html"
	case bytes.HasPrefix(lower, []byte("<?xml")):
		return "text/xml"
	}
	return "text/html"
}

// inlineTypes are the media types served inline, mapped to the Content-Type
// they are served with. None of them can run script in a browser page.
var inlineTypes = map[string]string{
	"image/png":       "image/png",
	"image/jpeg":      "image/jpeg",
	"image/gif":       "image/gif",
	"image/webp":      "image/webp",
	"application/pdf": "application/pdf",
	"audio/mpeg":      "audio/mpeg",
	"audio/ogg":       "audio/ogg",
	"audio/wav":       "audio/wav",
	"audio/flac":      "audio/flac",
	"audio/mp4":       "audio/mp4",
	"video/mp4":       "video/mp4",
	"video/webm":      "video/webm",
	"video/ogg":       "video/ogg",
	"video/quicktime": "video/quicktime",
	TypePlainText:     "text/plain; charset=utf-8",
}

// SafeServeType returns the Content-Type to serve a stored file of
// contentType with, and whether to serve it inline. Images (PNG, JPEG, GIF,
// WebP), PDF, the sniffed audio and video types and plain text are served
// inline, text as UTF-8. Everything else, including HTML, SVG, XML, scripts
// and unknown or malformed types, is application/octet-stream with an
// attachment disposition. Serve either way with
// "X-Content-Type-Options: nosniff".
func SafeServeType(contentType string) (serveType string, inline bool) {
	if t, ok := inlineTypes[mediaType(contentType)]; ok {
		return t, true
	}
	return TypeOctetStream, false
}

// ContentDisposition returns a Content-Disposition header value for a file
// named name (sanitised first), inline or as an attachment. Names outside
// ASCII are encoded as RFC 2231 filename* parameters.
func ContentDisposition(name string, inline bool) string {
	disp := "attachment"
	if inline {
		disp = "inline"
	}
	if v := mime.FormatMediaType(disp, map[string]string{"filename": SanitizeName(name)}); v != "" {
		return v
	}
	return disp
}

// Limits of SanitizeName.
const (
	MaxNameBytes = 200
	maxExtBytes  = 16 // a longer "extension" is treated as part of the name
	fallbackName = "file"
)

// SanitizeName returns a file name that is safe to store and to offer for
// download: the last element of any path (either slash), without control or
// invisible formatting characters (such as right-to-left overrides), invalid
// UTF-8, characters Windows forbids, or leading and trailing dots and blanks,
// at most MaxNameBytes long with the extension kept. It returns "file" when
// nothing is left.
func SanitizeName(name string) string {
	name = baseName(name)
	var sb strings.Builder
	for _, r := range name {
		switch {
		case r == utf8.RuneError, unicode.IsControl(r), unicode.Is(unicode.Cf, r):
			continue
		case strings.ContainsRune(`<>:"|?*`, r):
			sb.WriteByte('_')
		case unicode.IsSpace(r):
			sb.WriteByte(' ')
		default:
			sb.WriteRune(r)
		}
	}
	name = strings.Trim(sb.String(), " .")
	if name == "" {
		return fallbackName
	}
	if reservedWindowsName(name) {
		name = "_" + name
	}
	if len(name) <= MaxNameBytes {
		return name
	}
	ext := extension(name)
	if len(ext) > maxExtBytes {
		ext = ""
	}
	stem := truncateUTF8(strings.TrimSuffix(name, ext), MaxNameBytes-len(ext))
	stem = strings.TrimRight(stem, " .")
	if stem == "" {
		return fallbackName + ext
	}
	return stem + ext
}

// baseName returns the part of name after the last slash or backslash.
func baseName(name string) string {
	if i := strings.LastIndexAny(name, `/\`); i >= 0 {
		return name[i+1:]
	}
	return name
}

// extension returns the suffix from the last dot, or "" if there is none or
// the dot starts the name.
func extension(name string) string {
	if i := strings.LastIndexByte(name, '.'); i > 0 {
		return name[i:]
	}
	return ""
}

// truncateUTF8 cuts s to at most n bytes without splitting a character.
func truncateUTF8(s string, n int) string {
	if len(s) <= n {
		return s
	}
	for n > 0 && !utf8.RuneStart(s[n]) {
		n--
	}
	return s[:n]
}

// reservedWindowsName reports whether name, up to its first dot, is a device
// name that Windows refuses as a file name.
func reservedWindowsName(name string) bool {
	stem, _, _ := strings.Cut(name, ".")
	switch strings.ToUpper(strings.TrimRight(stem, " ")) {
	case "CON", "PRN", "AUX", "NUL",
		"COM1", "COM2", "COM3", "COM4", "COM5", "COM6", "COM7", "COM8", "COM9",
		"LPT1", "LPT2", "LPT3", "LPT4", "LPT5", "LPT6", "LPT7", "LPT8", "LPT9":
		return true
	}
	return false
}
