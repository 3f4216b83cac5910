package web

import (
	"bytes"
	"encoding/json"
	"io/fs"
	"os"
	"path"
	"regexp"
	"strings"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
)

// TestCatalogsComplete fails when a key is missing from any catalog, or a
// word the desk shows (codes, statuses, priorities, channels) has no key.
func TestCatalogsComplete(t *testing.T) {
	en := catalogs["en"]
	for _, l := range Languages {
		c := catalogs[l]
		for k := range en {
			if c[k] == "" {
				t.Errorf("%s: missing %q", l, k)
			}
		}
		for k := range c {
			if _, ok := en[k]; !ok {
				t.Errorf("%s: %q is not in en.json", l, k)
			}
		}
	}
	var want []string
	for _, c := range desk.Codes {
		want = append(want, "code."+string(c))
	}
	for _, s := range desk.Statuses {
		want = append(want, "status."+string(s))
	}
	for _, ch := range desk.Channels {
		want = append(want, "channel."+string(ch))
	}
	for _, p := range []string{"low", "normal", "high", "urgent"} {
		want = append(want, "priority."+p)
	}
	for _, l := range Languages {
		want = append(want, "lang."+l)
	}
	for _, k := range want {
		if _, ok := en[k]; !ok {
			t.Errorf("en.json has no %q", k)
		}
	}
	// Every key the templates and code use exists.
	used := map[string]bool{}
	for _, dir := range []string{"templates", "."} {
		ents, _ := os.ReadDir(dir)
		for _, f := range ents {
			if f.IsDir() || strings.HasSuffix(f.Name(), "_test.go") {
				continue
			}
			b, _ := os.ReadFile(dir + "/" + f.Name())
			for _, m := range keyRe.FindAllStringSubmatch(string(b), -1) {
				used[m[1]] = true
			}
		}
	}
	for k := range used {
		if _, ok := en[k]; !ok {
			t.Errorf("key %q is used but not in en.json", k)
		}
	}
	if len(used) < 50 {
		t.Errorf("found only %d used keys: the scan is broken", len(used))
	}
}

func TestCatalogsAreJSONObjectsOfStrings(t *testing.T) {
	names, err := fs.Glob(catalogFiles, "i18n/*.json")
	if err != nil {
		t.Fatal(err)
	}
	for _, name := range names {
		b, err := catalogFiles.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]string
		if err := json.Unmarshal(b, &m); err != nil {
			t.Errorf("%s: %v", name, err)
		}
		// A part must belong to a language the desk speaks, or its keys
		// would silently never be read.
		base := strings.TrimSuffix(strings.TrimPrefix(name, "i18n/"), ".json")
		known := false
		for _, l := range Languages {
			if base == l || strings.HasPrefix(base, l+".") {
				known = true
			}
		}
		if !known {
			t.Errorf("%s: not a catalog of any of %v", name, Languages)
		}
	}
}

func TestSessionLifetimes(t *testing.T) {
	now := time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)
	for _, c := range []struct {
		name      string
		seen, exp time.Time
		want      bool
	}{
		{"fresh", now.Add(-time.Minute), now.Add(time.Hour), true},
		{"idle just under", now.Add(-IdleTimeout + time.Second), now.Add(time.Hour), true},
		{"idle too long", now.Add(-IdleTimeout), now.Add(time.Hour), false},
		{"past absolute", now.Add(-time.Minute), now, false},
	} {
		if got := live(&desk.Session{SeenAt: c.seen, ExpiresAt: c.exp}, now); got != c.want {
			t.Errorf("%s: live %v, want %v", c.name, got, c.want)
		}
	}
}

func TestSafeNext(t *testing.T) {
	for in, want := range map[string]string{"/": "/", "/tickets/3": "/tickets/3", "//evil.test": "/", "/\\evil.test": "/",
		"https://evil.test": "/", "": "/", "/a\r\nb": "/"} {
		if got := safeNext(in); got != want {
			t.Errorf("safeNext(%q) = %q, want %q", in, got, want)
		}
	}
}

func FuzzSafeNext(f *testing.F) {
	for _, s := range []string{"/", "//x", "/\\x", "http://x", "/tickets/1?x=1"} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		got := safeNext(s)
		if !strings.HasPrefix(got, "/") || strings.HasPrefix(got, "//") || strings.HasPrefix(got, "/\\") {
			t.Fatalf("safeNext(%q) = %q leaves the site", s, got)
		}
	})
}

