package email

import (
	"bufio"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
)

// findCorpus finds ../shared/mail-corpus beside the module root: the
// files are shared test data, read in place and never copied into the
// project. It returns "" and why when the folder is absent.
func findCorpus() (dir, why string) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err.Error()
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			break
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", "no go.mod above the test: cannot find ../shared/mail-corpus"
		}
		dir = parent
	}
	c := filepath.Join(dir, "..", "shared", "mail-corpus")
	if _, err := os.Stat(filepath.Join(c, "MANIFEST.tsv")); err != nil {
		return "", "mail corpus absent (" + c + "): the corpus checks need the shared folder beside the repository"
	}
	return c, ""
}

func corpusDir(t testing.TB) string {
	dir, why := findCorpus()
	if dir == "" {
		t.Skip(why)
	}
	return dir
}

// corpusCase is what MANIFEST.tsv says of one file, as checks.
type corpusCase struct {
	file    string
	subject string
	from    string   // address
	text    string   // a phrase of the text body, "" when there is none
	notText string   // a phrase that must not be in Reply (trimmed history)
	files   []string // attachment and inline part names, in order
	auto    bool
	bounce  string // failed recipient + " " + status
	defects bool   // malformed input: Parse must say what it worked around
}

var corpus = []corpusCase{
	{file: "gmail-calendar-invite.eml", subject: "Invitation: Test event ⏰ @ Thu Apr 11, 2024 11am - 12pm (GMT+3) (andris@ethereal.email)",
		from: "andris@postalsys.com", text: "Join with Google Meet", files: []string{"invite.ics"}},
	{file: "apple-mail-html-only-inline.eml", subject: "MIME test 1", from: "james@makita.skynet",
		text: "Test of HTML section", files: []string{"favicon.png"}},
	{file: "thunderbird-nested-inline-image.eml", subject: "30 plaintext + (HTML + embedded image) + attachment", from: "test@example.com",
		text: "Search for hähä", files: []string{"kigaaldcbanejcbi.png", "attach2.png"}},
	{file: "thunderbird-pgp-signed.eml", subject: "Multipart Signed", from: "jamehi03@jamehi03lx.noa.com",
		text: "Section two", files: []string{"signature.asc"}},
	{file: "iphone-jpeg-attachment.eml", subject: "Subject", from: "someone@somewhere.com",
		text: "~Danielle", files: []string{"photo.JPG"}},
	{file: "yahoo-bilingual-utf8.eml", subject: "Simple text. How are you? Как ты поживаешь?", from: "hello@example.com",
		text: "А эта линия по-русски."},
	{file: "evolution-8bit.eml", subject: "2 RCPT MIME", from: "bob@example.com", text: "Превел"},
	{file: "outlook-reply-quoted.eml", subject: "RE: TEST MESSAGE", from: "tonymarston@hotmail.com",
		text: "Here is my reply to your reply.", notText: "Sent: 31 May 2023"},
	{file: "pdf-emoji-subject.eml", subject: "Another PDF with 🎉 Unicode chars in it 🍿", from: "xxxx@xxxx.com",
		text: "Just attaching another PDF", files: []string{"broken.pdf"}},
	// The forward is one .eml attachment; the PDF inside it stays in it.
	{file: "forwarded-rfc822.eml", subject: "testing", from: "foo@example.com",
		text: "This is the first part.", files: []string{"ForwardedMessage.eml"}},
	{file: "apple-mail-latin1-filename.eml", subject: "Eelanalüüsi päring", from: "jeff@37signals.com",
		files: []string{"Eelanalüüsi päring.jpg"}},
	{file: "apple-mail-japanese-filename.eml", subject: strings.Repeat("まみむめも", 10), from: "mikel@test.lindsaar.net",
		files: []string{strings.Repeat("かきくけこ", 5) + ".txt"}},
	{file: "iso-2022-jp.eml", subject: "まみむめも", from: "raasdnil@gmail.com", text: "すみません。"},
	{file: "euc-kr-apple-mail.eml", subject: "NOTE: 한국말로 하는 것", from: "jamis@37signals.com", text: "제 이름은 Jamis입니다."},
	// Only the subject is predictable; the body is UTF-8 under a GB2312
	// label, which the valid-UTF-8 rule reads right anyway.
	{file: "gb2312-subject-mislabelled-body.eml", subject: "代开各地增值税发票", from: "baoguan@hotmail.com", text: "增值税发票"},
	// MANIFEST.tsv says "an image attachment"; the file's attachment is a
	// windows-1251-named text file.
	{file: "windows-1251-newsletter.eml", subject: "Аудиоэнциклопедии для детей - великолепная коллекция в отличном качестве. 08_01_2019 02_10 251564",
		from: "info@jbshvnthwigaf.ru", text: "ДЕТСКИЕ АУДИОЭНЦИКЛОПЕДИИ", files: []string{"Список-Аудиоэнциклопедии.txt"}},
	{file: "latin1-newsletter-cp1252-bytes.eml", subject: "Discover(R) Card News Online - January 2002",
		from: "discovercard_newsflash@discover.qrs1.net", text: "News Online"},
	{file: "boundary-single-dash.eml", subject: "Test bad boundary", from: "test@mail.com",
		text: "Special Comments\n-\nSee attached document", files: []string{"file.pdf"}},
	{file: "long-lines-html.eml", subject: "Please enjoy this mega long link", from: "postmaster@example.com", text: "Very long link"},
	{file: "html-only-newsletter-8bits.eml", subject: "The Original Advantage #e13011", from: "announcements@provantage.com",
		text: "Can't read this email? Click here"},
	// An ordinary mail by the rules: X-Auto-Response-Suppress and
	// X-MS-Exchange-Inbox-Rules-Loop only.
	{file: "autoreply-exchange-oof.eml", subject: "Automatic reply: Nyaan", from: "kijitora@example.org",
		text: "I will be traveling for work on July 10-31."},
	{file: "thunderbird-reply-list.eml", subject: "Re: [Cfrg] Adoption call for draft-sullivan-cfrg-voprf", from: "user@example.com",
		text: "Hi Kenny:", notText: "This email starts a 2-week adoption call", auto: true},
	{file: "mailman-list-yahoo.eml", subject: "[Shapelib] need some help", from: "calpas2007@yahoo.fr",
		text: "I am writting my first C application", auto: true},
	{file: "mailchimp-newsletter.eml", subject: "New Webinar: So, You Have A Disaster... Now What?", from: "info@continuityinsights.com",
		text: "Upcoming Webinar", auto: true},
	{file: "github-notification-script.eml", subject: "Re: [Webklex/php-imap] Read all folders? (Issue #349)",
		from: "notifications@github.com", text: "Any updates?", auto: true},
	{file: "postfix-dsn.eml", subject: "Undelivered Mail Returned to Sender", from: "MAILER-DAEMON@example.com.com",
		text: "could not\nbe delivered", files: []string{"message.eml"}, auto: true,
		bounce: "asdfasdfasdfasdfasdfasdfewrqertrtyrthsfgdfgadfqeadvxzvz@gmail.com 5.1.1"},
	{file: "office365-ndr.eml", subject: "Undeliverable: test_bounce 8", from: "postmaster@example.no",
		text: "Your message to noname@example.com", files: []string{"message.eml"}, auto: true,
		bounce: "noname@example.com 5.1.10"},
	{file: "autoreply-auto-submitted.eml", subject: "Away until May 5", from: "kijitora@example.net",
		text: "I am currently away", auto: true},
	{file: "autoreply-mimecast.eml", subject: "AutoRespons :Nyaan?", from: "noreply@example.com",
		text: "is no longer in use", auto: true},
	{file: "autoreply-arabic-base64.eml", subject: "أهلين عميلنا الكريم", from: "example@gmail.com",
		text: "أنا أحتاجها فقط", auto: true},
	{file: "bad-final-boundary.eml", subject: "Attachment", from: "james@makita.skynet",
		text: "A text section", files: []string{"foo_9E5D72.zip"}, defects: true},
	{file: "missing-final-boundary.eml", subject: "Test", from: "me@example.com", text: "Some body", defects: true},
	{file: "illegal-boundary-outlook-express.eml", subject: "Testing outlook", from: "email_test@me.nowhere",
		text: "This is an outlook test"},
	{file: "enclosed-bad-encoding.eml", subject: "Wow", from: "bob@example.net", text: "Hello", files: []string{"thanks.eml"}},
	// Its To is group syntax broken beyond reading: a defect, no address.
	{file: "missing-body-outlook-express.eml", subject: "REDACTED", from: "redacted@attglobal.net", defects: true},
}

