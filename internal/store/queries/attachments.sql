-- name: AttachmentInsert
INSERT INTO attachments (id, tenant_id, inbox_id, conversation_id, uploader_type, uploader_id, name, content_type, size,
                         sha256, created_at)
VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11);

-- name: AttachmentGet
SELECT id, tenant_id, inbox_id, conversation_id, uploader_type, uploader_id, name, content_type, size, sha256,
       message_id, shared, created_at
FROM attachments WHERE tenant_id = $1 AND id = $2;
