package email

import (
	"encoding/base64"
	"errors"
	"strconv"
	"strings"
	"testing"
	"time"

	"golang.org/x/text/encoding"
	"golang.org/x/text/encoding/charmap"
	"golang.org/x/text/encoding/japanese"
	"golang.org/x/text/encoding/korean"
	"golang.org/x/text/encoding/simplifiedchinese"
	"golang.org/x/text/encoding/traditionalchinese"
)

// msg joins header and body lines with CRLF, as they travel.
func msg(lines ...string) []byte { return []byte(strings.Join(lines, "\r\n")) }

func mustParse(t *testing.T, raw []byte) *Mail {
	t.Helper()
	m, err := Parse(raw)
	if err != nil {
		t.Fatalf("Parse: %v", err)
	}
	return m
}

func TestHeader(t *testing.T) {
	m := mustParse(t, msg(
		"Message-ID:  <abc@x.example>",
		"In-Reply-To: <t-42@desk.example>",
		"References: <root@a.example>",
		"  <t-42@desk.example>",
		`From: "Carla Pérez" <carla@example.com>`,
		"To: support@desk.example, =?UTF-8?Q?Jos=C3=A9?= <jose@desk.example>",
		"Cc: a@b.example",
		"Reply-To: Carla <carla+reply@example.com>",
		"Subject: Refund",
		"Date: Mon, 7 Dec 2026 10:00:00 +0100",
		"",
		"hello"))
	if m.MessageID != "abc@x.example" {
		t.Errorf("MessageID = %q", m.MessageID)
	}
	if strings.Join(m.InReplyTo, ",") != "t-42@desk.example" {
		t.Errorf("InReplyTo = %q", m.InReplyTo)
	}
	if strings.Join(m.References, ",") != "root@a.example,t-42@desk.example" {
		t.Errorf("References = %q", m.References)
	}
	if m.From != (Address{Name: "Carla Pérez", Address: "carla@example.com"}) {
		t.Errorf("From = %+v", m.From)
	}
	if len(m.To) != 2 || m.To[1] != (Address{Name: "José", Address: "jose@desk.example"}) {
		t.Errorf("To = %+v", m.To)
	}
	if len(m.Cc) != 1 || m.Cc[0].Address != "a@b.example" || len(m.ReplyTo) != 1 || m.ReplyTo[0].Address != "carla+reply@example.com" {
		t.Errorf("Cc = %+v, ReplyTo = %+v", m.Cc, m.ReplyTo)
	}
	if want := time.Date(2026, 12, 7, 9, 0, 0, 0, time.UTC); !m.Date.Equal(want) {
		t.Errorf("Date = %v", m.Date)
	}
	if m.Text != "hello" || m.Reply != "hello" {
		t.Errorf("Text = %q, Reply = %q", m.Text, m.Reply)
	}
}

func TestAddresses(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"a@b.example", "|a@b.example"},
		{"Bob <bob@x.example>, <c@y.example>", "Bob|bob@x.example;|c@y.example"},
		{`=?UTF-8?B?0JDQu9C10LrRgdCw0L3QtNGA?= <al@x.example>`, "Александр|al@x.example"},
		// net/mail refuses unquoted dots; the loose reader still finds them.
		{"J. R. Bob Dobbs <bob@x.example>", "J. R. Bob Dobbs|bob@x.example"},
		{"undisclosed-recipients:;", ""},
		{"<Undisclosed-Recipient:@x.example;>", ""},
	} {
		m := mustParse(t, msg("To: "+c.in, "", ""))
		var got []string
		for _, a := range m.To {
			got = append(got, a.Name+"|"+a.Address)
		}
		if g := strings.Join(got, ";"); g != c.want {
			t.Errorf("To: %s = %q, want %q", c.in, g, c.want)
		}
	}
}

// word encodes s in charset enc as an RFC 2047 B word.
func word(t *testing.T, label string, enc encoding.Encoding, s string) string {
	t.Helper()
	b, err := enc.NewEncoder().Bytes([]byte(s))
	if err != nil {
		t.Fatalf("encode %q as %s: %v", s, label, err)
	}
	return "=?" + label + "?B?" + base64.StdEncoding.EncodeToString(b) + "?="
}

