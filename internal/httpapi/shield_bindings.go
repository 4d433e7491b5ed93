package httpapi

import (
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/skip2/go-qrcode"

	"github.com/switchboardhq/switchboard/internal/errcode"
	"github.com/switchboardhq/switchboard/internal/permission"
	"github.com/switchboardhq/switchboard/internal/pii"
	"github.com/switchboardhq/switchboard/internal/shield"
)

type bindingIn struct {
	Type           shield.BindingType `json:"type"`
	A              string             `json:"a"`
	X              string             `json:"x"`
	B              *string            `json:"b"`
	ExpiresIn      *int64             `json:"expires_in"`
	ExpiresAt      *time.Time         `json:"expires_at"`
	Record         *bool              `json:"record"`
	ExternalID     *string            `json:"external_id"`
	Direction      *shield.Direction  `json:"direction"`
	AllowedCallers *[]string          `json:"allowed_callers"`
}

func (in *bindingIn) params() *shield.BindingParams {
	return &shield.BindingParams{Type: in.Type, A: in.A, X: in.X, B: in.B, ExpiresIn: in.ExpiresIn, ExpiresAt: in.ExpiresAt,
		Record: in.Record, ExternalID: in.ExternalID, Direction: in.Direction, AllowedCallers: in.AllowedCallers}
}

// bindingView masks the parties' numbers for callers without pii.reveal;
// X is the tenant's own virtual number and stays.
func bindingView(p *permission.Principal, b *shield.Binding) *shield.Binding {
	if b == nil || p.Can(permission.PIIReveal) {
		return b
	}
	v := *b
	v.A, v.B = pii.MaskPhone(b.A), pii.MaskPhone(b.B)
	v.AllowedCallers = make([]string, len(b.AllowedCallers))
	for i, c := range b.AllowedCallers {
		v.AllowedCallers[i] = pii.MaskPhone(c)
	}
	return &v
}

func (h *Handler) createBinding(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in bindingIn
	if err := decode(r, &in); err != nil {
		return err
	}
	b, err := h.d.Shield.CreateBinding(r.Context(), p, in.params())
	return respond(w, http.StatusCreated, bindingView(p, b), err)
}

func (h *Handler) listBindings(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	limit, after, err := pageParams(r)
	if err != nil {
		return err
	}
	bs, err := h.d.Shield.Bindings(r.Context(), p, r.URL.Query().Get("live") == "true", after, limit+1)
	for i := range bs {
		bs[i] = bindingView(p, bs[i])
	}
	return respond(w, http.StatusOK, newPage(bs, limit, func(b *shield.Binding) string { return b.ID }), err)
}

func (h *Handler) getBinding(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	b, err := h.d.Shield.Binding(r.Context(), p, r.PathValue("id"))
	return respond(w, http.StatusOK, bindingView(p, b), err)
}

func (h *Handler) updateBinding(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in bindingIn
	if err := decode(r, &in); err != nil {
		return err
	}
	b, err := h.d.Shield.UpdateBinding(r.Context(), p, r.PathValue("id"), in.params())
	return respond(w, http.StatusOK, bindingView(p, b), err)
}

func (h *Handler) deleteBinding(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	return respondEmpty(w, h.d.Shield.DeleteBinding(r.Context(), p, r.PathValue("id")))
}

func (h *Handler) reportBindingCall(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in struct {
		Type   string `json:"type"`
		CallID string `json:"call_id"`
		Cause  string `json:"cause"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	return respondEmpty(w, h.d.Shield.ReportCall(r.Context(), p, r.PathValue("id"),
		&shield.CallEventParams{Type: in.Type, CallID: in.CallID, Cause: in.Cause}))
}

// createQRBinding creates a scan-to-call binding. With ?format=png or svg
// the answer is the QR code itself (the binding's ID in the Location
// header); without, the binding as JSON.
func (h *Handler) createQRBinding(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	var in struct {
		A          string  `json:"a"`
		ExpiresIn  *int64  `json:"expires_in"`
		Record     *bool   `json:"record"`
		ExternalID *string `json:"external_id"`
	}
	if err := decode(r, &in); err != nil {
		return err
	}
	b, err := h.d.Shield.CreateQRBinding(r.Context(), p, &shield.QRParams{A: in.A, ExpiresIn: in.ExpiresIn,
		Record: in.Record, ExternalID: in.ExternalID})
	if err != nil {
		return err
	}
	w.Header().Set("Location", "/api/v1/shield/bindings/"+b.ID)
	if format := r.URL.Query().Get("format"); format != "" {
		return writeQR(w, http.StatusCreated, format, b.X)
	}
	writeJSON(w, http.StatusCreated, bindingView(p, b))
	return nil
}

// bindingQR renders a binding's QR code: tel:X, which a phone's camera
// offers to call.
func (h *Handler) bindingQR(w http.ResponseWriter, r *http.Request, p *permission.Principal) error {
	b, err := h.d.Shield.Binding(r.Context(), p, r.PathValue("id"))
	if err != nil {
		return err
	}
	format := r.URL.Query().Get("format")
	if format == "" {
		format = "png"
	}
	return writeQR(w, http.StatusOK, format, b.X)
}

// qrPixels is the PNG's width and height.
const qrPixels = 256

func writeQR(w http.ResponseWriter, status int, format, x string) error {
	q, err := qrcode.New("tel:"+x, qrcode.Medium)
	if err != nil {
		return fmt.Errorf("qr code: %w", err)
	}
	var body []byte
	switch format {
	case "png":
		if body, err = q.PNG(qrPixels); err != nil {
			return fmt.Errorf("qr code: %w", err)
		}
		w.Header().Set("Content-Type", "image/png")
	case "svg":
		body = []byte(qrSVG(q.Bitmap()))
		w.Header().Set("Content-Type", "image/svg+xml")
	default:
		return errcode.New(errcode.InvalidRequest, "format must be png or svg")
	}
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	_, _ = w.Write(body)
	return nil
}

// qrSVG draws a QR bitmap (quiet zone included) as one path, a run of dark
// modules per segment, so the image scales without blur.
func qrSVG(bits [][]bool) string {
	n := len(bits)
	var b strings.Builder
	fmt.Fprintf(&b, `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 %d %d" shape-rendering="crispEdges">`, n, n)
	fmt.Fprintf(&b, `<rect width="%d" height="%d" fill="#fff"/><path fill="#000" d="`, n, n)
	for y, row := range bits {
		for x := 0; x < len(row); {
			if !row[x] {
				x++
				continue
			}
			start := x
			for x < len(row) && row[x] {
				x++
			}
			fmt.Fprintf(&b, "M%d %dh%dv1h-%dz", start, y, x-start, x-start)
		}
	}
	b.WriteString(`"/></svg>`)
	return b.String()
}
