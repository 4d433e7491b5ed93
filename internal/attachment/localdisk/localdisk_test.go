package localdisk_test

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"testing/iotest"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/switchboardhq/switchboard/internal/attachment"
	"github.com/switchboardhq/switchboard/internal/attachment/localdisk"
	"github.com/switchboardhq/switchboard/internal/errcode"
)

const tenant = "0190a5e2-7c1b-7d3e-8f00-0123456789ab"

func newStore(t *testing.T) *localdisk.Store {
	t.Helper()
	s, err := localdisk.New(filepath.Join(t.TempDir(), "attachments"))
	require.NoError(t, err)
	return s
}

func hexSHA256(b []byte) string {
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:])
}

// entries lists the names in a directory, or none if it does not exist.
func entries(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	require.NoError(t, err)
	names := []string{}
	for _, de := range des {
		names = append(names, de.Name())
	}
	return names
}

func readAll(t *testing.T, s *localdisk.Store, key string) []byte {
	t.Helper()
	f, size, mod, err := s.Open(t.Context(), key)
	require.NoError(t, err)
	defer f.Close()
	b, err := io.ReadAll(f)
	require.NoError(t, err)
	require.Equal(t, int64(len(b)), size)
	require.False(t, mod.IsZero())
	require.Equal(t, time.UTC, mod.Location())
	return b
}

// endless yields 'x' forever.
type endless struct{}

func (endless) Read(p []byte) (int, error) {
	for i := range p {
		p[i] = 'x'
	}
	return len(p), nil
}

func TestNew(t *testing.T) {
	t.Parallel()

	_, err := localdisk.New("")
	require.Error(t, err)

	root := filepath.Join(t.TempDir(), "data", "attachments")
	s, err := localdisk.New(root)
	require.NoError(t, err)
	require.Equal(t, root, s.Root())
	fi, err := os.Stat(root)
	require.NoError(t, err)
	require.True(t, fi.IsDir())
	require.Zero(t, fi.Mode().Perm()&^0o750, "root is at most 0750")

	_, err = localdisk.New(root)
	require.NoError(t, err, "opening an existing root")
}

func TestRoundTrip(t *testing.T) {
	t.Parallel()

	s := newStore(t)
	data := bytes.Repeat([]byte("0123456789abcdef"), 10_000) // several copy buffers
	key := attachment.Key(tenant, "0190a5e2-7c1b-7d3e-8f00-00000000a001")

	size, sum, err := s.Put(t.Context(), key, bytes.NewReader(data), int64(len(data)))
	require.NoError(t, err)
	require.Equal(t, int64(len(data)), size)
	require.Equal(t, hexSHA256(data), sum)
	require.Equal(t, data, readAll(t, s, key))

	t.Run("Seek", func(t *testing.T) {
		t.Parallel()

		f, _, _, err := s.Open(t.Context(), key)
		require.NoError(t, err)
		defer f.Close()
		_, err = f.Seek(16, io.SeekStart)
		require.NoError(t, err)
		b := make([]byte, 4)
		_, err = io.ReadFull(f, b)
		require.NoError(t, err)
		require.Equal(t, "0123", string(b))
	})

	t.Run("Layout", func(t *testing.T) {
		t.Parallel()

		dir := filepath.Join(s.Root(), tenant)
		require.Equal(t, []string{"0190a5e2-7c1b-7d3e-8f00-00000000a001"}, entries(t, dir), "no temporary file left")
		fi, err := os.Stat(filepath.Join(dir, "0190a5e2-7c1b-7d3e-8f00-00000000a001"))
		require.NoError(t, err)
		require.Equal(t, os.FileMode(0o640), fi.Mode().Perm())
		di, err := os.Stat(dir)
		require.NoError(t, err)
		require.Zero(t, di.Mode().Perm()&^0o750, "tenant directory is at most 0750")
	})
}

func TestPutReplaces(t *testing.T) {
	t.Parallel()

	s := newStore(t)
	key := attachment.Key(tenant, "a1")
	_, _, err := s.Put(t.Context(), key, bytes.NewReader([]byte("first, longer content")), 100)
	require.NoError(t, err)
	_, _, err = s.Put(t.Context(), key, bytes.NewReader([]byte("second")), 100)
	require.NoError(t, err)
	require.Equal(t, "second", string(readAll(t, s, key)))
	require.Equal(t, []string{"a1"}, entries(t, filepath.Join(s.Root(), tenant)))
}

func TestSHA256(t *testing.T) {
	t.Parallel()

	s := newStore(t)
	for _, tc := range []struct{ data, want string }{
		{"", "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"},
		{"abc", "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad"},
	} {
		size, sum, err := s.Put(t.Context(), attachment.Key(tenant, "h"+fmt.Sprint(len(tc.data))), bytes.NewReader([]byte(tc.data)), 10)
		require.NoError(t, err)
		require.Equal(t, int64(len(tc.data)), size)
		require.Equal(t, tc.want, sum)
	}
}