func TestSubjectCharsets(t *testing.T) {
	for _, c := range []struct {
		label string
		enc   encoding.Encoding
		text  string
	}{
		{"GB2312", simplifiedchinese.GBK, "退款申请"},
		{"GBK", simplifiedchinese.GBK, "发票问题"},
		{"Big5", traditionalchinese.Big5, "退款申請"},
		{"ISO-2022-JP", japanese.ISO2022JP, "返金について"},
		{"EUC-KR", korean.EUCKR, "환불 요청"},
		{"ISO-8859-1", charmap.ISO8859_1, "Réclamation reçue"},
		{"Windows-1252", charmap.Windows1252, "“Smart” quotes – €5"},
		{"windows-1251", charmap.Windows1251, "Возврат средств"},
		{"KOI8-R", charmap.KOI8R, "Привет"},
	} {
		t.Run(c.label, func(t *testing.T) {
			m := mustParse(t, msg("Subject: Re: "+word(t, c.label, c.enc, c.text), "", ""))
			if want := "Re: " + c.text; m.Subject != want {
				t.Errorf("Subject = %q, want %q", m.Subject, want)
			}
		})
	}
	for _, c := range []struct{ in, want string }{
		{"=?UTF-8?Q?Caf=C3=A9_ouvert?=", "Café ouvert"},
		{"=?iso-8859-1?q?Caf=E9?=", "Café"},
		// Adjacent encoded words join without the space between them.
		{"=?UTF-8?B?8J+OiQ==?= =?UTF-8?Q?_party?=", "🎉 party"},
		// Unknown charset and malformed words stay as sent.
		{"=?x-unknown?Q?abc?= ok", "=?x-unknown?Q?abc?= ok"},
		{"=?UTF-8?B?not base64!?= tail", "=?UTF-8?B?not base64!?= tail"},
		// Raw 8-bit Latin-1 in a header.
		{"Caf\xe9", "Café"},
	} {
		if m := mustParse(t, msg("Subject: "+c.in, "", "")); m.Subject != c.want {
			t.Errorf("Subject %q = %q, want %q", c.in, m.Subject, c.want)
		}
	}
}

func TestBodyCharsets(t *testing.T) {
	gbk, _ := simplifiedchinese.GBK.NewEncoder().String("你好，退款")
	jis, _ := japanese.ISO2022JP.NewEncoder().String("すみません")
	for _, c := range []struct {
		name, ctype, cte, body, want string
	}{
		{"utf-8 qp", "text/plain; charset=utf-8", "quoted-printable", "caf=C3=A9 =\r\nlong line", "café long line"},
		{"latin-1 qp", "text/plain; charset=iso-8859-1", "quoted-printable", "caf=E9", "café"},
		{"latin-1 label, cp1252 bytes", "text/plain; charset=iso-8859-1", "8bit", "\x93quoted\x94 \x86", "“quoted” †"},
		{"gbk base64", "text/plain; charset=gb2312", "base64", base64.StdEncoding.EncodeToString([]byte(gbk)), "你好，退款"},
		{"iso-2022-jp 7bit", "text/plain; charset=iso-2022-jp", "7bit", jis, "すみません"},
		{"mislabelled utf-8", "text/plain; charset=gb2312", "8bit", "Grüße 你好", "Grüße 你好"},
		{"no charset 8-bit", "text/plain", "", "na\xefve", "naïve"},
		{"misspelt encoding", "text/plain; charset=us-ascii", "7-bit", "plain", "plain"},
		{"bad qp escape kept", "text/plain", "quoted-printable", "50=% off =ZZ", "50=% off =ZZ"},
		{"damaged base64", "text/plain", "base64", "aGVs bG8g\r\nd29y!!bGQ", "hello world"},
		{"flowed", "text/plain; format=flowed; delsp=yes", "", "one \r\ntwo\r\n> quoted \r\n> more", "onetwo\n> quotedmore"},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := mustParse(t, msg("Content-Type: "+c.ctype, "Content-Transfer-Encoding: "+c.cte, "", c.body))
			if m.Text != c.want {
				t.Errorf("Text = %q, want %q", m.Text, c.want)
			}
		})
	}
}