func TestCorpus(t *testing.T) {
	dir := corpusDir(t)
	manifest := manifestFiles(t, dir)
	var names []string
	for _, c := range corpus {
		names = append(names, c.file)
	}
	for _, f := range manifest {
		if !slices.Contains(names, f) {
			t.Errorf("%s is in MANIFEST.tsv but has no row here", f)
		}
	}
	for _, c := range corpus {
		t.Run(strings.TrimSuffix(c.file, ".eml"), func(t *testing.T) {
			raw, err := os.ReadFile(filepath.Join(dir, c.file))
			if err != nil {
				t.Fatal(err)
			}
			m, err := Parse(raw)
			if err != nil {
				t.Fatalf("Parse: %v", err)
			}
			if m.Subject != c.subject {
				t.Errorf("Subject = %q, want %q", m.Subject, c.subject)
			}
			if m.From.Address != c.from {
				t.Errorf("From = %q, want %q", m.From.Address, c.from)
			}
			if c.text == "" && m.Text != "" {
				t.Errorf("Text = %.80q, want none", m.Text)
			}
			if !strings.Contains(m.Text, c.text) || !strings.Contains(m.Reply, c.text) {
				t.Errorf("Text/Reply lack %q: %.200q", c.text, m.Reply)
			}
			if c.notText != "" && (strings.Contains(m.Reply, c.notText) || !strings.Contains(m.Text, c.notText)) {
				t.Errorf("quoted %q: want it in Text only", c.notText)
			}
			var files []string
			for _, a := range m.Attachments {
				files = append(files, a.Filename)
				if a.Size == 0 || len(a.Data) != a.Size {
					t.Errorf("attachment %q: size %d, data %d", a.Filename, a.Size, len(a.Data))
				}
			}
			if !slices.Equal(files, c.files) {
				t.Errorf("attachments = %q, want %q", files, c.files)
			}
			if (m.Auto != "") != c.auto {
				t.Errorf("Auto = %q, want auto %v", m.Auto, c.auto)
			}
			bounce := ""
			if m.Bounce != nil {
				bounce = m.Bounce.Recipient + " " + m.Bounce.Status
				if m.Bounce.OriginalMessageID == "" {
					t.Errorf("bounce without the original Message-ID")
				}
			}
			if bounce != c.bounce {
				t.Errorf("Bounce = %q, want %q", bounce, c.bounce)
			}
			if (len(m.Defects) > 0) != c.defects {
				t.Errorf("Defects = %q, want some: %v", m.Defects, c.defects)
			}
			for _, bad := range []string{"<script", "javascript:", "onerror", "onload"} {
				if strings.Contains(strings.ToLower(m.HTML), bad) {
					t.Errorf("sanitized HTML holds %q", bad)
				}
			}
		})
	}
}

