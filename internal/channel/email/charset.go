package email

import (
	"bytes"
	"io"
	"mime"
	"strings"
	"unicode/utf8"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/htmlindex"
	"golang.org/x/text/encoding/ianaindex"
	"golang.org/x/text/encoding/unicode"
)

// wordDecoder decodes RFC 2047 words in any charset x/text knows.
var wordDecoder = &mime.WordDecoder{CharsetReader: func(charset string, r io.Reader) (io.Reader, error) {
	enc := lookupCharset(charset)
	if enc == nil {
		return nil, errUnknownCharset
	}
	return enc.NewDecoder().Reader(r), nil
}}

type charsetError string

func (e charsetError) Error() string { return string(e) }

const errUnknownCharset = charsetError("email: unknown charset")

// lookupCharset finds a charset by its MIME label. The WHATWG index comes
// first because it maps labels the way mail clients mean them: gb2312 to
// GBK, iso-8859-1 and us-ascii to windows-1252 (Outlook labels 0x80–0x9f
// bytes Latin-1); IANA names cover the rest.
func lookupCharset(label string) encoding.Encoding {
	label = strings.ToLower(strings.Trim(strings.TrimSpace(label), `"'`))
	if label == "" {
		return nil
	}
	if i := strings.IndexByte(label, '*'); i >= 0 { // RFC 2231 language suffix
		label = label[:i]
	}
	switch label {
	case "utf8":
		label = "utf-8"
	case "cp1252", "cp1251", "cp1250":
		label = "windows-" + label[2:]
	case "ks_c_5601-1987", "ks_c_5601", "x-windows-949", "cp949":
		label = "euc-kr"
	}
	if e, err := htmlindex.Get(label); err == nil && e != nil {
		return e
	}
	if e, err := ianaindex.MIME.Encoding(label); err == nil && e != nil {
		return e
	}
	return nil
}

// decodeText turns a body part's bytes into UTF-8. A part whose non-ASCII
// bytes are valid UTF-8 is taken as UTF-8 whatever its label says: mislabels
// are common and real legacy text is almost never valid UTF-8 by chance.
// Unlabelled or unknown 8-bit text is read as Windows-1252, which maps
// every byte. ISO-2022-JP is 7-bit, so it always goes through its decoder.
func decodeText(b []byte, charset string) string {
	if isASCII(b) && !strings.EqualFold(strings.TrimSpace(charset), "iso-2022-jp") {
		return string(b)
	}
	if !isASCII(b) && utf8.Valid(b) {
		return string(b)
	}
	enc := lookupCharset(charset)
	if enc == nil || enc == unicode.UTF8 {
		enc = lookupCharset("windows-1252")
	}
	out, err := enc.NewDecoder().Bytes(b)
	if err != nil {
		return strings.ToValidUTF8(string(b), "\uFFFD")
	}
	return string(out)
}

func isASCII(b []byte) bool {
	for _, c := range b {
		if c >= 0x80 {
			return false
		}
	}
	return true
}

// toUTF8 reads a raw header value: raw 8-bit headers carry no charset, so
// invalid UTF-8 is taken as Windows-1252.
func toUTF8(s string) string {
	if utf8.ValidString(s) {
		return s
	}
	return decodeText([]byte(s), "windows-1252")
}

// decodeHeader decodes RFC 2047 words. On a malformed word the decoder
// gives up on the whole value, so words are then decoded one by one and
// the bad ones kept as they are.
func decodeHeader(v string) string {
	v = toUTF8(v)
	if !strings.Contains(v, "=?") {
		return v
	}
	if d, err := wordDecoder.DecodeHeader(v); err == nil {
		return d
	}
	var b strings.Builder
	for i, f := range strings.Fields(v) {
		if d, err := wordDecoder.Decode(f); err == nil {
			b.WriteString(d)
			continue
		}
		if i > 0 {
			b.WriteByte(' ')
		}
		b.WriteString(f)
	}
	return b.String()
}

// decodeTransfer undoes a Content-Transfer-Encoding. Unknown and misspelt
// encodings ("7-bit", "8bits") are taken as identity.
func decodeTransfer(b []byte, cte string) []byte {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		return decodeBase64(b)
	case "quoted-printable":
		return decodeQP(b)
	}
	return b
}

// decodeBase64 skips anything outside the alphabet (line breaks, junk)
// and stops at padding, so a damaged part still yields its good bytes.
func decodeBase64(b []byte) []byte {
	clean := make([]byte, 0, len(b))
	for _, c := range b {
		switch {
		case c >= 'A' && c <= 'Z', c >= 'a' && c <= 'z', c >= '0' && c <= '9', c == '+', c == '/':
			clean = append(clean, c)
		case c == '=':
			goto done
		}
	}
done:
	if len(clean)%4 == 1 {
		clean = clean[:len(clean)-1]
	}
	out := make([]byte, len(clean)*3/4)
	n, _ := rawStd.Decode(out, clean)
	return out[:n]
}

// decodeQP is a quoted-printable decoder that never fails: a bad escape is
// kept literally (mime/quotedprintable stops at the first one).
func decodeQP(b []byte) []byte {
	out := make([]byte, 0, len(b))
	for i := 0; i < len(b); i++ {
		c := b[i]
		if c != '=' {
			out = append(out, c)
			continue
		}
		rest := b[i+1:]
		switch {
		case len(rest) >= 2 && isHex(rest[0]) && isHex(rest[1]):
			out = append(out, unhex(rest[0])<<4|unhex(rest[1]))
			i += 2
		case bytes.HasPrefix(rest, []byte("\r\n")):
			i += 2
		case bytes.HasPrefix(rest, []byte("\n")):
			i++
		default:
			// A soft break after trailing whitespace: "=  \r\n".
			j := 0
			for j < len(rest) && (rest[j] == ' ' || rest[j] == '\t') {
				j++
			}
			if j > 0 && (bytes.HasPrefix(rest[j:], []byte("\n")) || bytes.HasPrefix(rest[j:], []byte("\r\n"))) {
				i += j
				if rest[j] == '\r' {
					i++
				}
				i++
				continue
			}
			out = append(out, c)
		}
	}
	return out
}

func isHex(c byte) bool {
	return c >= '0' && c <= '9' || c >= 'a' && c <= 'f' || c >= 'A' && c <= 'F'
}

func unhex(c byte) byte {
	switch {
	case c >= '0' && c <= '9':
		return c - '0'
	case c >= 'a' && c <= 'f':
		return c - 'a' + 10
	}
	return c - 'A' + 10
}