func TestBodies(t *testing.T) {
	alt := msg(
		`Content-Type: multipart/alternative; boundary="b1"`, "",
		"--b1", "Content-Type: text/plain; charset=utf-8", "", "plain words",
		"--b1", "Content-Type: text/html; charset=utf-8", "", "<p>html <b>words</b></p>",
		"--b1--", "")
	m := mustParse(t, alt)
	if m.Text != "plain words" || m.HTML != "<p>html <b>words</b></p>" {
		t.Errorf("alternative: Text %q HTML %q", m.Text, m.HTML)
	}

	htmlOnly := msg("Content-Type: text/html", "",
		"<html><head><title>T</title><style>p{}</style></head><body><p>Hello&nbsp;there</p><ul><li>one</li><li>two</li></ul>line<br>break<script>alert(1)</script></body></html>")
	m = mustParse(t, htmlOnly)
	if want := "Hello there\n\n- one\n- two\nline\nbreak"; m.Text != want {
		t.Errorf("text of HTML = %q, want %q", m.Text, want)
	}

	related := msg(`Content-Type: multipart/related; boundary=r`, "",
		"--r", "Content-Type: text/html", "", `<p>logo: <img src="cid:logo@x"></p>`,
		"--r", "Content-Type: image/png", "Content-ID: <logo@x>", "Content-Transfer-Encoding: base64", "", "iVBORw0KGgo=",
		"--r--")
	m = mustParse(t, related)
	if !strings.Contains(m.HTML, `src="cid:logo@x"`) {
		t.Errorf("cid image dropped: %q", m.HTML)
	}
	if len(m.Attachments) != 1 || m.Attachments[0].ContentID != "logo@x" || !m.Attachments[0].Inline || m.Attachments[0].Size != 8 {
		t.Errorf("inline part = %+v", m.Attachments)
	}
}

func TestAttachments(t *testing.T) {
	part := func(hdr ...string) string {
		return strings.Join(append([]string{"--b"}, append(hdr, "", "ZGF0YQ==")...), "\r\n")
	}
	for _, c := range []struct {
		name string
		hdr  []string
		want Attachment
	}{
		{"plain filename", []string{"Content-Type: application/pdf", "Content-Disposition: attachment; filename=\"invoice.pdf\"", "Content-Transfer-Encoding: base64"},
			Attachment{Filename: "invoice.pdf", ContentType: "application/pdf"}},
		{"rfc 2231 utf-8", []string{"Content-Type: application/pdf", "Content-Disposition: attachment; filename*=UTF-8''%E5%8F%91%E7%A5%A8.pdf", "Content-Transfer-Encoding: base64"},
			Attachment{Filename: "发票.pdf", ContentType: "application/pdf"}},
		{"rfc 2231 continuations", []string{"Content-Type: text/plain", "Content-Disposition: attachment;", " filename*0*=utf-8''r%C3%A9;", " filename*1*=sum%C3%A9.txt", "Content-Transfer-Encoding: base64"},
			Attachment{Filename: "résumé.txt", ContentType: "text/plain"}},
		{"rfc 2231 latin-1", []string{"Content-Type: text/plain", "Content-Disposition: attachment; filename*=iso-8859-1'de'p%E4ring.txt", "Content-Transfer-Encoding: base64"},
			Attachment{Filename: "päring.txt", ContentType: "text/plain"}},
		{"rfc 2231 latin-1 continuations", []string{"Content-Type: text/plain; name*0*=iso-8859-1''p%E4;", " name*1=ring.txt", "Content-Transfer-Encoding: base64"},
			Attachment{Filename: "päring.txt", ContentType: "text/plain"}},
		{"rfc 2047 name", []string{"Content-Type: image/jpeg; name=\"=?ISO-8859-1?Q?p=E4ring.jpg?=\"", "Content-Transfer-Encoding: base64"},
			Attachment{Filename: "päring.jpg", ContentType: "image/jpeg"}},
		{"path stripped", []string{"Content-Type: application/octet-stream", "Content-Disposition: attachment; filename=\"..\\\\..\\\\evil.exe\"", "Content-Transfer-Encoding: base64"},
			Attachment{Filename: "evil.exe", ContentType: "application/octet-stream"}},
		{"no name", []string{"Content-Type: application/pdf", "Content-Transfer-Encoding: base64"},
			Attachment{Filename: "attachment.pdf", ContentType: "application/pdf"}},
		{"inline image", []string{"Content-Type: image/png", "Content-ID: <img1@x>", "Content-Disposition: inline", "Content-Transfer-Encoding: base64"},
			Attachment{Filename: "attachment.png", ContentType: "image/png", ContentID: "img1@x", Inline: true}},
	} {
		t.Run(c.name, func(t *testing.T) {
			m := mustParse(t, msg("Content-Type: multipart/mixed; boundary=b", "", "--b", "", "body", part(c.hdr...), "--b--"))
			if len(m.Attachments) != 1 {
				t.Fatalf("attachments = %+v", m.Attachments)
			}
			a := m.Attachments[0]
			c.want.Size, c.want.Data = 4, a.Data
			if string(a.Data) != "data" || a.Filename != c.want.Filename || a.ContentType != c.want.ContentType ||
				a.ContentID != c.want.ContentID || a.Inline != c.want.Inline || a.Size != 4 {
				t.Errorf("got %+v, want %+v", a, c.want)
			}
			if m.Text != "body" {
				t.Errorf("Text = %q", m.Text)
			}
		})
	}
}

