package store

import (
	"context"

	"github.com/switchboardhq/switchboard/internal/attachment"
)

type attachmentQueries struct {
	Insert string `query:"AttachmentInsert"`
	Get    string `query:"AttachmentGet"`
}

// Attachments implements attachment.Store.
type Attachments struct {
	c conn
	q *attachmentQueries
}

var _ attachment.Store = (*Attachments)(nil)

// Create implements attachment.Store.
func (s *Attachments) Create(ctx context.Context, a *attachment.Attachment) error {
	_, err := s.c.write().Exec(ctx, s.q.Insert, a.ID, a.TenantID, a.InboxID, a.ConversationID, string(a.UploaderType),
		a.UploaderID, a.Name, a.ContentType, a.Size, a.SHA256, ms(a.CreatedAt))
	return wrap("create attachment", err)
}

// Get implements attachment.Store.
func (s *Attachments) Get(ctx context.Context, tenantID, id string) (*attachment.Attachment, error) {
	var a attachment.Attachment
	var uploader string
	var created int64
	err := s.c.read().QueryRow(ctx, s.q.Get, tenantID, id).Scan(&a.ID, &a.TenantID, &a.InboxID, &a.ConversationID,
		&uploader, &a.UploaderID, &a.Name, &a.ContentType, &a.Size, &a.SHA256, &a.MessageID, &a.Shared, &created)
	if err != nil {
		return nil, wrap("get attachment", notFound(err, attachment.ErrNotFound))
	}
	a.UploaderType, a.CreatedAt = attachment.UploaderType(uploader), fromMS(created)
	return &a, nil
}
