package email

import (
	"bytes"
	"encoding/base64"
	"mime"
	"net/textproto"
	"path"
	"strconv"
	"strings"
)

var rawStd = base64.RawStdEncoding

// walker visits the MIME tree once, collecting bodies and attachments.
type walker struct {
	m      *Mail
	limits Limits
	parts  int
	kept   int // attachment bytes kept so far
	texts  []string
	htmls  []string
}

func (w *walker) walk(h textproto.MIMEHeader, body []byte, depth int) {
	w.parts++
	if w.parts > w.limits.Parts {
		if w.parts == w.limits.Parts+1 {
			w.m.defect("too many MIME parts: the rest is ignored")
		}
		return
	}
	ctype, params := mediaType(h.Get("Content-Type"))
	if ctype == "" {
		ctype = "text/plain"
	}
	if strings.HasPrefix(ctype, "multipart/") {
		w.multipart(h, body, ctype, params, depth)
		return
	}
	disp, dparams := mediaType(h.Get("Content-Disposition"))
	name := w.filename(
		rfc2231(h.Get("Content-Disposition"), "filename", dparams["filename"]),
		rfc2231(h.Get("Content-Type"), "name", params["name"]))
	data := decodeTransfer(body, h.Get("Content-Transfer-Encoding"))

	switch {
	case ctype == "message/delivery-status" || ctype == "message/global-delivery-status":
		w.deliveryStatus(data)
		return
	case (ctype == "text/plain" || ctype == "text/html") && disp != "attachment" && name == "":
		text := decodeText(data, params["charset"])
		if ctype == "text/plain" {
			if strings.EqualFold(params["format"], "flowed") {
				text = unflow(text, strings.EqualFold(params["delsp"], "yes"))
			}
			w.texts = append(w.texts, text)
		} else {
			w.htmls = append(w.htmls, text)
		}
		return
	case ctype == "message/rfc822" || ctype == "text/rfc822-headers":
		w.enclosed(data)
		if ctype == "text/rfc822-headers" {
			return
		}
		if name == "" {
			name = "message.eml"
		}
	}
	if name == "" {
		name = defaultName(ctype)
	}
	a := Attachment{
		Filename:    name,
		ContentType: ctype,
		ContentID:   first(msgIDs(h.Get("Content-Id"))),
		Inline:      disp == "inline" || (disp == "" && h.Get("Content-Id") != ""),
		Size:        len(data),
		Data:        data,
	}
	if w.kept+len(data) > w.limits.AttachmentBytes {
		a.Data = nil
		w.m.defect("attachment " + strconv.Quote(name) + " dropped: over the size limit")
	} else {
		w.kept += len(data)
	}
	w.m.Attachments = append(w.m.Attachments, a)
}

func (w *walker) multipart(h textproto.MIMEHeader, body []byte, ctype string, params map[string]string, depth int) {
	boundary := params["boundary"]
	if boundary == "" {
		boundary = looseBoundary(h.Get("Content-Type"))
	}
	if boundary == "" || depth >= w.limits.Depth {
		w.m.defect(ctype + " without a usable boundary or nested too deep: read as text")
		w.texts = append(w.texts, decodeText(body, ""))
		return
	}
	if ctype == "multipart/report" && strings.EqualFold(params["report-type"], "delivery-status") && w.m.Bounce == nil {
		w.m.Bounce = &Bounce{}
	}
	parts, closed := splitParts(body, boundary)
	if !closed && len(parts) > 0 {
		w.m.defect(ctype + ": closing boundary missing, last part runs to the end")
	}
	if len(parts) == 0 && len(bytes.TrimSpace(body)) > 0 {
		w.m.defect(ctype + ": no part found, body read as text")
		w.texts = append(w.texts, decodeText(body, ""))
		return
	}
	if ctype == "multipart/alternative" {
		parts = preferAlternative(parts)
	}
	for _, p := range parts {
		ph, pb, ok := splitHeader(p)
		if !ok {
			// A part with no header is text/plain (RFC 2046 §5.1).
			ph, pb = textproto.MIMEHeader{}, bytes.TrimLeft(p, "\r\n")
		}
		w.walk(ph, pb, depth+1)
	}
}

// preferAlternative keeps, of an alternative, the last text/plain and the
// richest HTML: a nested multipart (related: HTML with its images) over a
// bare text/html. Another leaf (a calendar) is kept only when there is no
// text at all, since clients send it again as a file. Text and HTML of the
// same content are then not collected twice.
func preferAlternative(parts [][]byte) [][]byte {
	var plain, html, nested, other []byte
	for _, p := range parts {
		ph, _, _ := splitHeader(p)
		ct, _ := mediaType(ph.Get("Content-Type"))
		switch {
		case ct == "text/plain" || ct == "":
			plain = p
		case ct == "text/html":
			html = p
		case strings.HasPrefix(ct, "multipart/"):
			nested = p
		default:
			other = p
		}
	}
	if nested != nil {
		html = nested
	}
	if plain != nil || html != nil {
		other = nil
	}
	var out [][]byte
	for _, p := range [][]byte{plain, html, other} {
		if p != nil {
			out = append(out, p)
		}
	}
	return out
}

