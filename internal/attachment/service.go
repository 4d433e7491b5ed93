package attachment

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"time"
)

// Service stores uploads: it sniffs the type from the bytes, applies the
// policy, writes the blob durably and then records it.
type Service struct {
	cfg ServiceConfig
}

// ServiceConfig wires a Service.
type ServiceConfig struct {
	Store  Store
	Blobs  BlobStore
	Policy Policy
	Now    func() time.Time
	NewID  func() string
}

// NewService returns a Service.
func NewService(cfg ServiceConfig) *Service { return &Service{cfg: cfg} }

// UploadParams describe one upload into a conversation.
type UploadParams struct {
	TenantID       string
	InboxID        string
	ConversationID string
	UploaderType   UploaderType
	UploaderID     string
	Name           string
	Body           io.Reader
}

// Upload stores a file. The bytes are durable before the record exists, so
// a recorded attachment always has its content.
func (s *Service) Upload(ctx context.Context, p *UploadParams) (*Attachment, error) {
	head := make([]byte, SniffLen)
	n, err := io.ReadFull(p.Body, head)
	if err != nil && !errors.Is(err, io.ErrUnexpectedEOF) && !errors.Is(err, io.EOF) {
		return nil, fmt.Errorf("attachment: read upload: %w", err)
	}
	head = head[:n]
	name := SanitizeName(p.Name)
	ct := Sniff(head, name)
	if err := s.cfg.Policy.Check(ct); err != nil {
		return nil, err
	}
	a := &Attachment{ID: s.cfg.NewID(), TenantID: p.TenantID, InboxID: p.InboxID, ConversationID: p.ConversationID,
		UploaderType: p.UploaderType, UploaderID: p.UploaderID, Name: name, ContentType: ct, CreatedAt: s.cfg.Now()}
	a.Size, a.SHA256, err = s.cfg.Blobs.Put(ctx, a.Key(), io.MultiReader(bytes.NewReader(head), p.Body), s.cfg.Policy.Limit())
	if err != nil {
		return nil, err
	}
	if err := s.cfg.Store.Create(ctx, a); err != nil {
		_ = s.cfg.Blobs.Delete(context.WithoutCancel(ctx), a.Key())
		return nil, err
	}
	return a, nil
}

// Get returns an attachment's record.
func (s *Service) Get(ctx context.Context, tenantID, id string) (*Attachment, error) {
	return s.cfg.Store.Get(ctx, tenantID, id)
}

// Open returns an attachment's content.
func (s *Service) Open(ctx context.Context, a *Attachment) (io.ReadSeekCloser, time.Time, error) {
	blob, _, mod, err := s.cfg.Blobs.Open(ctx, a.Key())
	return blob, mod, err
}