func TestDecodeCursor(t *testing.T) {
	for _, c := range []struct {
		in string
		ok bool
	}{{"1.2", true}, {"1733500000000.45", true}, {"x.1", false}, {"1", false}, {"", false}, {"1.2.3", false}} {
		_, err := decodeCursor(c.in)
		if (err == nil) != c.ok {
			t.Errorf("decodeCursor(%q): %v", c.in, err)
		}
	}
}

func FuzzDecodeCursor(f *testing.F) {
	f.Add("1.2")
	f.Fuzz(func(t *testing.T, s string) {
		c, err := decodeCursor(s)
		if err == nil && encodeCursor(c) != s && !strings.ContainsAny(s, "+0") {
			t.Fatalf("%q decodes to %+v, which encodes to %q", s, c, encodeCursor(c))
		}
	})
}

var keyRe = mustKeyRe()

func mustKeyRe() *regexp.Regexp {
	return regexp.MustCompile(`(?:\.T|T\(lang,|T\(v\.lang,|T\(d\.Lang,|\$p\.T|\$\.T) "((?:[a-z_]+\.)+[a-z_]+)"`)
}

// TestAssetParts checks that every app.<part>.css/js is served inside its
// bundle, after the base file (a part overrides the base, not the reverse).
func TestAssetParts(t *testing.T) {
	s, err := loadAssets()
	if err != nil {
		t.Fatal(err)
	}
	ents, err := fs.ReadDir(assetFiles, "assets")
	if err != nil {
		t.Fatal(err)
	}
	for _, e := range ents {
		name := e.Name()
		ext := path.Ext(name)
		stem := strings.TrimSuffix(name, ext)
		i := strings.IndexByte(stem, '.')
		if i < 0 {
			continue
		}
		bundle := stem[:i] + ext
		base, _ := assetFiles.ReadFile("assets/" + bundle)
		part, _ := assetFiles.ReadFile("assets/" + name)
		served := s.byHash[strings.TrimPrefix(s.URL(bundle), "/assets/")]
		if served == nil {
			t.Fatalf("%s: no bundle %s", name, bundle)
		}
		bi, pi := bytes.Index(served.body, base), bytes.Index(served.body, part)
		if bi != 0 || pi <= 0 {
			t.Errorf("%s: base at %d, part at %d in %s", name, bi, pi, bundle)
		}
	}
	if len(s.url) == 0 || s.URL("app.css") == "" || s.URL("app.js") == "" {
		t.Fatalf("bundles missing: %v", s.url)
	}
}

func TestFill(t *testing.T) {
	for _, c := range []struct {
		s    string
		args []string
		want string
	}{
		{"no placeholders", []string{"a", "1"}, "no placeholders"},
		{"{a}", nil, "{a}"},
		{"{a} and {b}", []string{"a", "1", "b", "2"}, "1 and 2"},
		{"{b}{a}{b}", []string{"a", "x", "b", "y"}, "yxy"},
		{"{missing} stays, {a} goes", []string{"a", "1"}, "{missing} stays, 1 goes"},
		{"values {a} are not searched", []string{"a", "{b}", "b", "no"}, "values {b} are not searched"},
		{"unclosed {a", []string{"a", "1"}, "unclosed {a"},
		{"{a}} and {{a}", []string{"a", "1"}, "1} and {{a}"},
		{"odd args {a}", []string{"a"}, "odd args {a}"},
		{"你好 {name}，欢迎", []string{"name", "Ana"}, "你好 Ana，欢迎"},
	} {
		if got := fill(c.s, c.args); got != c.want {
			t.Errorf("fill(%q, %q) = %q, want %q", c.s, c.args, got, c.want)
		}
	}
}

// fill agrees with the replacer it replaced wherever every placeholder
// has a value.
func FuzzFill(f *testing.F) {
	f.Add("{a} and {b}", "1", "{a}")
	f.Add("x{a}{a}y", "", "")
	f.Fuzz(func(t *testing.T, s, a, b string) {
		args := []string{"a", a, "b", b}
		got := fill(s, args)
		if strings.Contains(s, "{") && !strings.ContainsAny(strings.NewReplacer("{a}", "", "{b}", "").Replace(s), "{}") {
			want := strings.NewReplacer("{a}", a, "{b}", b).Replace(s)
			if got != want {
				t.Fatalf("fill(%q) = %q, replacer %q", s, got, want)
			}
		}
	})
}
