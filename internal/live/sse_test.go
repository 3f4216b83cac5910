package live

import (
	"errors"
	"io"
	"strings"
	"testing"
)

func TestEventReader(t *testing.T) {
	tests := []struct {
		name     string
		in       string
		want     []Event
		comments int
		err      error
	}{
		{"one event", "id: 1\nevent: status\ndata: {\"a\":1}\n\n", []Event{{"1", "status", `{"a":1}`}}, 0, io.EOF},
		{"default name", "data: x\n\n", []Event{{"", "message", "x"}}, 0, io.EOF},
		{"multi-line data", "data: a\ndata: b\n\n", []Event{{"", "message", "a\nb"}}, 0, io.EOF},
		{"comments and retry skipped", "retry: 3000\n: connected\n\n: ping\n\nid: 2\ndata: y\n\n", []Event{{"2", "message", "y"}}, 2, io.EOF},
		{"CRLF", "id: 3\r\ndata: z\r\n\r\n", []Event{{"3", "message", "z"}}, 0, io.EOF},
		{"no space after colon", "data:tight\n\n", []Event{{"", "message", "tight"}}, 0, io.EOF},
		{"two events", "data: 1\n\ndata: 2\n\n", []Event{{"", "message", "1"}, {"", "message", "2"}}, 0, io.EOF},
		{"cut mid-event", "id: 4\ndata: half", nil, 0, io.ErrUnexpectedEOF},
		{"empty", "", nil, 0, io.EOF},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			er := NewEventReader(strings.NewReader(tt.in))
			var got []Event
			var err error
			for {
				var ev Event
				if ev, err = er.Next(); err != nil {
					break
				}
				got = append(got, ev)
			}
			if !errors.Is(err, tt.err) {
				t.Fatalf("err = %v, want %v", err, tt.err)
			}
			if len(got) != len(tt.want) {
				t.Fatalf("events = %+v, want %+v", got, tt.want)
			}
			for i := range got {
				if got[i] != tt.want[i] {
					t.Errorf("event %d = %+v, want %+v", i, got[i], tt.want[i])
				}
			}
			if er.Comments != tt.comments {
				t.Errorf("comments = %d, want %d", er.Comments, tt.comments)
			}
		})
	}
}

func TestEventReaderLineLimit(t *testing.T) {
	er := NewEventReader(strings.NewReader("data: " + strings.Repeat("x", maxLine+10) + "\n\n"))
	if _, err := er.Next(); !errors.Is(err, io.ErrShortBuffer) {
		t.Fatalf("oversized line: err = %v", err)
	}
}

func FuzzEventReader(f *testing.F) {
	f.Add("id: 1\nevent: status\ndata: {}\n\n")
	f.Add(": ping\n\n")
	f.Add("data\n\n")
	f.Fuzz(func(t *testing.T, in string) {
		er := NewEventReader(strings.NewReader(in))
		for range 1000 {
			ev, err := er.Next()
			if err != nil {
				return
			}
			if ev.Name == "" || strings.Contains(ev.ID, "\n") {
				t.Fatalf("event %+v from %q", ev, in)
			}
		}
	})
}
