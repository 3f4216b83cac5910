package email

import (
	"encoding/base64"
	"strings"
	"testing"
)

// benchMessage is a 20 KB reply as a support desk receives it: an
// alternative of quoted-printable text and HTML with quoted history, a
// RFC 2047 subject and a small base64 attachment.
func benchMessage() []byte {
	para := "Hello, my order #4711 arrived damaged and I would like a refund or a replacement, whichever is faster. Caf=C3=A9 na=C3=AFve =E2=80=9Cquotes=E2=80=9D.\r\n"
	quoted := "> On the previous message you wrote that the courier would call me before delivery, which did not happen.\r\n"
	text := strings.Repeat(para, 35) + "\r\nOn Mon, Dec 7, 2026 at 10:00 AM Support <support@desk.example> wrote:\r\n" + strings.Repeat(quoted, 20)
	html := "<html><head><style>p{margin:0}</style></head><body>" + strings.Repeat("<p>Hello, my order <b>#4711</b> arrived damaged; <a href=\"https://shop.example/o/4711\">see the order</a>.</p>\r\n", 50) +
		"<blockquote>" + strings.Repeat("<p>On the previous message you wrote that the courier would call.</p>\r\n", 20) + "</blockquote></body></html>"
	att := base64.StdEncoding.EncodeToString([]byte(strings.Repeat("photo bytes ", 250)))
	var b strings.Builder
	for _, l := range []string{
		"Message-ID: <CAF=abc123@mail.gmail.com>",
		"In-Reply-To: <t-42.1@desk.example>",
		"References: <t-42.0@desk.example> <t-42.1@desk.example>",
		`From: "Carla Pérez" <carla@example.com>`,
		"To: Support <support@desk.example>",
		"Subject: =?UTF-8?Q?Re:_Pedido_da=C3=B1ado_=E2=80=94_reembolso?=",
		"Date: Mon, 7 Dec 2026 10:05:00 +0100",
		"MIME-Version: 1.0",
		`Content-Type: multipart/mixed; boundary="mix"`, "",
		"--mix", `Content-Type: multipart/alternative; boundary="alt"`, "",
		"--alt", "Content-Type: text/plain; charset=utf-8", "Content-Transfer-Encoding: quoted-printable", "", text,
		"--alt", "Content-Type: text/html; charset=utf-8", "", html,
		"--alt--",
		"--mix", "Content-Type: image/jpeg; name=photo.jpg", "Content-Disposition: attachment; filename=photo.jpg", "Content-Transfer-Encoding: base64", "", att,
		"--mix--", "",
	} {
		b.WriteString(l)
		b.WriteString("\r\n")
	}
	return []byte(b.String())
}

func BenchmarkParse(b *testing.B) {
	raw := benchMessage()
	m, err := Parse(raw)
	if err != nil || len(m.Attachments) != 1 || m.Reply == m.Text || m.HTML == "" {
		b.Fatalf("bench message does not parse as meant: %v", err)
	}
	b.SetBytes(int64(len(raw)))
	b.ReportAllocs()
	for b.Loop() {
		if _, err := Parse(raw); err != nil {
			b.Fatal(err)
		}
	}
}

func TestBenchMessageSize(t *testing.T) {
	if n := len(benchMessage()); n < 19000 || n > 21500 {
		t.Fatalf("bench message is %d bytes, want about 20 KB", n)
	}
}
