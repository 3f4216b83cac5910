package search

import (
	"unicode"
	"unicode/utf8"

	"golang.org/x/text/unicode/norm"
)

// MaxTokenBytes truncates longer tokens (at a character boundary), in
// documents and queries alike, so a pasted blob cannot bloat an index.
const MaxTokenBytes = 64

// Tokens splits text into the tokens the full-text index stores and the
// queries look up. Both stores index these tokens, not their own
// tokenizer's, so the two stores and the tests agree on what matches:
//
//   - letters, digits and marks make tokens; everything else separates;
//   - tokens are lower-cased, and Latin, Greek and Cyrillic letters lose
//     their diacritics (canción → cancion, Ñandú → nandu);
//   - Chinese, Japanese and Korean characters are one token each, so a
//     word such as 退款 is searched as the phrase 退 款 and matches
//     wherever those characters stand together.
func Tokens(text string) []string {
	var out []string
	Scan(text, func(tok string) bool {
		out = append(out, tok)
		return true
	})
	return out
}

// Scan calls fn with each token of text in order (see Tokens) until fn
// returns false.
func Scan(text string, fn func(tok string) bool) {
	if !norm.NFC.IsNormalString(text) {
		text = norm.NFC.String(text)
	}
	// One buffer for every token: a strings.Builder reset per token
	// regrew from nothing each time, most of indexing a long mail.
	buf := make([]byte, 0, MaxTokenBytes+utf8.UTFMax*4)
	emit := func() bool {
		if len(buf) == 0 {
			return true
		}
		tok := string(buf)
		buf = buf[:0]
		return fn(tok)
	}
	for _, r := range text {
		if r < utf8.RuneSelf {
			// ASCII: letters and digits are exactly what the Unicode
			// tests below accept.
			switch {
			case 'a' <= r && r <= 'z' || '0' <= r && r <= '9':
			case 'A' <= r && r <= 'Z':
				r += 'a' - 'A'
			default:
				if !emit() {
					return
				}
				continue
			}
			if len(buf) < MaxTokenBytes {
				buf = append(buf, byte(r))
			}
			continue
		}
		switch {
		case ideograph(r):
			if !emit() {
				return
			}
			buf = utf8.AppendRune(buf, unicode.ToLower(r))
			if !emit() {
				return
			}
		case unicode.IsLetter(r) || unicode.IsNumber(r) || unicode.IsMark(r) || unicode.Is(unicode.Co, r):
			buf = fold(buf, r)
		default:
			if !emit() {
				return
			}
		}
	}
	emit()
}

// fold appends r lower-cased, without diacritics when it is a Latin, Greek
// or Cyrillic letter, unless the token is already MaxTokenBytes long.
func fold(b []byte, r rune) []byte {
	r = unicode.ToLower(r)
	var buf [utf8.UTFMax * 4]byte
	s := buf[:utf8.EncodeRune(buf[:], r)]
	if 0x00C0 <= r && r < 0x0530 {
		s = norm.NFD.Append(buf[len(s):len(s)], s...)
		kept := s[:0]
		for i := 0; i < len(s); {
			c, n := utf8.DecodeRune(s[i:])
			if !unicode.Is(unicode.Mn, c) {
				kept = append(kept, s[i:i+n]...)
			}
			i += n
		}
		s = kept
	} else if unicode.Is(unicode.Mn, r) && len(b) > 0 {
		// A combining mark after a folded letter (an "é" typed as e + ◌́)
		// folds away with it.
		last, _ := utf8.DecodeLastRune(b)
		if last < 0x0530 {
			return b
		}
	}
	if len(b)+len(s) <= MaxTokenBytes {
		b = append(b, s...)
	}
	return b
}

// IsIdeograph reports whether tok is a token of one ideographic character
// (see Tokens): stores may index pairs of them to find CJK words fast.
func IsIdeograph(tok string) bool {
	r, n := utf8.DecodeRuneInString(tok)
	return n == len(tok) && ideograph(r)
}

// ideograph reports whether r is a character of a script written without
// spaces between words (Han, Hiragana, Katakana) or Hangul, each of which
// is indexed as a token of its own.
func ideograph(r rune) bool {
	if r < 0x1100 {
		return false
	}
	return unicode.In(r, unicode.Han, unicode.Hiragana, unicode.Katakana, unicode.Hangul) ||
		r == 0x30FC // ー, the Katakana length mark
}