func TestSizeLimit(t *testing.T) {
	t.Parallel()

	const limit = 1000
	data := bytes.Repeat([]byte{0xab}, limit+1)

	t.Run("ExactlyLimit", func(t *testing.T) {
		t.Parallel()

		s := newStore(t)
		key := attachment.Key(tenant, "exact")
		size, sum, err := s.Put(t.Context(), key, bytes.NewReader(data[:limit]), limit)
		require.NoError(t, err)
		require.Equal(t, int64(limit), size)
		require.Equal(t, hexSHA256(data[:limit]), sum)
		require.Equal(t, data[:limit], readAll(t, s, key))
	})

	t.Run("OneOver", func(t *testing.T) {
		t.Parallel()

		s := newStore(t)
		key := attachment.Key(tenant, "over")
		_, _, err := s.Put(t.Context(), key, bytes.NewReader(data), limit)
		require.ErrorIs(t, err, attachment.ErrTooLarge)
		_, _, _, err = s.Open(t.Context(), key)
		require.ErrorIs(t, err, attachment.ErrNotFound)
		require.Empty(t, entries(t, filepath.Join(s.Root(), tenant)), "no file and no temporary file left")
	})

	t.Run("OverDoesNotReplace", func(t *testing.T) {
		t.Parallel()

		s := newStore(t)
		key := attachment.Key(tenant, "kept")
		_, _, err := s.Put(t.Context(), key, bytes.NewReader([]byte("old")), limit)
		require.NoError(t, err)
		_, _, err = s.Put(t.Context(), key, bytes.NewReader(data), limit)
		require.ErrorIs(t, err, attachment.ErrTooLarge)
		require.Equal(t, "old", string(readAll(t, s, key)))
		require.Equal(t, []string{"kept"}, entries(t, filepath.Join(s.Root(), tenant)))
	})

	t.Run("StopsReading", func(t *testing.T) {
		t.Parallel()

		s := newStore(t)
		_, _, err := s.Put(t.Context(), attachment.Key(tenant, "endless"), endless{}, 1<<20)
		require.ErrorIs(t, err, attachment.ErrTooLarge)
		require.Empty(t, entries(t, filepath.Join(s.Root(), tenant)))
	})

	t.Run("ZeroLimit", func(t *testing.T) {
		t.Parallel()

		s := newStore(t)
		_, _, err := s.Put(t.Context(), attachment.Key(tenant, "empty"), bytes.NewReader(nil), 0)
		require.NoError(t, err)
		_, _, err = s.Put(t.Context(), attachment.Key(tenant, "one"), bytes.NewReader([]byte{1}), 0)
		require.ErrorIs(t, err, attachment.ErrTooLarge)
	})

	t.Run("NegativeLimit", func(t *testing.T) {
		t.Parallel()

		s := newStore(t)
		_, _, err := s.Put(t.Context(), attachment.Key(tenant, "neg"), bytes.NewReader(nil), -1)
		require.Error(t, err)
		require.Empty(t, entries(t, filepath.Join(s.Root(), tenant)))
	})
}

func TestPutFailureLeavesNothing(t *testing.T) {
	t.Parallel()

	t.Run("ReaderError", func(t *testing.T) {
		t.Parallel()

		s := newStore(t)
		boom := errors.New("connection reset")
		r := io.MultiReader(bytes.NewReader(make([]byte, 5000)), iotest.ErrReader(boom))
		_, _, err := s.Put(t.Context(), attachment.Key(tenant, "broken"), r, 1<<20)
		require.ErrorIs(t, err, boom)
		require.Empty(t, entries(t, filepath.Join(s.Root(), tenant)))
	})

	t.Run("Cancelled", func(t *testing.T) {
		t.Parallel()

		s := newStore(t)
		ctx, cancel := context.WithCancel(t.Context())
		cancel()
		_, _, err := s.Put(ctx, attachment.Key(tenant, "cancelled"), bytes.NewReader([]byte("x")), 10)
		require.ErrorIs(t, err, context.Canceled)
		require.Empty(t, entries(t, filepath.Join(s.Root(), tenant)))
	})

	t.Run("CancelledWhileReading", func(t *testing.T) {
		t.Parallel()

		s := newStore(t)
		ctx, cancel := context.WithCancel(t.Context())
		r := io.MultiReader(bytes.NewReader(make([]byte, 100)), readFunc(func([]byte) (int, error) {
			cancel()
			return 0, nil
		}), endless{})
		_, _, err := s.Put(ctx, attachment.Key(tenant, "midway"), r, 1<<30)
		require.ErrorIs(t, err, context.Canceled)
		require.Empty(t, entries(t, filepath.Join(s.Root(), tenant)))
	})
}

type readFunc func([]byte) (int, error)

func (f readFunc) Read(p []byte) (int, error) { return f(p) }

