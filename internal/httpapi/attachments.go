package httpapi

import (
	"context"
	"errors"
	"io"
	"mime"
	"net/http"

	"github.com/switchboardhq/switchboard/internal/attachment"
	"github.com/switchboardhq/switchboard/internal/customer"
	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/permission"
)

// Uploads are read as a multipart stream, not through the OpenAPI body
// validator, so a 10 MiB file is never held in memory twice.

type attachmentJSON struct {
	ID          string `json:"id"`
	Name        string `json:"name"`
	ContentType string `json:"content_type"`
	Size        int64  `json:"size"`
}

func attachmentOut(a *attachment.Attachment) attachmentJSON {
	return attachmentJSON{ID: a.ID, Name: a.Name, ContentType: a.ContentType, Size: a.Size}
}

// filePart returns the multipart part named "file" and any
// "conversation_id" field before it.
func filePart(r *http.Request) (io.Reader, string, string, error) {
	if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "multipart/form-data" {
		return nil, "", "", errcode.New(errcode.InvalidRequest, "upload the file as multipart/form-data with a part named file")
	}
	mr, err := r.MultipartReader()
	if err != nil {
		return nil, "", "", errcode.Wrap(errcode.InvalidRequest, "the multipart body is malformed", err)
	}
	conversationID := ""
	for {
		part, err := mr.NextPart()
		if errors.Is(err, io.EOF) {
			return nil, "", "", errcode.New(errcode.ValidationFailed, "the upload has no part named file").
				WithDetails(errcode.Detail{Field: "file", Message: "required"})
		}
		if err != nil {
			return nil, "", "", errcode.Wrap(errcode.InvalidRequest, "the multipart body is malformed", err)
		}
		switch part.FormName() {
		case "conversation_id":
			b, _ := io.ReadAll(io.LimitReader(part, 100))
			conversationID = string(b)
		case "file":
			return part, part.FileName(), conversationID, nil
		}
	}
}

func (h *Handler) uploadAgentAttachment(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	c, err := h.d.Conversations.Get(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	body, name, _, err := filePart(r)
	if err != nil {
		return err
	}
	a, err := h.d.Attachments.Upload(r.Context(), &attachment.UploadParams{TenantID: p.TenantID, InboxID: c.InboxID,
		ConversationID: c.ID, UploaderType: attachment.UploaderAgent, UploaderID: p.UserID, Name: name, Body: body})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, attachmentOut(a))
	return nil
}

func (h *Handler) getAgentAttachment(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	a, err := h.d.Attachments.Get(r.Context(), p.TenantID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if _, err := h.d.Conversations.Get(r.Context(), p, a.ConversationID); err != nil {
		return attachment.ErrNotFound // not visible: as if it did not exist
	}
	return h.serveAttachment(w, r, a, "same-origin")
}

func (h *Handler) uploadWidgetAttachment(w http.ResponseWriter, r *http.Request, _ *permission.Principal) error {
	v, err := h.d.Webchat.Visitor(r.Context(), r.PathValue("key"), r.Header.Get("X-Visitor-Token"))
	if err != nil {
		return err
	}
	body, name, conversationID, err := filePart(r)
	if err != nil {
		return err
	}
	if conversationID == "" && v.Conversation != nil {
		conversationID = v.Conversation.ID
	}
	c, err := h.d.Conversations.GetForCustomer(r.Context(), v.Inbox.TenantID, v.Customer.ID, conversationID)
	if err != nil {
		return err
	}
	a, err := h.d.Attachments.Upload(r.Context(), &attachment.UploadParams{TenantID: c.TenantID, InboxID: c.InboxID,
		ConversationID: c.ID, UploaderType: attachment.UploaderVisitor, UploaderID: v.Customer.ID, Name: name, Body: body})
	if err != nil {
		return err
	}
	writeJSON(w, http.StatusCreated, attachmentOut(a))
	return nil
}

func (h *Handler) getWidgetAttachment(w http.ResponseWriter, r *http.Request, _ *permission.Principal) error {
	v, err := h.d.Webchat.Visitor(r.Context(), r.PathValue("key"), r.URL.Query().Get("visitor_token"))
	if err != nil {
		return err
	}
	a, err := h.d.Attachments.Get(r.Context(), v.Inbox.TenantID, r.PathValue("id"))
	if err != nil {
		return err
	}
	if !h.visitorMaySee(r.Context(), v.Inbox.TenantID, v.Customer.ID, a) {
		return attachment.ErrNotFound
	}
	// The widget shows images from the customer's site: allow that origin
	// to load it, nothing else.
	return h.serveAttachment(w, r, a, "cross-origin")
}

// visitorMaySee: the file is in one of the visitor's conversations, and
// either they uploaded it or it was sent in a message they could see.
func (h *Handler) visitorMaySee(ctx context.Context, tenantID, customerID string, a *attachment.Attachment) bool {
	if _, err := h.d.Conversations.GetForCustomer(ctx, tenantID, customerID, a.ConversationID); err != nil {
		return false
	}
	return (a.UploaderType == attachment.UploaderVisitor && a.UploaderID == customerID) || a.Shared
}

// serveAttachment sends a file with a passive type: active content (HTML,
// SVG, scripts) is always a download, never rendered in our origin.
func (h *Handler) serveAttachment(w http.ResponseWriter, r *http.Request, a *attachment.Attachment, corp string) error {
	blob, mod, err := h.d.Attachments.Open(r.Context(), a)
	if err != nil {
		return err
	}
	defer blob.Close()
	ct, inline := attachment.SafeServeType(a.ContentType)
	hd := w.Header()
	hd.Set("Content-Type", ct)
	hd.Set("Content-Disposition", attachment.ContentDisposition(a.Name, inline))
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Content-Security-Policy", "default-src 'none'; img-src 'self'; media-src 'self'; sandbox")
	hd.Set("Cross-Origin-Resource-Policy", corp)
	hd.Set("Cache-Control", "private, max-age=3600")
	http.ServeContent(w, r, "", mod, blob)
	return nil
}

// bodyLimit is the size cap of a request body: uploads get the attachment
// limit, a customer import the import's, plus room for the multipart
// framing.
func (h *Handler) bodyLimit(op *operation) int64 {
	if op.csv {
		return customer.MaxImportBytes + 64<<10
	}
	if op.upload && h.d.Attachments != nil {
		return h.d.AttachmentLimit + 64<<10
	}
	return h.d.MaxBodyBytes
}
