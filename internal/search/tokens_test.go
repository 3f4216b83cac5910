package search

import (
	"slices"
	"strings"
	"testing"
	"unicode/utf8"
)

func TestTokens(t *testing.T) {
	for _, c := range []struct {
		in   string
		want string // tokens joined by |
	}{
		{"", ""},
		{"Refund, please!", "refund|please"},
		{"Canción ÑANDÚ niño", "cancion|nandu|nino"},
		{"cafe\u0301", "cafe"}, // e + combining acute
		{"Pengembalian dana terlambat.", "pengembalian|dana|terlambat"},
		{"我要退款，谢谢", "我|要|退|款|谢|谢"},
		{"订单#2444已发货", "订|单|2444|已|发|货"},
		{"refund退款", "refund|退|款"},
		{"ラーメン", "ラ|ー|メ|ン"},
		{"한국어 문의", "한|국|어|문|의"},
		{"user@example.com", "user|example|com"},
		{"v2.0 1,234.56", "v2|0|1|234|56"},
		{"Ελληνικά Ά", "ελληνικα|α"},
		{"Привет Ёж", "привет|еж"},
		{"😀 — …", ""},
		{"snake_case-word", "snake|case|word"},
		{"İstanbul", "istanbul"},
		{strings.Repeat("a", 100), strings.Repeat("a", MaxTokenBytes)},
		{strings.Repeat("é", 40), strings.Repeat("e", 40)},
		{strings.Repeat("ж", 40), strings.Repeat("ж", MaxTokenBytes/2)},
	} {
		if got := strings.Join(Tokens(c.in), "|"); got != c.want {
			t.Errorf("Tokens(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestNewDocument(t *testing.T) {
	d := NewDocument("Refund", "first message", []string{"first message", "Second"}, "Ana García", "Ana", "García")
	if got := strings.Join(d.Body, " "); got != "first message second" {
		t.Errorf("body = %q (a description equal to the first message is not repeated)", got)
	}
	if got := strings.Join(d.Contact, " "); got != "ana garcia" {
		t.Errorf("contact = %q", got)
	}
	d = NewDocument("", "desc", []string{"msg"}, "", "Budi", "Santoso")
	if got := strings.Join(d.Body, " ") + "/" + strings.Join(d.Contact, " "); got != "desc msg/budi santoso" {
		t.Errorf("document = %q", got)
	}
	long := strings.Repeat("word ", MaxBodyTokens+10)
	d = NewDocument("", long, []string{"late"})
	if len(d.Body) != MaxBodyTokens || slices.Contains(d.Body, "late") {
		t.Errorf("body of %d tokens; want it cut at %d", len(d.Body), MaxBodyTokens)
	}
}

// FuzzTokens checks that tokens are valid, non-empty, bounded, free of
// separators and stable: tokenizing the tokens again gives them back.
func FuzzTokens(f *testing.F) {
	for _, s := range []string{"Refund, please!", "我要退款，谢谢", "cafe\u0301 Ñandú", "a\xffb", "ﾗｰﾒﾝ", "ǅ ǈ"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		toks := Tokens(s)
		for _, tok := range toks {
			if tok == "" || len(tok) > MaxTokenBytes || !utf8.ValidString(tok) || strings.ContainsAny(tok, " \"'\\%_*") {
				t.Fatalf("Tokens(%q): bad token %q", s, tok)
			}
		}
		if again := Tokens(strings.Join(toks, " ")); !slices.Equal(again, toks) {
			t.Fatalf("Tokens(%q) = %q, but the tokens tokenize to %q", s, toks, again)
		}
	})
}