func TestAttachmentLimit(t *testing.T) {
	big := base64.StdEncoding.EncodeToString(make([]byte, 3000))
	raw := msg("Content-Type: multipart/mixed; boundary=b", "",
		"--b", "Content-Type: application/pdf; name=a.pdf", "Content-Transfer-Encoding: base64", "", big,
		"--b", "Content-Type: application/pdf; name=b.pdf", "Content-Transfer-Encoding: base64", "", big,
		"--b--")
	m, err := Limits{AttachmentBytes: 4000}.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(m.Attachments) != 2 || m.Attachments[0].Data == nil || m.Attachments[1].Data != nil || m.Attachments[1].Size != 3000 {
		t.Fatalf("attachments = %d, data kept %v / %v", len(m.Attachments), m.Attachments[0].Data != nil, m.Attachments[1].Data != nil)
	}
	if len(m.Defects) != 1 || !strings.Contains(m.Defects[0], `"b.pdf" dropped`) {
		t.Errorf("Defects = %q", m.Defects)
	}
}

func TestTrimQuoted(t *testing.T) {
	for _, c := range []struct{ name, text, want string }{
		{"gmail", "Thanks, that works.\n\nOn Mon, Dec 7, 2026 at 10:00 AM Support <s@desk.example> wrote:\n> Try again.\n", "Thanks, that works."},
		{"gmail wrapped", "Yes.\n\nOn Mon, Dec 7, 2026 at 10:00 AM Support Team <\nsupport@desk.example> wrote:\n> Is it fixed?", "Yes."},
		{"spanish", "Gracias.\n\nEl lun, 7 dic 2026 a las 10:00, Soporte escribió:\n> Hola", "Gracias."},
		{"original message", "See below.\n\n-----Original Message-----\nFrom: Support\nSent: Monday\n\nold", "See below."},
		{"outlook block", "Here is my reply.\n\nFrom: Support <s@desk.example>\nSent: 31 May 2023 17:46\nTo: Tony\nSubject: RE: x\n\nold text", "Here is my reply."},
		{"outlook underscores", "Ok.\n\n________________________________\nFrom: Support\nSent: Monday\n\nold", "Ok."},
		{"bottom quote", "New words.\n\n> old line\n> older line\n", "New words."},
		{"interleaved kept", "> question one?\nanswer one\n> question two?\nanswer two", "> question one?\nanswer one\n> question two?\nanswer two"},
		{"prose From: kept", "From: my point of view it is broken.\nPlease fix.", "From: my point of view it is broken.\nPlease fix."},
		{"only quote kept whole", "> all quoted\n> nothing new", "> all quoted\n> nothing new"},
		{"forward kept", "FYI\n\n---------- Forwarded message ---------\nFrom: Bob <b@x>\nDate: Mon\n\nbody", "FYI\n\n---------- Forwarded message ---------\nFrom: Bob <b@x>\nDate: Mon\n\nbody"},
	} {
		t.Run(c.name, func(t *testing.T) {
			if got := trimQuoted(c.text); got != c.want {
				t.Errorf("trimQuoted = %q, want %q", got, c.want)
			}
		})
	}
}

