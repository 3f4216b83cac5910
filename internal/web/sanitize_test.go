package web

import (
	"fmt"
	"strings"
	"sync"
	"testing"
)

// The cache answers what policy answers, from the second time on without
// sanitizing again, and stays within its budget.
func TestSanitizerCache(t *testing.T) {
	s := newSanitizer(1 << 20)
	bodies := []string{
		`<p>Quarterly invoice attached</p><img src=x onerror="alert(1)"><script>alert(2)</script><a href="javascript:alert(3)">x</a>`,
		`<table><tr><td style="color:red">Hello <b>Ana</b></td></tr></table>`,
		`plain text & <not a tag`,
		``,
	}
	for round := range 2 {
		for _, b := range bodies {
			if got, want := s.sanitize(b), policy.Sanitize(b); got != want {
				t.Fatalf("round %d: sanitize(%q) = %q, policy says %q", round, b, got, want)
			}
		}
	}
	if s.misses != len(bodies) || s.hits != len(bodies) {
		t.Fatalf("%d misses and %d hits, want %d of each", s.misses, s.hits, len(bodies))
	}
	if out := s.sanitize(bodies[0]); strings.Contains(out, "onerror") || strings.Contains(out, "<script") || strings.Contains(out, "javascript:") {
		t.Fatalf("a cached body carries script: %q", out)
	}
	// One changed byte is another body.
	if got := s.sanitize(bodies[1] + " "); got != policy.Sanitize(bodies[1]+" ") || s.misses != len(bodies)+1 {
		t.Fatalf("a changed body: %q, %d misses", got, s.misses)
	}
}

func TestSanitizerEvicts(t *testing.T) {
	const budget = 16 << 10
	s := newSanitizer(budget)
	body := func(i int) string { return fmt.Sprintf("<p>message %d %s</p>", i, strings.Repeat("x", 900)) }
	for i := range 100 {
		s.sanitize(body(i))
		if s.size > budget {
			t.Fatalf("after %d bodies the cache holds %d bytes, budget %d", i+1, s.size, budget)
		}
	}
	if n := s.lru.Len(); n == 0 || n != len(s.byHash) || n >= 100 {
		t.Fatalf("%d entries listed, %d by hash", n, len(s.byHash))
	}
	// The most recent stay, the oldest went.
	hits := s.hits
	s.sanitize(body(99))
	s.sanitize(body(0))
	if s.hits != hits+1 {
		t.Fatalf("hits %d → %d: want the newest kept and the oldest evicted", hits, s.hits)
	}
	// A body bigger than an eighth of the budget is answered, not kept.
	big := "<p>" + strings.Repeat("y", budget) + "</p>"
	n := s.lru.Len()
	if got := s.sanitize(big); got != policy.Sanitize(big) || s.lru.Len() != n {
		t.Fatalf("a huge body was kept (%d → %d entries) or changed", n, s.lru.Len())
	}
}

// Many pages at once share the cache (go test -race).
func TestSanitizerConcurrent(t *testing.T) {
	s := newSanitizer(64 << 10)
	var wg sync.WaitGroup
	for g := range 8 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range 200 {
				b := fmt.Sprintf(`<p onclick="x()">%d</p>`, (g*7+i)%50)
				if got := s.sanitize(b); got != policy.Sanitize(b) {
					t.Errorf("sanitize(%q) = %q", b, got)
					return
				}
			}
		}()
	}
	wg.Wait()
}
