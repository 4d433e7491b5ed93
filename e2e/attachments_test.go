package e2e_test

import (
	"bytes"
	"context"
	"encoding/json"
	"io"
	"mime/multipart"
	"net/http"
	"strings"
	"testing"

	"github.com/stretchr/testify/require"
)

// png is a valid 1×1 PNG.
var png = []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x00\x01\x00\x00\x00\x01\x08\x06\x00\x00\x00\x1f\x15\xc4\x89\x00\x00\x00\rIDATx\x9cc\xf8\xcf\xc0\xf0\x1f\x00\x05\x00\x01\xff\x89\x99=\x1d\x00\x00\x00\x00IEND\xaeB`\x82")

// upload posts a multipart file and returns the status and decoded body.
func (n *node) upload(path string, hdr map[string]string, name string, content []byte) (int, map[string]any) {
	n.t.Helper()
	var buf bytes.Buffer
	mw := multipart.NewWriter(&buf)
	fw, err := mw.CreateFormFile("file", name)
	require.NoError(n.t, err)
	_, err = fw.Write(content)
	require.NoError(n.t, err)
	require.NoError(n.t, mw.Close())
	req, err := http.NewRequestWithContext(context.Background(), http.MethodPost, n.base+path, &buf)
	require.NoError(n.t, err)
	req.Header.Set("Content-Type", mw.FormDataContentType())
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	res, err := http.DefaultClient.Do(req)
	require.NoError(n.t, err)
	defer res.Body.Close()
	var out map[string]any
	b, _ := io.ReadAll(res.Body)
	_ = json.Unmarshal(b, &out)
	return res.StatusCode, out
}

func TestAttachments(t *testing.T) {
	t.Parallel()
	engines(t, func(t *testing.T, engine string) {
		n := start(t, engine)
		f := n.tenant("Files")
		ib := n.inbox(f, nil)
		s := n.session(t, ib.Key, nil)
		v, _, err := n.dialVisitor(t, ib.Key, s.VisitorToken, nil)
		require.NoError(t, err)
		v.next("hello")
		agent := n.dialAgent(t, f.Admin.Token)

		status, att := n.upload("/api/v1/widget/"+ib.Key+"/attachments", map[string]string{"X-Visitor-Token": s.VisitorToken}, "../../photo.png", png)
		require.Equal(t, 201, status, "%v", att)
		require.Equal(t, "image/png", att["content_type"])
		require.Equal(t, "photo.png", att["name"], "path parts are stripped")
		v.send(map[string]any{"type": "message", "conversation_id": s.ConversationID, "client_id": "file-msg-01", "text": "", "attachment_ids": []string{att["id"].(string)}})
		require.Equal(t, "ack", v.nextOf("ack", "error")["type"])
		got := agent.next("message")
		atts := msgOf(got)["attachments"].([]any)
		require.Len(t, atts, 1)
		require.Equal(t, att["id"], atts[0].(map[string]any)["id"])

		code, hdr, body := n.raw("GET", "/api/v1/attachments/"+att["id"].(string), f.Admin.Token, "", nil)
		require.Equal(t, 200, code)
		require.Equal(t, png, body)
		require.Equal(t, "image/png", hdr.Get("Content-Type"))
		require.Equal(t, "nosniff", hdr.Get("X-Content-Type-Options"))
		code, _, body = n.raw("GET", "/api/v1/widget/"+ib.Key+"/attachments/"+att["id"].(string)+"?visitor_token="+s.VisitorToken, "", "", nil)
		require.Equal(t, 200, code)
		require.Equal(t, png, body)

		v.send(map[string]any{"type": "message", "conversation_id": s.ConversationID, "client_id": "file-msg-02", "text": "again", "attachment_ids": []string{att["id"].(string)}})
		require.Equal(t, "unknown_attachment", v.nextOf("ack", "error")["code"], "an attachment is sent once")

		// Active content is stored, but never rendered in our origin.
		status, html := n.upload("/api/v1/conversations/"+s.ConversationID+"/attachments", map[string]string{"Authorization": "Bearer " + f.Admin.Token},
			"page.html", []byte("<html><script>alert(1)</script></html>"))
		require.Equal(t, 201, status, "%v", html)
		code, hdr, _ = n.raw("GET", "/api/v1/attachments/"+html["id"].(string), f.Admin.Token, "", nil)
		require.Equal(t, 200, code)
		require.Equal(t, "application/octet-stream", hdr.Get("Content-Type"))
		require.True(t, strings.HasPrefix(hdr.Get("Content-Disposition"), "attachment"), hdr.Get("Content-Disposition"))
		require.Contains(t, hdr.Get("Content-Security-Policy"), "sandbox")

		// A private note's file stays internal.
		status, secret := n.upload("/api/v1/conversations/"+s.ConversationID+"/attachments", map[string]string{"Authorization": "Bearer " + f.Admin.Token}, "notes.txt", []byte("internal notes"))
		require.Equal(t, 201, status)
		agent.send(map[string]any{"type": "message", "conversation_id": s.ConversationID, "client_id": "file-note-1", "text": "see file", "private": true, "attachment_ids": []string{secret["id"].(string)}})
		require.Equal(t, "ack", agent.nextOf("ack", "error")["type"])
		code, _, _ = n.raw("GET", "/api/v1/widget/"+ib.Key+"/attachments/"+secret["id"].(string)+"?visitor_token="+s.VisitorToken, "", "", nil)
		require.Equal(t, 404, code, "the visitor cannot fetch a private note's file")
		code, _, _ = n.raw("GET", "/api/v1/widget/"+ib.Key+"/attachments/"+html["id"].(string)+"?visitor_token="+s.VisitorToken, "", "", nil)
		require.Equal(t, 404, code, "nor an agent's file that was never sent")

		other := n.session(t, ib.Key, nil)
		code, _, _ = n.raw("GET", "/api/v1/widget/"+ib.Key+"/attachments/"+att["id"].(string)+"?visitor_token="+other.VisitorToken, "", "", nil)
		require.Equal(t, 404, code, "another visitor cannot fetch it")

		status, e := n.upload("/api/v1/widget/"+ib.Key+"/attachments", map[string]string{"X-Visitor-Token": s.VisitorToken}, "big.bin", make([]byte, 10<<20+1))
		require.Equal(t, 413, status, "%v", e)
		require.Equal(t, "attachment_too_large", e["error"].(map[string]any)["code"])
		status, e = n.upload("/api/v1/widget/"+ib.Key+"/attachments", map[string]string{"X-Visitor-Token": "sbv_forged"}, "x.png", png)
		require.Equal(t, 401, status, "%v", e)
	})
}