func manifestFiles(t *testing.T, dir string) []string {
	f, err := os.Open(filepath.Join(dir, "MANIFEST.tsv"))
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var files []string
	s := bufio.NewScanner(f)
	for s.Scan() {
		if name, _, _ := strings.Cut(s.Text(), "\t"); strings.HasSuffix(name, ".eml") {
			files = append(files, name)
		}
	}
	return files
}

// FuzzParse feeds corpus files and mutations; Parse must never panic and
// must return a Mail or ErrNotMail.
func FuzzParse(f *testing.F) {
	f.Add([]byte("Subject: x\r\n\r\nbody"))
	f.Add([]byte("Content-Type: multipart/mixed; boundary=b\n\n--b\nContent-Type: text/html\n\n<p>x</p>\n--b--"))
	f.Add([]byte("Content-Type: multipart/report; report-type=delivery-status; boundary=r\n\n--r\nContent-Type: message/delivery-status\n\nFinal-Recipient: rfc822; a@b\nAction: failed\n--r--"))
	// Our own corpus (testdata/corpus), then the shared one when present.
	if paths, _ := filepath.Glob(filepath.Join("testdata", "corpus", "*.eml")); len(paths) > 0 {
		for _, p := range paths {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	if dir, _ := findCorpus(); dir != "" {
		paths, _ := filepath.Glob(filepath.Join(dir, "*.eml"))
		for _, p := range paths {
			if b, err := os.ReadFile(p); err == nil {
				f.Add(b)
			}
		}
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		m, err := Limits{AttachmentBytes: 1 << 20, Parts: 50, Depth: 8}.Parse(raw)
		if err != nil {
			if err != ErrNotMail {
				t.Fatalf("unexpected error %v", err)
			}
			return
		}
		if m == nil {
			t.Fatal("nil Mail without error")
		}
	})
}