func TestClassify(t *testing.T) {
	for _, c := range []struct {
		header   string
		auto     string
		loopFrom string
	}{
		{"Auto-Submitted: auto-replied", "Auto-Submitted: auto-replied", ""},
		{"Auto-Submitted: auto-generated", "Auto-Submitted: auto-generated", ""},
		{"Auto-Submitted: no", "", ""},
		{"Precedence: bulk", "Precedence: bulk", ""},
		{"Precedence: junk", "Precedence: junk", ""},
		{"Precedence: list", "Precedence: list", ""},
		{"Precedence: first-class", "", ""},
		{"X-Autoreply: yes", "X-Autoreply", ""},
		{"X-Autorespond: yes", "X-Autorespond", ""},
		{"List-Id: <cfrg.irtf.org>", "List-Id", ""},
		{"X-MS-Exchange-Generated-Message-Source: Mailbox Rules Agent", "X-MS-Exchange-Generated-Message-Source", ""},
		{"X-Auto-Response-Suppress: All", "", ""},
		{"X-Ticketd-Loop: ws-1", "", "ws-1"},
	} {
		m := mustParse(t, msg(c.header, "Subject: x", "", "body"))
		if m.Auto != c.auto || m.Loop != c.loopFrom {
			t.Errorf("%s: Auto %q Loop %q, want %q %q", c.header, m.Auto, m.Loop, c.auto, c.loopFrom)
		}
	}
}

func TestBounce(t *testing.T) {
	raw := msg(
		"From: MAILER-DAEMON@mx.example",
		`Content-Type: multipart/report; report-type=delivery-status; boundary="r"`, "",
		"--r", "Content-Type: text/plain", "", "Your message could not be delivered.",
		"--r", "Content-Type: message/delivery-status", "",
		"Reporting-MTA: dns; mx.example", "",
		"Final-Recipient: rfc822; ok@x.example", "Action: delayed", "Status: 4.4.1", "",
		"Final-Recipient: rfc822; gone@x.example", "Action: failed", "Status: 5.1.1",
		"Diagnostic-Code: smtp; 550 5.1.1 no such user", "",
		"--r", "Content-Type: text/rfc822-headers", "",
		"Message-ID: <t-42.reply@desk.example>", "Subject: Re: Refund", "",
		"--r--")
	m := mustParse(t, raw)
	want := Bounce{OriginalMessageID: "t-42.reply@desk.example", Recipient: "gone@x.example", Status: "5.1.1", Action: "failed", Diagnostic: "smtp; 550 5.1.1 no such user"}
	if m.Bounce == nil || *m.Bounce != want {
		t.Fatalf("Bounce = %+v, want %+v", m.Bounce, want)
	}
	if m.Text != "Your message could not be delivered." || len(m.Attachments) != 0 {
		t.Errorf("Text %q, attachments %+v", m.Text, m.Attachments)
	}
	// No returned headers: the per-message block's Original-Message-ID names it.
	m = mustParse(t, msg(`Content-Type: multipart/report; report-type=delivery-status; boundary="r"`, "",
		"--r", "Content-Type: message/delivery-status", "",
		"Reporting-MTA: dns; mx.example", "Original-Message-ID: <ticketd.0123@acme.test>", "",
		"Final-Recipient: rfc822; gone@x.example", "Action: failed", "Status: 5.1.1", "", "--r--"))
	if m.Bounce == nil || m.Bounce.OriginalMessageID != "ticketd.0123@acme.test" || m.Bounce.Recipient != "gone@x.example" {
		t.Fatalf("Bounce = %+v", m.Bounce)
	}
	if m := mustParse(t, msg("Content-Type: multipart/mixed; boundary=r", "", "--r", "", "x", "--r--")); m.Bounce != nil {
		t.Errorf("ordinary mail is a bounce: %+v", m.Bounce)
	}
}

