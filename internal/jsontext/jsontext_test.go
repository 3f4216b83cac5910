package jsontext

import (
	"bytes"
	"encoding/json"
	"testing"
)

var samples = []string{"", "a", `"`, `\`, "<a href='x'>&amp;</a>", "\u2028\u2029", "\x00\x1f\b\f\n\r\t", "\xff", "a\xc3",
	"日本語", "é", "\xe2\x80", "\xe2\x80\xa8x", "0", "-0", "1.5e+10", "true", "null", `"x"`, `"<"`, "01", "1.", "-", "1e", ".5",
	"2.", "1E-2", "falsey", "nul", `"a\"b"`, `"é"`, `"a` + "\x01" + `"`, `"` + "\xe2\x80\xa9" + `"`, `"&"`, "[]", "{}"}

func checkString(t *testing.T, s string) {
	want, _ := json.Marshal(s)
	if got := AppendString(nil, s); !bytes.Equal(got, want) {
		t.Fatalf("AppendString(%q) = %s, json.Marshal %s", s, got, want)
	}
}

func checkPlain(t *testing.T, s string) {
	v, n, ok := PlainString(s)
	if !ok {
		return
	}
	var want string
	if err := json.Unmarshal([]byte(s[:n]), &want); err != nil || want != v {
		t.Fatalf("PlainString(%q) = %q, %d; Unmarshal gives %q, %v", s, v, n, want, err)
	}
}

func checkScalar(t *testing.T, s string) {
	n := Scalar(s)
	if n == 0 {
		return
	}
	if !json.Valid([]byte(s[:n])) {
		t.Fatalf("Scalar(%q) = %d: %q is not valid JSON", s, n, s[:n])
	}
	out, err := json.Marshal(json.RawMessage(s[:n]))
	if err != nil || string(out) != s[:n] {
		t.Fatalf("Scalar(%q) = %d, but json.Marshal rewrites %q as %q (%v)", s, n, s[:n], out, err)
	}
	var v any
	if json.Unmarshal([]byte(s[:n]), &v) != nil {
		t.Fatalf("Scalar(%q): not a value", s)
	}
	if _, isObj := v.(map[string]any); isObj {
		t.Fatalf("Scalar(%q): an object", s)
	}
	if _, isArr := v.([]any); isArr {
		t.Fatalf("Scalar(%q): an array", s)
	}
}

func TestAgainstEncodingJSON(t *testing.T) {
	hits := 0
	for _, s := range samples {
		checkString(t, s)
		checkPlain(t, s)
		checkScalar(t, s)
		if Scalar(s) > 0 {
			hits++
		}
	}
	if hits < 10 {
		t.Fatalf("Scalar accepted only %d samples", hits)
	}
	for s, want := range map[string]int{"12,": 2, `"ab"}`: 4, "true,": 4, "-0.5e3]": 6, "01": 1, "1.": 0, `"<"`: 0, "x": 0} {
		if got := Scalar(s); got != want {
			t.Errorf("Scalar(%q) = %d, want %d", s, got, want)
		}
	}
}

func FuzzAgainstEncodingJSON(f *testing.F) {
	for _, s := range samples {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		checkString(t, s)
		checkPlain(t, s)
		checkScalar(t, s)
	})
}
