package secret_test

import (
	"bytes"
	"crypto/rand"
	"errors"
	"regexp"
	"strings"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/secret"
)

// Argon2id costs about 20 ms per hash, so the tests share a few hashes.
const password = "correct horse battery staple"

// fixedSalt is a reader that yields the same salt every time it is wrapped.
func fixedSalt() *bytes.Reader { return bytes.NewReader(bytes.Repeat([]byte{0x5a}, 16)) }

// phc matches the format HashPassword writes: argon2id v19 with the OWASP
// baseline parameters, a 16-byte salt (22 chars) and a 32-byte key (43 chars)
// in unpadded standard base64.
var phc = regexp.MustCompile(`^\$argon2id\$v=19\$m=19456,t=2,p=1\$[A-Za-z0-9+/]{22}\$[A-Za-z0-9+/]{43}$`)

func TestHashPassword(t *testing.T) {
	t.Parallel()

	h1, err := secret.Hasher{Rand: rand.Reader}.HashPassword(password)
	require.NoError(t, err)
	h2, err := secret.Hasher{Rand: rand.Reader}.HashPassword(password)
	require.NoError(t, err)

	t.Run("PHCFormat", func(t *testing.T) {
		t.Parallel()

		require.Regexp(t, phc, h1)
		require.NotContains(t, h1, password)
	})

	t.Run("SaltedHashesDiffer", func(t *testing.T) {
		t.Parallel()

		require.NotEqual(t, h1, h2, "two hashes of one password must differ by salt")
		require.NotEqual(t, strings.Split(h1, "$")[4], strings.Split(h2, "$")[4])
	})

	t.Run("RoundTrip", func(t *testing.T) {
		t.Parallel()

		require.NoError(t, secret.VerifyPassword(h1, password))
		require.NoError(t, secret.VerifyPassword(h2, password))
	})

	t.Run("WrongPassword", func(t *testing.T) {
		t.Parallel()

		err := secret.VerifyPassword(h1, password+"!")
		require.ErrorIs(t, err, secret.ErrMismatch)
	})

	t.Run("TamperedKey", func(t *testing.T) {
		t.Parallel()

		parts := strings.Split(h1, "$")
		key := []byte(parts[5])
		if key[0] == 'A' {
			key[0] = 'B'
		} else {
			key[0] = 'A'
		}
		parts[5] = string(key)
		err := secret.VerifyPassword(strings.Join(parts, "$"), password)
		require.ErrorIs(t, err, secret.ErrMismatch)
	})

	t.Run("TamperedCost", func(t *testing.T) {
		t.Parallel()

		// The parameters are part of what is verified: lowering the cost
		// yields a different key, not a cheaper match.
		err := secret.VerifyPassword(strings.Replace(h1, "t=2", "t=1", 1), password)
		require.ErrorIs(t, err, secret.ErrMismatch)
	})
}

func TestHashPassword_InjectedRandomness(t *testing.T) {
	t.Parallel()

	a, err := secret.Hasher{Rand: fixedSalt()}.HashPassword(password)
	require.NoError(t, err)
	b, err := secret.Hasher{Rand: fixedSalt()}.HashPassword(password)
	require.NoError(t, err)
	require.Equal(t, a, b, "the same salt and password give the same hash")
	require.Equal(t, "WlpaWlpaWlpaWlpaWlpaWg", strings.Split(a, "$")[4], "the salt comes from Rand")

	_, err = secret.Hasher{Rand: iotest.ErrReader(errors.New("entropy exhausted"))}.HashPassword(password)
	require.ErrorContains(t, err, "entropy exhausted")
	_, err = secret.Hasher{Rand: bytes.NewReader(make([]byte, 15))}.HashPassword(password)
	require.Error(t, err, "a short read must not produce a weak salt")
}

func TestVerifyPassword_Malformed(t *testing.T) {
	t.Parallel()

	// All of these are rejected before any hashing, and none is ErrMismatch:
	// a corrupt stored hash is a fault, not a wrong password.
	const salt, key = "WlpaWlpaWlpaWlpaWlpaWg", "AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA"
	tests := map[string]string{
		"Empty":          "",
		"Bcrypt":         "$2a$10$abcdefghijklmnopqrstuuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ01",
		"Argon2i":        "$argon2i$v=19$m=19456,t=2,p=1$" + salt + "$" + key,
		"MissingPart":    "$argon2id$v=19$m=19456,t=2,p=1$" + salt,
		"ExtraPart":      "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key + "$x",
		"OldVersion":     "$argon2id$v=16$m=19456,t=2,p=1$" + salt + "$" + key,
		"NoVersion":      "$argon2id$19$m=19456,t=2,p=1$" + salt + "$" + key,
		"BadParams":      "$argon2id$v=19$m=lots,t=2,p=1$" + salt + "$" + key,
		"ParamsOverflow": "$argon2id$v=19$m=19456,t=2,p=300$" + salt + "$" + key,
		"BadSalt":        "$argon2id$v=19$m=19456,t=2,p=1$not*base64$" + key,
		"BadKey":         "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$not*base64",
		"PaddedKey":      "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$" + key + "=",
		// Out-of-range parameters would make argon2 panic or exhaust memory.
		"EmptyKey":   "$argon2id$v=19$m=19456,t=2,p=1$" + salt + "$",
		"ZeroTime":   "$argon2id$v=19$m=19456,t=0,p=1$" + salt + "$" + key,
		"ZeroLanes":  "$argon2id$v=19$m=19456,t=2,p=0$" + salt + "$" + key,
		"HugeMemory": "$argon2id$v=19$m=4294967295,t=2,p=1$" + salt + "$" + key,
		"ShortSalt":  "$argon2id$v=19$m=19456,t=2,p=1$WlpaWg$" + key,
	}
	for name, hash := range tests {
		t.Run(name, func(t *testing.T) {
			t.Parallel()

			err := secret.VerifyPassword(hash, password)
			require.Error(t, err)
			require.NotErrorIs(t, err, secret.ErrMismatch)
		})
	}
}

