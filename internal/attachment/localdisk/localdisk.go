// Package localdisk is the attachment.BlobStore on the local file system: one
// file per attachment at <root>/<tenant_id>/<attachment_id>, where root is
// normally the data directory's "attachments" subdirectory.
//
// A Put writes to a temporary file in the tenant's directory, fsyncs it,
// renames it into place and fsyncs the directory, so a blob is either absent
// or complete, and durable once Put returns. Temporary files start with a dot,
// which no key can, so a crash can leave one behind but never expose it.
package localdisk

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"time"

	"github.com/switchboardhq/switchboard/internal/attachment"
)

// Permissions of what the store creates (before the umask for directories).
const (
	dirPerm  fs.FileMode = 0o750
	filePerm fs.FileMode = 0o640
)

// tempPrefix starts every temporary file name.
const tempPrefix = ".tmp-"

// Store keeps blobs below a root directory. It is safe for concurrent use.
type Store struct {
	root string
	// synced holds the tenant directories this process created or found and
	// whose entry in root it has fsynced.
	synced sync.Map
}

var _ attachment.BlobStore = (*Store)(nil)

// New returns a Store rooted at root, creating the directory (mode 0750) if
// needed.
func New(root string) (*Store, error) {
	if root == "" {
		return nil, errors.New("localdisk: empty root directory")
	}
	root, err := filepath.Abs(root)
	if err != nil {
		return nil, fmt.Errorf("localdisk: root: %w", err)
	}
	if err := os.MkdirAll(root, dirPerm); err != nil {
		return nil, fmt.Errorf("localdisk: create root: %w", err)
	}
	if err := syncDir(filepath.Dir(root)); err != nil {
		return nil, fmt.Errorf("localdisk: sync root's parent: %w", err)
	}
	return &Store{root: root}, nil
}

// Root returns the store's root directory.
func (s *Store) Root() string { return s.root }

// path returns the file of a valid key.
func (s *Store) path(key string) (dir, file string, err error) {
	if err := attachment.CheckKey(key); err != nil {
		return "", "", err
	}
	tenant, id, _ := strings.Cut(key, "/")
	dir = filepath.Join(s.root, tenant)
	return dir, filepath.Join(dir, id), nil
}

// Put implements attachment.BlobStore.
func (s *Store) Put(ctx context.Context, key string, r io.Reader, limit int64) (size int64, sum string, err error) {
	dir, file, err := s.path(key)
	if err != nil {
		return 0, "", err
	}
	if limit < 0 {
		return 0, "", fmt.Errorf("localdisk: put %s: negative limit %d", key, limit)
	}
	if err := ctx.Err(); err != nil {
		return 0, "", err
	}
	tmp, err := s.createTemp(dir, filepath.Base(file))
	if err != nil {
		return 0, "", fmt.Errorf("localdisk: put %s: %w", key, err)
	}
	defer func() {
		if err != nil {
			_ = tmp.Close()
			_ = os.Remove(tmp.Name())
		}
	}()

	h := sha256.New()
	// Read one byte past the limit to tell "exactly limit" from "more".
	n, err := io.Copy(io.MultiWriter(tmp, h), io.LimitReader(ctxReader{ctx, r}, limit+1))
	if err != nil {
		return 0, "", fmt.Errorf("localdisk: put %s: %w", key, err)
	}
	if n > limit {
		return 0, "", attachment.ErrTooLarge
	}
	if err = tmp.Chmod(filePerm); err != nil {
		return 0, "", fmt.Errorf("localdisk: put %s: %w", key, err)
	}
	if err = tmp.Sync(); err != nil {
		return 0, "", fmt.Errorf("localdisk: put %s: sync: %w", key, err)
	}
	if err = tmp.Close(); err != nil {
		return 0, "", fmt.Errorf("localdisk: put %s: %w", key, err)
	}
	if err = ctx.Err(); err != nil {
		return 0, "", err
	}
	if err = os.Rename(tmp.Name(), file); err != nil {
		return 0, "", fmt.Errorf("localdisk: put %s: %w", key, err)
	}
	// From here the blob is in place; a failed directory sync means it may
	// not survive a power loss, so report it and let the caller retry.
	if err := syncDir(dir); err != nil {
		return 0, "", fmt.Errorf("localdisk: put %s: sync directory: %w", key, err)
	}
	return n, hex.EncodeToString(h.Sum(nil)), nil
}

// createTemp creates a temporary file for blob id in dir, creating dir if
// needed. If dir was removed behind the store's back (say, by an operator
// cleaning up a deleted tenant), it is created again.
func (s *Store) createTemp(dir, id string) (*os.File, error) {
	for attempt := 0; ; attempt++ {
		if err := s.ensureDir(dir); err != nil {
			return nil, err
		}
		f, err := os.CreateTemp(dir, tempPrefix+id+"-*")
		if errors.Is(err, fs.ErrNotExist) && attempt == 0 {
			s.synced.Delete(dir)
			continue
		}
		return f, err
	}
}

// ensureDir creates a tenant directory and makes its entry in root durable,
// once per directory and process.
func (s *Store) ensureDir(dir string) error {
	if _, ok := s.synced.Load(dir); ok {
		return nil
	}
	if err := os.Mkdir(dir, dirPerm); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("create directory: %w", err)
	}
	// Sync even when the directory existed: another goroutine, or a run
	// that crashed, may have created it without syncing yet.
	if err := syncDir(s.root); err != nil {
		return fmt.Errorf("sync root: %w", err)
	}
	s.synced.Store(dir, struct{}{})
	return nil
}

// Open implements attachment.BlobStore.
func (s *Store) Open(ctx context.Context, key string) (io.ReadSeekCloser, int64, time.Time, error) {
	_, file, err := s.path(key)
	if err != nil {
		return nil, 0, time.Time{}, err
	}
	if err := ctx.Err(); err != nil {
		return nil, 0, time.Time{}, err
	}
	f, err := os.Open(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, 0, time.Time{}, attachment.ErrNotFound
	}
	if err != nil {
		return nil, 0, time.Time{}, fmt.Errorf("localdisk: open %s: %w", key, err)
	}
	fi, err := f.Stat()
	if err != nil {
		_ = f.Close()
		return nil, 0, time.Time{}, fmt.Errorf("localdisk: open %s: %w", key, err)
	}
	if !fi.Mode().IsRegular() {
		_ = f.Close()
		return nil, 0, time.Time{}, attachment.ErrNotFound
	}
	return f, fi.Size(), fi.ModTime().UTC(), nil
}

// Delete implements attachment.BlobStore.
func (s *Store) Delete(ctx context.Context, key string) error {
	dir, file, err := s.path(key)
	if err != nil {
		return err
	}
	if err := ctx.Err(); err != nil {
		return err
	}
	err = os.Remove(file)
	if errors.Is(err, fs.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("localdisk: delete %s: %w", key, err)
	}
	// A deleted file must stay deleted after a power loss.
	if err := syncDir(dir); err != nil {
		return fmt.Errorf("localdisk: delete %s: sync directory: %w", key, err)
	}
	return nil
}

// syncDir fsyncs a directory so that entries created, renamed or removed in
// it are durable.
func syncDir(dir string) error {
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	err = d.Sync()
	if cerr := d.Close(); err == nil {
		err = cerr
	}
	return err
}

// ctxReader stops reading once its context is done, so a cancelled upload
// does not keep writing.
type ctxReader struct {
	ctx context.Context
	r   io.Reader
}

func (c ctxReader) Read(p []byte) (int, error) {
	if err := c.ctx.Err(); err != nil {
		return 0, err
	}
	return c.r.Read(p)
}