func TestMalformed(t *testing.T) {
	for _, c := range []struct {
		name    string
		raw     string
		err     error
		text    string
		defects int
	}{
		{"empty", "", ErrNotMail, "", 0},
		{"no header", "just some words\nand more", ErrNotMail, "", 0},
		{"header only", "Subject: x", nil, "", 0},
		{"LF only", "Subject: x\n\nbody\n", nil, "body", 0},
		{"junk header line", "Subject: x\nthis is not a field\nFrom: a@b.example\n\nbody", nil, "body", 0},
		{"multipart without boundary", "Content-Type: multipart/mixed\n\nraw body", nil, "raw body", 1},
		{"multipart without parts", "Content-Type: multipart/mixed; boundary=zz\n\nraw body", nil, "raw body", 1},
		{"missing close", "Content-Type: multipart/mixed; boundary=zz\n\n--zz\n\npart one\n--zz\n\npart two", nil, "part one\npart two", 1},
		{"illegal boundary", "Content-Type: multipart/alternative; boundary=----=_NextPart_0\n\n------=_NextPart_0\nContent-Type: text/plain\n\nhi\n------=_NextPart_0--\n", nil, "hi", 0},
		{"bad content-type", "Content-Type: text/plain; charset\n\nhi", nil, "hi", 0},
		{"bad date", "Date: yesterday\n\nhi", nil, "hi", 1},
		{"part without header", "Content-Type: multipart/mixed; boundary=zz\n\n--zz\nno header here\n--zz--", nil, "no header here", 0},
	} {
		t.Run(c.name, func(t *testing.T) {
			m, err := Parse([]byte(c.raw))
			if !errors.Is(err, c.err) {
				t.Fatalf("err = %v, want %v", err, c.err)
			}
			if err != nil {
				return
			}
			if m.Text != c.text || len(m.Defects) != c.defects {
				t.Errorf("Text %q Defects %q; want %q and %d defects", m.Text, m.Defects, c.text, c.defects)
			}
		})
	}
}

func TestDeepNesting(t *testing.T) {
	// 200 multiparts, each inside the last: the walk stops at Limits.Depth
	// and keeps the rest as text instead of recursing on.
	var b strings.Builder
	b.WriteString("Subject: deep\n")
	for i := 0; i < 200; i++ {
		b.WriteString("Content-Type: multipart/mixed; boundary=b" + strconv.Itoa(i) + "\n\n--b" + strconv.Itoa(i) + "\n")
	}
	b.WriteString("\nleaf\n")
	m := mustParse(t, []byte(b.String()))
	if len(m.Defects) == 0 || !strings.Contains(m.Text, "leaf") {
		t.Errorf("Defects %q, Text %.80q", m.Defects, m.Text)
	}
}

func TestHostileHTML(t *testing.T) {
	hostile := `<html><head><style>body{background:url(javascript:alert(1))}</style>
<script>alert("x")</script></head><body onload="alert(2)">
<p style="width:expression(alert(3))">Hi <b>there</b></p>
<img src="x" onerror="alert(4)"><img src="cid:logo@x">
<a href="javascript:alert(5)">click</a> <a href="JaVaScRiPt:alert(6)">again</a>
<a href="https://example.com/ok">fine</a>
<iframe src="https://evil.example"></iframe><object data="x.swf"></object>
<form action="https://evil.example"><input name="p"></form>
<svg onload="alert(7)"><script>alert(8)</script></svg>
<div style="background-image:url('javascript:alert(9)')">styled</div>
<meta http-equiv="refresh" content="0;url=javascript:alert(10)">
</body></html>`
	m := mustParse(t, msg("Content-Type: text/html; charset=utf-8", "", hostile))
	low := strings.ToLower(m.HTML)
	for _, bad := range []string{"<script", "alert(", "onerror", "onload", "javascript:", "expression(", "style=", "<style", "<iframe", "<object", "<form", "<input", "<svg", "<meta"} {
		if strings.Contains(low, bad) {
			t.Errorf("sanitized HTML still holds %q:\n%s", bad, m.HTML)
		}
	}
	for _, good := range []string{"<b>there</b>", `src="cid:logo@x"`, `href="https://example.com/ok"`, "styled"} {
		if !strings.Contains(m.HTML, good) {
			t.Errorf("sanitized HTML lost %q:\n%s", good, m.HTML)
		}
	}
	if strings.Contains(m.Text, "alert") || !strings.Contains(m.Text, "Hi there") {
		t.Errorf("text of hostile HTML = %q", m.Text)
	}
}
