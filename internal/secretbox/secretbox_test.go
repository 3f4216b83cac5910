package secretbox

import (
	"errors"
	"strings"
	"testing"
)

func TestSealOpen(t *testing.T) {
	b, err := New([]byte("0123456789abcdef-test"))
	if err != nil {
		t.Fatal(err)
	}
	s1, err := b.Seal([]byte("hunter2"), []byte("acct1"))
	if err != nil {
		t.Fatal(err)
	}
	s2, _ := b.Seal([]byte("hunter2"), []byte("acct1"))
	if s1 == s2 || !Sealed(s1) || strings.Contains(s1, "hunter2") {
		t.Fatalf("sealed %q, %q: want distinct, prefixed, opaque", s1, s2)
	}
	if p, err := b.Open(s1, []byte("acct1")); err != nil || string(p) != "hunter2" {
		t.Fatalf("Open = %q, %v", p, err)
	}
	other, _ := New([]byte("another-secret-16+"))
	for name, try := range map[string]func() ([]byte, error){
		"other aad":    func() ([]byte, error) { return b.Open(s1, []byte("acct2")) },
		"other secret": func() ([]byte, error) { return other.Open(s1, []byte("acct1")) },
		"plain":        func() ([]byte, error) { return b.Open("hunter2", nil) },
		"cut":          func() ([]byte, error) { return b.Open(s1[:len(s1)-3], []byte("acct1")) },
		"bad base64":   func() ([]byte, error) { return b.Open(Prefix+"!!", nil) },
	} {
		if _, err := try(); !errors.Is(err, ErrOpen) {
			t.Errorf("%s: err = %v, want ErrOpen", name, err)
		}
	}
	if _, err := New(nil); err == nil {
		t.Error("empty secret accepted")
	}
}