// splitParts splits a multipart body at its delimiter lines. It is
// line-based and lenient where mime/multipart is strict: a missing or
// misspelt closing delimiter leaves the last part running to the end
// (closed is then false), and trailing whitespace after a delimiter is
// ignored.
func splitParts(body []byte, boundary string) (parts [][]byte, closed bool) {
	delim := []byte("--" + boundary)
	start := -1
	for off := 0; off < len(body); {
		end := bytes.IndexByte(body[off:], '\n')
		next := len(body)
		if end >= 0 {
			next = off + end + 1
		}
		line := bytes.TrimRight(body[off:next], " \t\r\n")
		if bytes.HasPrefix(line, delim) {
			tail := line[len(delim):]
			if len(tail) == 0 || bytes.Equal(tail, []byte("--")) {
				if start >= 0 {
					parts = append(parts, trimPartEnd(body[start:off]))
				}
				if len(tail) == 2 {
					return parts, true
				}
				start = next
			}
		}
		off = next
	}
	if start >= 0 && start < len(body) {
		parts = append(parts, body[start:])
	}
	return parts, false
}

// trimPartEnd drops the line break that belongs to the next delimiter.
func trimPartEnd(p []byte) []byte {
	p = bytes.TrimSuffix(p, []byte("\n"))
	return bytes.TrimSuffix(p, []byte("\r"))
}

// mediaType parses a Content-Type or Content-Disposition. mime's parser
// refuses the whole value for one bad parameter; this falls back to a
// loose split so the type and the parameters that read well survive.
func mediaType(v string) (string, map[string]string) {
	if v == "" {
		return "", map[string]string{}
	}
	t, params, err := mime.ParseMediaType(v)
	if err == nil || (err == mime.ErrInvalidMediaParameter && t != "") {
		if err != nil {
			if params == nil {
				params = map[string]string{}
			}
			loose(v, params)
		}
		return t, params
	}
	params = map[string]string{}
	fields := strings.Split(v, ";")
	t = strings.ToLower(strings.TrimSpace(fields[0]))
	loose(v, params)
	return t, params
}

func loose(v string, params map[string]string) {
	for _, f := range strings.Split(v, ";")[1:] {
		k, val, ok := strings.Cut(f, "=")
		if !ok {
			continue
		}
		k = strings.ToLower(strings.TrimSpace(k))
		if _, seen := params[k]; !seen {
			params[k] = strings.Trim(strings.TrimSpace(val), `"`)
		}
	}
}

// looseBoundary reads an unquoted boundary holding characters that end a
// parameter ("boundary=----=_NextPart_…", Outlook Express).
func looseBoundary(ct string) string {
	// Not strings.ToLower(ct): it turns each invalid UTF-8 byte into a
	// three-byte U+FFFD, so its indexes do not fit ct (FuzzParse found it).
	i := indexFold(ct, "boundary=")
	if i < 0 {
		return ""
	}
	v := ct[i+len("boundary="):]
	if strings.HasPrefix(v, `"`) {
		if j := strings.IndexByte(v[1:], '"'); j >= 0 {
			return v[1 : j+1]
		}
		return strings.Trim(v, `"`)
	}
	if j := strings.IndexAny(v, "; \t"); j >= 0 {
		v = v[:j]
	}
	return v
}

// indexFold is the byte index of the ASCII word sub in s, ignoring ASCII
// case; -1 when absent.
func indexFold(s, sub string) int {
	for i := 0; i+len(sub) <= len(s); i++ {
		match := true
		for j := 0; j < len(sub); j++ {
			c := s[i+j]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			if c != sub[j] {
				match = false
				break
			}
		}
		if match {
			return i
		}
	}
	return -1
}

