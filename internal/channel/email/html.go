package email

import (
	"regexp"
	"strings"

	"github.com/microcosm-cc/bluemonday"
	"golang.org/x/net/html"
	"golang.org/x/net/html/atom"
)

// policy is built once: a bluemonday policy is safe for concurrent use
// once built, and building it per message would dominate parsing time.
var policy = func() *bluemonday.Policy {
	p := bluemonday.UGCPolicy()
	// cid: names an inline part of the same message; the desk rewrites it
	// to the stored attachment's URL when it renders the message.
	p.AllowURLSchemes("cid")
	return p
}()

// sanitize makes sender HTML safe to show an agent: no script, no event
// handlers, no javascript: URLs, no style.
func sanitize(h string) string { return strings.TrimSpace(policy.Sanitize(h)) }

// htmlText renders HTML as plain text for a message that has no
// text/plain part: block elements break lines, script and style vanish.
func htmlText(h string) string {
	z := html.NewTokenizer(strings.NewReader(h))
	var b strings.Builder
	skip := 0 // depth inside script/style/head
	for {
		tt := z.Next()
		switch tt {
		case html.ErrorToken:
			return tidyText(b.String())
		case html.TextToken:
			if skip == 0 {
				b.WriteString(collapseSpace(string(z.Text())))
			}
		case html.StartTagToken, html.EndTagToken, html.SelfClosingTagToken:
			name, _ := z.TagName()
			a := atom.Lookup(name)
			switch a {
			case atom.Script, atom.Style, atom.Head, atom.Title:
				if tt == html.StartTagToken {
					skip++
				} else if tt == html.EndTagToken && skip > 0 {
					skip--
				}
			case atom.Br:
				b.WriteByte('\n')
			case atom.P, atom.Div, atom.Tr, atom.Table, atom.H1, atom.H2, atom.H3,
				atom.H4, atom.H5, atom.H6, atom.Blockquote, atom.Ul, atom.Ol, atom.Pre, atom.Hr:
				b.WriteByte('\n')
			case atom.Li:
				if tt == html.StartTagToken {
					b.WriteString("\n- ")
				}
			case atom.Td, atom.Th:
				if tt == html.EndTagToken {
					b.WriteByte(' ')
				}
			}
		}
	}
}

var spaceRun = regexp.MustCompile(`[ \t\r\n\f\x{a0}]+`)

func collapseSpace(s string) string { return spaceRun.ReplaceAllString(s, " ") }

// tidyText trims each line and keeps at most one blank line in a row:
// table layouts otherwise leave screens of empty lines.
func tidyText(s string) string {
	lines := strings.Split(s, "\n")
	out := lines[:0]
	blank := false
	for _, l := range lines {
		l = strings.TrimSpace(l)
		if l == "" {
			if blank {
				continue
			}
			blank = true
		} else {
			blank = false
		}
		out = append(out, l)
	}
	return strings.TrimSpace(strings.Join(out, "\n"))
}
