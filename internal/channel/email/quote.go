package email

import (
	"regexp"
	"strings"
)

// Markers of quoted history, each a whole trimmed line. The "On … wrote:"
// family covers the languages our desks answer in; a line split by the
// client's wrapping is handled by joining it with the next one.
var (
	attribution = regexp.MustCompile(`(?i)^(On\s.+\swrote|Le\s.+\sa écrit|El\s.+\sescribió|Am\s.+\sschrieb|Em\s.+\sescreveu|Il\s.+\sha scritto|Op\s.+\sschreef|Pada\s.+\smenulis)\s?:$`)
	originalMsg = regexp.MustCompile(`(?i)^-{2,}\s*(Original Message|Mensaje original|Message d'origine|Ursprüngliche Nachricht|Pesan Asli|原始邮件)\s*-{2,}$`)
	outlookFrom = regexp.MustCompile(`(?i)^\*?(From|De|Von|Dari|发件人)\s?\*?:\s*\S`)
	outlookNext = regexp.MustCompile(`(?i)^\*?(Sent|Date|Enviado|Envoyé|Gesendet|Dikirim|发送时间|To|Subject)\s?\*?:`)
)

// trimQuoted cuts the quoted history off a reply: everything from the
// first attribution line, "Original Message" separator or Outlook header
// block, then a trailing run of ">" lines. Quoting interleaved with new
// text is kept: cutting it would lose the customer's answers.
func trimQuoted(text string) string {
	lines := strings.Split(text, "\n")
	cut := len(lines)
	for i := 0; i < len(lines); i++ {
		l := strings.TrimSpace(lines[i])
		if quoteStart(lines, i, l) {
			cut = i
			break
		}
	}
	lines = lines[:cut]
	// Trailing quoted block and the blank lines around it.
	for len(lines) > 0 {
		l := strings.TrimSpace(lines[len(lines)-1])
		if l != "" && !strings.HasPrefix(l, ">") {
			break
		}
		lines = lines[:len(lines)-1]
	}
	reply := strings.TrimSpace(strings.Join(lines, "\n"))
	if reply == "" {
		// All quote (a forward with no words): better the whole text
		// than nothing.
		return text
	}
	return reply
}

func quoteStart(lines []string, i int, l string) bool {
	switch {
	case l == "":
		return false
	// The cheap tests before each pattern are conditions the pattern
	// implies: most lines are prose and skip the regexps (a 20 KB mail
	// spent a tenth of its ingest here).
	case strings.HasPrefix(l, "--") && originalMsg.MatchString(l):
		return true
	case strings.HasSuffix(l, ":") && attribution.MatchString(l):
		return true
	case i+1 < len(lines) && len(l) < 200 && strings.HasSuffix(strings.TrimSpace(lines[i+1]), ":") &&
		attribution.MatchString(l+" "+strings.TrimSpace(lines[i+1])):
		return strings.HasPrefix(l, "On ") || !strings.HasSuffix(l, ":")
	case strings.HasPrefix(l, "__________") && i+1 < len(lines) && outlookFrom.MatchString(strings.TrimSpace(lines[i+1])):
		return true
	case strings.Contains(l, ":") && outlookFrom.MatchString(l) && !afterForward(lines, i):
		// An Outlook block is From: followed at once by Sent:/Date:/To:;
		// a lone "From:" line in prose is not one, and a forward's
		// header is the content the customer sends us.
		for j := i + 1; j < len(lines) && j <= i+2; j++ {
			if outlookNext.MatchString(strings.TrimSpace(lines[j])) {
				return true
			}
		}
	}
	return false
}

var forwardMarker = regexp.MustCompile(`(?i)(forwarded message|begin forwarded message|mensaje reenviado|message transféré|weitergeleitete nachricht)`)

func afterForward(lines []string, i int) bool {
	for j := i - 1; j >= 0; j-- {
		if l := strings.TrimSpace(lines[j]); l != "" {
			return forwardMarker.MatchString(l)
		}
	}
	return false
}