func TestBadKeys(t *testing.T) {
	t.Parallel()

	parent := t.TempDir()
	s, err := localdisk.New(filepath.Join(parent, "attachments"))
	require.NoError(t, err)
	// A victim file beside the root that traversal would reach.
	require.NoError(t, os.WriteFile(filepath.Join(parent, "secret"), []byte("s"), 0o600))

	for _, key := range []string{
		"", "a", "/", tenant, tenant + "/", "/" + tenant, "/etc/passwd", "../secret", "../attachments/x",
		tenant + "/../../secret", tenant + "/..", "../" + tenant, tenant + "/a/b", tenant + "//a", "./a",
		tenant + "/.tmp-a", tenant + "/a.txt", tenant + `\a`, `..\secret`, tenant + "/a\x00", "租户/a",
	} {
		_, _, err := s.Put(t.Context(), key, bytes.NewReader([]byte("x")), 10)
		require.ErrorIs(t, err, attachment.ErrInvalidKey, "Put %q", key)
		_, _, _, err = s.Open(t.Context(), key)
		require.ErrorIs(t, err, attachment.ErrInvalidKey, "Open %q", key)
		require.ErrorIs(t, s.Delete(t.Context(), key), attachment.ErrInvalidKey, "Delete %q", key)
	}
	require.ElementsMatch(t, []string{"attachments", "secret"}, entries(t, parent))
	require.Empty(t, entries(t, s.Root()))
	b, err := os.ReadFile(filepath.Join(parent, "secret"))
	require.NoError(t, err)
	require.Equal(t, "s", string(b))
}

func TestOpenUnknown(t *testing.T) {
	t.Parallel()

	s := newStore(t)
	_, _, err := s.Put(t.Context(), attachment.Key(tenant, "known"), bytes.NewReader([]byte("x")), 10)
	require.NoError(t, err)

	for _, key := range []string{attachment.Key(tenant, "unknown"), attachment.Key("other-tenant", "known")} {
		f, _, _, err := s.Open(t.Context(), key)
		require.ErrorIs(t, err, attachment.ErrNotFound, key)
		require.True(t, errcode.Has(err, errcode.NotFound))
		require.Nil(t, f)
	}
}

func TestDelete(t *testing.T) {
	t.Parallel()

	s := newStore(t)
	key := attachment.Key(tenant, "gone")
	_, _, err := s.Put(t.Context(), key, bytes.NewReader([]byte("x")), 10)
	require.NoError(t, err)

	require.NoError(t, s.Delete(t.Context(), key))
	_, _, _, err = s.Open(t.Context(), key)
	require.ErrorIs(t, err, attachment.ErrNotFound)
	require.NoError(t, s.Delete(t.Context(), key), "deleting twice")
	require.NoError(t, s.Delete(t.Context(), attachment.Key("no-such-tenant", "x")), "unknown tenant")
	require.Empty(t, entries(t, filepath.Join(s.Root(), tenant)))
}

func TestDeleteWhileOpen(t *testing.T) {
	t.Parallel()

	s := newStore(t)
	key := attachment.Key(tenant, "served")
	_, _, err := s.Put(t.Context(), key, bytes.NewReader([]byte("still readable")), 100)
	require.NoError(t, err)
	f, _, _, err := s.Open(t.Context(), key)
	require.NoError(t, err)
	defer f.Close()
	require.NoError(t, s.Delete(t.Context(), key))
	b, err := io.ReadAll(f)
	require.NoError(t, err)
	require.Equal(t, "still readable", string(b), "an open reader keeps working (POSIX)")
}

func TestConcurrentPuts(t *testing.T) {
	t.Parallel()

	s := newStore(t)
	const n = 64
	key := func(i int) string { return attachment.Key(fmt.Sprintf("tenant-%d", i%4), fmt.Sprintf("att-%03d", i)) }
	body := func(i int) []byte { return bytes.Repeat([]byte(fmt.Sprintf("blob %d;", i)), 1000+i) }

	errs := make([]error, n)
	sums := make([]string, n)
	var wg sync.WaitGroup
	for i := range n {
		wg.Go(func() {
			_, sums[i], errs[i] = s.Put(t.Context(), key(i), bytes.NewReader(body(i)), 1<<20)
		})
	}
	wg.Wait()

	for i := range n {
		require.NoError(t, errs[i], key(i))
		require.Equal(t, hexSHA256(body(i)), sums[i], key(i))
		require.Equal(t, body(i), readAll(t, s, key(i)), key(i))
	}
	for tn := range 4 {
		require.Len(t, entries(t, filepath.Join(s.Root(), fmt.Sprintf("tenant-%d", tn))), n/4, "no temporary files left")
	}
}

func TestTenantDirectoryRemoved(t *testing.T) {
	t.Parallel()

	s := newStore(t)
	_, _, err := s.Put(t.Context(), attachment.Key(tenant, "a"), bytes.NewReader([]byte("x")), 10)
	require.NoError(t, err)
	require.NoError(t, os.RemoveAll(filepath.Join(s.Root(), tenant)))
	_, _, err = s.Put(t.Context(), attachment.Key(tenant, "b"), bytes.NewReader([]byte("y")), 10)
	require.NoError(t, err, "the directory is created again")
	require.Equal(t, "y", string(readAll(t, s, attachment.Key(tenant, "b"))))
}
