package web

import (
	"embed"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"net/http"
	"strconv"
	"strings"

	"golang.org/x/text/language"

	"github.com/ticketd/ticketd/internal/desk"
)

// Languages the desk speaks, as <html lang> names them; the first is the
// fallback. Each has a catalog i18n/<lang>.json, plus optional parts
// i18n/<lang>.<part>.json (one per area of the desk, so that areas grow
// without touching each other's files); together they hold every key the
// English ones do (TestCatalogsComplete).
var Languages = []string{"en", "es", "zh-Hans", "id"}

//go:embed i18n/*.json
var catalogFiles embed.FS

var catalogs = func() map[string]map[string]string {
	out := map[string]map[string]string{}
	for _, l := range Languages {
		names, err := fs.Glob(catalogFiles, "i18n/"+l+".*.json")
		if err != nil {
			panic(fmt.Sprintf("desk catalog %s: %v", l, err))
		}
		m := map[string]string{}
		for _, name := range append([]string{"i18n/" + l + ".json"}, names...) {
			b, err := catalogFiles.ReadFile(name)
			if err != nil {
				panic(fmt.Sprintf("desk catalog %s: %v", name, err))
			}
			part := map[string]string{}
			if err := json.Unmarshal(b, &part); err != nil {
				panic(fmt.Sprintf("desk catalog %s: %v", name, err))
			}
			for k, v := range part {
				if _, dup := m[k]; dup {
					panic(fmt.Sprintf("desk catalog %s: key %q is also in another part", name, k))
				}
				m[k] = v
			}
		}
		out[l] = m
	}
	return out
}()

var matcher = language.NewMatcher([]language.Tag{language.English, language.Spanish, language.SimplifiedChinese, language.Indonesian})

// LangCookie keeps the language an agent picked on this browser.
const LangCookie = "tkd_lang"

// langOf is the language of r: the agent's pick, else Accept-Language.
func langOf(r *http.Request) string {
	if c, err := r.Cookie(LangCookie); err == nil {
		for _, l := range Languages {
			if c.Value == l {
				return l
			}
		}
	}
	tags, _, _ := language.ParseAcceptLanguage(r.Header.Get("Accept-Language"))
	_, i, _ := matcher.Match(tags...)
	return Languages[i]
}

// T is key in lang with {name} placeholders replaced by the pairs in args;
// an unknown key falls back to English, then to the key itself.
func T(lang, key string, args ...string) string {
	s, ok := catalogs[lang][key]
	if !ok {
		if s, ok = catalogs["en"][key]; !ok {
			s = key
		}
	}
	return fill(s, args)
}

// fill puts args (name, value pairs) into s's {name} placeholders in one
// pass; a placeholder without a value stays as written, and values are
// not searched for placeholders. The timeline says a sentence per event,
// and a strings.Replacer built per call was 4 % of the ticket page's CPU.
func fill(s string, args []string) string {
	if len(args) < 2 || strings.IndexByte(s, '{') < 0 {
		return s
	}
	var b strings.Builder
	b.Grow(len(s) + 32)
	for {
		i := strings.IndexByte(s, '{')
		if i < 0 {
			break
		}
		j := strings.IndexByte(s[i+1:], '}')
		if j < 0 {
			break
		}
		name, end := s[i+1:i+1+j], i+2+j
		b.WriteString(s[:i])
		if v, ok := argOf(args, name); ok {
			b.WriteString(v)
		} else {
			b.WriteString(s[i:end])
		}
		s = s[end:]
	}
	b.WriteString(s)
	return b.String()
}

func argOf(args []string, name string) (string, bool) {
	for i := 0; i+1 < len(args); i += 2 {
		if args[i] == name {
			return args[i+1], true
		}
	}
	return "", false
}

// has reports whether lang's catalog (or English) has key.
func has(lang, key string) bool {
	_, ok := catalogs[lang][key]
	if !ok {
		_, ok = catalogs["en"][key]
	}
	return ok
}

// fieldLabel is a desk field path in lang ("subject", "custom_fields.x").
func fieldLabel(lang, field string) string {
	if field == "" {
		return ""
	}
	if has(lang, "field."+field) {
		return T(lang, "field."+field)
	}
	return field
}

// ErrorText says a desk error in lang: typed errors from their code and
// params (never their English text), sentinels in the desk's own words.
func ErrorText(lang string, err error) string {
	var ep *errPage
	if errors.As(err, &ep) {
		return T(lang, ep.key)
	}
	if fe, ok := desk.AsFieldError(err); ok {
		p := fe.Params
		fields := make([]string, 0, len(p.Fields))
		for _, f := range p.Fields {
			fields = append(fields, fieldLabel(lang, f))
		}
		return T(lang, "code."+string(fe.Code),
			"field", fieldLabel(lang, fe.Field), "max", strconv.Itoa(p.Max), "min", strconv.Itoa(p.Min),
			"count", strconv.Itoa(p.Count), "number", strconv.FormatInt(p.Number, 10), "value", p.Value,
			"allowed", strings.Join(p.Allowed, ", "), "fields", strings.Join(fields, " / "), "entity", p.Entity,
			"ref", p.Ref, "format", p.Format, "want", p.Want)
	}
	switch {
	case errors.Is(err, desk.ErrNotFound):
		return T(lang, "err.not_found")
	case errors.Is(err, desk.ErrForbidden):
		return T(lang, "err.forbidden")
	case errors.Is(err, desk.ErrCapacity):
		return T(lang, "err.capacity")
	case errors.Is(err, desk.ErrConflict):
		return T(lang, "err.conflict")
	case errors.Is(err, desk.ErrInvalid):
		return T(lang, "err.invalid")
	}
	return T(lang, "err.internal")
}
