package objectid

import (
	"testing"
	"time"
)

func TestNewEmbedsSecond(t *testing.T) {
	at := time.Date(2019, 3, 1, 12, 30, 45, 999e6, time.UTC)
	id := New(at)
	if !Valid(id) {
		t.Fatalf("New returned invalid id %q", id)
	}
	got, err := Time(id)
	if err != nil {
		t.Fatal(err)
	}
	if !got.Equal(at.Truncate(time.Second)) {
		t.Fatalf("Time(%s) = %v, want %v", id, got, at.Truncate(time.Second))
	}
}

func TestNewUnique(t *testing.T) {
	seen := make(map[string]bool)
	now := time.Now()
	for i := 0; i < 100000; i++ {
		id := New(now)
		if seen[id] {
			t.Fatalf("duplicate id %s after %d", id, i)
		}
		seen[id] = true
	}
}

func TestValid(t *testing.T) {
	for _, tc := range []struct {
		in   string
		want bool
	}{
		{"5c7a1b2e0a1b2c3d4e5f6071", true},
		{"5C7A1B2E0A1B2C3D4E5F6071", false},
		{"5c7a1b2e0a1b2c3d4e5f607", false},
		{"5c7a1b2e0a1b2c3d4e5f6071a", false},
		{"zc7a1b2e0a1b2c3d4e5f6071", false},
		{"", false},
	} {
		if got := Valid(tc.in); got != tc.want {
			t.Errorf("Valid(%q) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func FuzzTime(f *testing.F) {
	f.Add("5c7a1b2e0a1b2c3d4e5f6071")
	f.Add("")
	f.Fuzz(func(t *testing.T, s string) {
		_, err := Time(s)
		if (err == nil) != Valid(s) {
			t.Fatalf("Time(%q) err=%v but Valid=%v", s, err, Valid(s))
		}
	})
}