func TestCheckPasswordPolicy(t *testing.T) {
	t.Parallel()

	tests := []struct {
		name string
		pw   string
		want string // substring of the reason; empty: accepted
	}{
		{name: "Empty", pw: "", want: "at least 10 characters"},
		{name: "NineChars", pw: "abcdefgh1", want: "at least 10 characters"},
		{name: "TenChars", pw: "abcdefgh12"},
		{name: "RunesNotBytes", pw: strings.Repeat("é", 9), want: "at least 10 characters"},
		{name: "TenRunes", pw: strings.Repeat("é", 10)},
		{name: "Common", pw: "password123", want: "too common"},
		{name: "CommonAnyCase", pw: "PassWord123", want: "too common"},
		{name: "ProductName", pw: "Switchboard", want: "too common"},
		{name: "MaxBytes", pw: strings.Repeat("x", 256)},
		{name: "TooLong", pw: strings.Repeat("x", 257), want: "at most 256 bytes"},
		{name: "TooLongMultibyte", pw: strings.Repeat("é", 129), want: "at most 256 bytes"},
		{name: "Passphrase", pw: password},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			t.Parallel()

			got := secret.CheckPasswordPolicy(tt.pw)
			if tt.want == "" {
				require.Empty(t, got)
				return
			}
			require.Contains(t, got, tt.want)
		})
	}
	require.Contains(t, secret.CheckPasswordPolicy("short"), "10", "the message names MinPasswordLen")
	require.Equal(t, 10, secret.MinPasswordLen)
}

func TestNewToken(t *testing.T) {
	t.Parallel()

	t.Run("PrefixAndShape", func(t *testing.T) {
		t.Parallel()

		tok, err := secret.NewToken(rand.Reader, "sbs")
		require.NoError(t, err)
		require.Regexp(t, `^sbs_[A-Za-z0-9_-]{43}$`, tok.Plain, "prefix, then 32 bytes in unpadded URL-safe base64")
		require.Regexp(t, `^[0-9a-f]{64}$`, tok.Digest)
		require.Equal(t, secret.Digest(tok.Plain), tok.Digest)
		require.NotContains(t, tok.Digest, tok.Plain)
	})

	t.Run("Unique", func(t *testing.T) {
		t.Parallel()

		seen := map[string]bool{}
		for range 100 {
			tok, err := secret.NewToken(rand.Reader, "sbt")
			require.NoError(t, err)
			require.False(t, seen[tok.Plain], "duplicate token %s", tok.Plain)
			seen[tok.Plain] = true
		}
	})

	t.Run("InjectedRandomness", func(t *testing.T) {
		t.Parallel()

		zero := func() *bytes.Reader { return bytes.NewReader(make([]byte, 32)) }
		a, err := secret.NewToken(zero(), "sbt")
		require.NoError(t, err)
		b, err := secret.NewToken(zero(), "sbt")
		require.NoError(t, err)
		require.Equal(t, a, b)
		require.Equal(t, "sbt_"+strings.Repeat("A", 43), a.Plain)

		_, err = secret.NewToken(bytes.NewReader(make([]byte, 31)), "sbt")
		require.Error(t, err, "a short read must fail, not mint a weak token")
	})
}

func TestDigest(t *testing.T) {
	t.Parallel()

	// SHA-256 test vector (FIPS 180-2): the stored form must never change,
	// or every issued token stops matching.
	require.Equal(t, "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad", secret.Digest("abc"))
	require.Equal(t, secret.Digest("sbs_x"), secret.Digest("sbs_x"))
	require.NotEqual(t, secret.Digest("sbs_x"), secret.Digest("sbs_y"))
}

func TestHasherBoundsConcurrency(t *testing.T) {
	t.Parallel()

	h := secret.NewHasher(fixedSalt(), 1)
	hash, err := h.HashPassword(password)
	require.NoError(t, err)

	h.Slots <- struct{}{} // the only slot is taken
	done := make(chan error, 1)
	go func() { done <- h.Verify(hash, password) }()
	select {
	case err := <-done:
		t.Fatalf("Verify ran while no slot was free (err %v)", err)
	case <-time.After(50 * time.Millisecond):
	}
	<-h.Slots // free it
	require.NoError(t, <-done)
}