// filename picks the disposition's filename, else the type's name, and
// decodes RFC 2047 words in it (mime already decoded RFC 2231 in UTF-8).
// Only the base name is kept: a path in a name is never to be trusted.
func (w *walker) filename(names ...string) string {
	for _, n := range names {
		n = strings.TrimSpace(decodeHeader(n))
		n = strings.ReplaceAll(n, `\`, "/")
		if n = path.Base(n); n != "" && n != "." && n != "/" {
			return n
		}
	}
	return ""
}

func defaultName(ctype string) string {
	switch ctype {
	case "text/calendar":
		return "invite.ics"
	case "application/pgp-signature":
		return "signature.asc"
	}
	if exts, _ := mime.ExtensionsByType(ctype); len(exts) > 0 {
		return "attachment" + exts[0]
	}
	return "attachment"
}

// enclosed reads the Message-ID of a returned message, which is what a
// bounce must name. Its own attachments are not surfaced: the whole
// message is one .eml attachment.
func (w *walker) enclosed(data []byte) {
	h, _, ok := splitHeader(data)
	if !ok || w.m.Bounce == nil {
		return
	}
	if w.m.Bounce.OriginalMessageID == "" {
		w.m.Bounce.OriginalMessageID = first(msgIDs(h.Get("Message-Id")))
	}
}

// deliveryStatus reads RFC 3464 fields: one per-message block, then one
// block per recipient; the first failed recipient (else the first) wins.
func (w *walker) deliveryStatus(data []byte) {
	if w.m.Bounce == nil {
		w.m.Bounce = &Bounce{}
	}
	b := w.m.Bounce
	blocks := bytes.Split(bytes.ReplaceAll(data, []byte("\r\n"), []byte("\n")), []byte("\n\n"))
	for _, blk := range blocks {
		h, _, ok := splitHeader(append(bytes.TrimSpace(blk), '\n', '\n'))
		if ok && b.OriginalMessageID == "" {
			// Not RFC 3464, but some servers name the failed mail in the
			// per-message block too; the first id found is kept.
			b.OriginalMessageID = first(msgIDs(h.Get("Original-Message-Id")))
		}
		if !ok || h.Get("Final-Recipient") == "" && h.Get("Original-Recipient") == "" {
			continue
		}
		action := strings.ToLower(h.Get("Action"))
		if b.Recipient != "" && (b.Action == "failed" || action != "failed") {
			continue
		}
		rcpt := h.Get("Final-Recipient")
		if rcpt == "" {
			rcpt = h.Get("Original-Recipient")
		}
		if _, addr, ok := strings.Cut(rcpt, ";"); ok { // "rfc822; a@b"
			rcpt = addr
		}
		b.Recipient = strings.Trim(strings.TrimSpace(rcpt), "<>")
		b.Action = action
		b.Status = strings.TrimSpace(h.Get("Status"))
		b.Diagnostic = h.Get("Diagnostic-Code")
	}
}

// unflow joins format=flowed soft line breaks (RFC 3676): a line ending
// in a space continues on the next line of the same quote depth; with
// delsp=yes that space goes.
func unflow(s string, delsp bool) string {
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	b := make([]byte, 0, len(s))
	prevSoft, prevDepth := false, 0
	for i, l := range lines {
		depth := 0
		for depth < len(l) && l[depth] == '>' {
			depth++
		}
		quote, text := l[:depth], l[depth:]
		text = strings.TrimPrefix(text, " ") // space-stuffing
		if prevSoft && depth == prevDepth {
			b = append(b, text...)
		} else {
			if i > 0 {
				b = append(b, '\n')
			}
			if depth > 0 {
				b = append(append(b, quote...), ' ')
			}
			b = append(b, text...)
		}
		prevSoft = text != "-- " && strings.HasSuffix(text, " ")
		prevDepth = depth
		if prevSoft && delsp {
			b = b[:len(b)-1]
		}
	}
	return string(b)
}

// rfc2231 reads an RFC 2231 parameter (key*=charset'lang'%XX…, maybe in
// key*0*=, key*1= … pieces) in any charset: mime decodes only UTF-8 and
// ASCII ones and silently drops or mangles the rest. It returns parsed,
// mime's reading, when the value has no such parameter.
func rfc2231(v, key, parsed string) string {
	if !strings.Contains(strings.ToLower(v), key+"*") {
		return parsed
	}
	pieces := map[int]string{}
	encoded := map[int]bool{}
	for _, f := range strings.Split(v, ";")[1:] {
		k, val, ok := strings.Cut(strings.TrimSpace(f), "=")
		k = strings.ToLower(strings.TrimSpace(k))
		if !ok || !strings.HasPrefix(k, key+"*") {
			continue
		}
		rest := strings.TrimPrefix(k, key+"*") // "", "0", "0*", "1"
		enc := rest == "" || strings.HasSuffix(rest, "*")
		n := 0
		if num := strings.TrimSuffix(rest, "*"); num != "" {
			var err error
			if n, err = strconv.Atoi(num); err != nil || n > 100 {
				continue
			}
		}
		pieces[n], encoded[n] = strings.Trim(strings.TrimSpace(val), `"`), enc
	}
	var charset string
	var raw []byte
	for n := 0; n < len(pieces); n++ {
		p, ok := pieces[n]
		if !ok {
			break
		}
		if n == 0 && encoded[0] {
			if parts := strings.SplitN(p, "'", 3); len(parts) == 3 {
				charset, p = parts[0], parts[2]
			}
		}
		if encoded[n] {
			raw = append(raw, percentDecode(p)...)
		} else {
			raw = append(raw, p...)
		}
	}
	if len(raw) == 0 {
		return parsed
	}
	return decodeText(raw, charset)
}

func percentDecode(s string) []byte {
	out := make([]byte, 0, len(s))
	for i := 0; i < len(s); i++ {
		if s[i] == '%' && i+2 < len(s) && isHex(s[i+1]) && isHex(s[i+2]) {
			out = append(out, unhex(s[i+1])<<4|unhex(s[i+2]))
			i += 2
			continue
		}
		out = append(out, s[i])
	}
	return out
}
