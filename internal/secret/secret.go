// Package secret creates and checks credentials: argon2id password hashes in
// PHC string format, and random opaque tokens of which only a SHA-256 digest
// is ever stored.
package secret

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"strings"

	"golang.org/x/crypto/argon2"
)

// Argon2id parameters: the OWASP baseline (19 MiB, 2 passes, 1 lane), about
// 20 ms per hash on the reference machine. Stored in each hash, so they can be
// raised later without invalidating existing passwords.
const (
	argonMemoryKiB = 19 * 1024
	argonTime      = 2
	argonThreads   = 1
	argonKeyLen    = 32
	saltLen        = 16
	// maxMemoryKiB caps the memory parameter accepted from a stored hash.
	maxMemoryKiB = 1 << 20 // 1 GiB
)

// MinPasswordLen is the shortest password accepted.
const MinPasswordLen = 10

// ErrMismatch is returned by VerifyPassword when the password is wrong.
var ErrMismatch = errors.New("secret: password does not match")

// Hasher hashes and verifies passwords with randomness from Rand. Each
// argon2id run takes 19 MiB and ~20 ms of a core, so Slots, when set,
// bounds how many run at once: a burst of logins then queues instead of
// exhausting memory (32 concurrent logins peaked at 1.2 GB unbounded).
type Hasher struct {
	Rand  io.Reader
	Slots chan struct{}
}

// NewHasher returns a Hasher running at most concurrency hashes at once.
func NewHasher(rand io.Reader, concurrency int) Hasher {
	return Hasher{Rand: rand, Slots: make(chan struct{}, max(concurrency, 1))}
}

func (h Hasher) acquire() func() {
	if h.Slots == nil {
		return func() {}
	}
	h.Slots <- struct{}{}
	return func() { <-h.Slots }
}

// Verify checks pw against hash like VerifyPassword, within the Hasher's
// concurrency bound.
func (h Hasher) Verify(hash, pw string) error {
	defer h.acquire()()
	return VerifyPassword(hash, pw)
}

// HashPassword returns the PHC-format argon2id hash of pw.
func (h Hasher) HashPassword(pw string) (string, error) {
	defer h.acquire()()
	salt := make([]byte, saltLen)
	if _, err := io.ReadFull(h.Rand, salt); err != nil {
		return "", fmt.Errorf("secret: salt: %w", err)
	}
	key := argon2.IDKey([]byte(pw), salt, argonTime, argonMemoryKiB, argonThreads, argonKeyLen)
	b64 := base64.RawStdEncoding
	return fmt.Sprintf("$argon2id$v=%d$m=%d,t=%d,p=%d$%s$%s", argon2.Version,
		argonMemoryKiB, argonTime, argonThreads, b64.EncodeToString(salt), b64.EncodeToString(key)), nil
}

// VerifyPassword checks pw against a PHC argon2id hash in constant time.
func VerifyPassword(hash, pw string) error {
	parts := strings.Split(hash, "$")
	if len(parts) != 6 || parts[1] != "argon2id" {
		return errors.New("secret: unsupported hash format")
	}
	var version int
	if _, err := fmt.Sscanf(parts[2], "v=%d", &version); err != nil || version != argon2.Version {
		return errors.New("secret: unsupported argon2 version")
	}
	var m, t uint32
	var p uint8
	if _, err := fmt.Sscanf(parts[3], "m=%d,t=%d,p=%d", &m, &t, &p); err != nil {
		return fmt.Errorf("secret: bad parameters: %w", err)
	}
	// A stored hash is data: bound its parameters so a corrupt or
	// tampered one fails cleanly instead of panicking or exhausting memory.
	if t < 1 || t > 10 || p < 1 || m < 8*uint32(p) || m > maxMemoryKiB {
		return errors.New("secret: bad parameters: out of range")
	}
	b64 := base64.RawStdEncoding
	salt, err := b64.DecodeString(parts[4])
	if err != nil {
		return fmt.Errorf("secret: bad salt: %w", err)
	}
	want, err := b64.DecodeString(parts[5])
	if err != nil {
		return fmt.Errorf("secret: bad key: %w", err)
	}
	if len(salt) < 8 || len(want) < 16 || len(want) > 64 {
		return errors.New("secret: bad salt or key length")
	}
	got := argon2.IDKey([]byte(pw), salt, t, m, p, uint32(len(want)))
	if subtle.ConstantTimeCompare(got, want) != 1 {
		return ErrMismatch
	}
	return nil
}

// CheckPasswordPolicy reports why pw is not acceptable, or "" if it is.
func CheckPasswordPolicy(pw string) string {
	if len([]rune(pw)) < MinPasswordLen {
		return fmt.Sprintf("password must be at least %d characters", MinPasswordLen)
	}
	if len(pw) > 256 {
		return "password must be at most 256 bytes"
	}
	lower := strings.ToLower(pw)
	for _, weak := range commonPasswords {
		if lower == weak {
			return "password is too common"
		}
	}
	return ""
}

// commonPasswords are rejected outright; the length rule excludes most others.
var commonPasswords = []string{
	"1234567890", "12345678910", "0123456789", "qwertyuiop", "password12", "password123",
	"password1234", "iloveyou12", "qwerty1234", "1q2w3e4r5t", "abcdefghij", "letmein123",
	"administrator", "switchboard", "changeme123",
}

// Token is a freshly minted opaque credential. Plain is shown to its owner
// once; only Digest is stored.
type Token struct {
	Plain  string
	Digest string
}

// NewToken returns a random token with a readable prefix such as "sbs" (a
// session) or "sbt" (an API token), so leaked tokens are easy to recognise.
func NewToken(rand io.Reader, prefix string) (Token, error) {
	b := make([]byte, 32)
	if _, err := io.ReadFull(rand, b); err != nil {
		return Token{}, fmt.Errorf("secret: token: %w", err)
	}
	plain := prefix + "_" + base64.RawURLEncoding.EncodeToString(b)
	return Token{Plain: plain, Digest: Digest(plain)}, nil
}

// Digest returns the hex SHA-256 of a token, the form in which it is stored
// and looked up. Tokens carry 256 bits of entropy, so a fast hash suffices.
func Digest(plain string) string {
	sum := sha256.Sum256([]byte(plain))
	return hex.EncodeToString(sum[:])
}
