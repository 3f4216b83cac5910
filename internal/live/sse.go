package live

import (
	"bufio"
	"io"
	"strings"
)

// Event is one server-sent event as a client sees it.
type Event struct {
	ID   string // the id: field, "" when absent
	Name string // the event: field, "message" when absent (per the spec)
	Data string // data: lines joined by "\n"
}

// EventReader parses a text/event-stream (WHATWG HTML §9.2.6) for Go
// clients and tests: comments and retry fields are skipped, an event ends
// at a blank line.
type EventReader struct {
	r *bufio.Reader
	// Comments counts comment lines seen (": ping" heartbeats).
	Comments int
}

// NewEventReader reads events from r.
func NewEventReader(r io.Reader) *EventReader { return &EventReader{r: bufio.NewReader(r)} }

// maxLine bounds one line, so a hostile stream cannot grow memory unbounded.
const maxLine = 1 << 20

// Next returns the next event; io.EOF when the stream ends between events.
func (er *EventReader) Next() (Event, error) {
	var ev Event
	var data []string
	seen := false
	for {
		line, err := er.line()
		if err != nil {
			if err == io.EOF && seen {
				err = io.ErrUnexpectedEOF
			}
			return Event{}, err
		}
		if line == "" {
			if !seen {
				continue
			}
			ev.Data = strings.Join(data, "\n")
			if ev.Name == "" {
				ev.Name = "message"
			}
			return ev, nil
		}
		if strings.HasPrefix(line, ":") {
			er.Comments++
			continue
		}
		field, value, _ := strings.Cut(line, ":")
		value = strings.TrimPrefix(value, " ")
		switch field {
		case "id":
			ev.ID, seen = value, true
		case "event":
			ev.Name, seen = value, true
		case "data":
			data, seen = append(data, value), true
		}
	}
}

// line reads one line without its terminator (LF or CRLF).
func (er *EventReader) line() (string, error) {
	var sb strings.Builder
	for {
		chunk, isPrefix, err := er.r.ReadLine()
		if err != nil {
			return "", err
		}
		if sb.Len()+len(chunk) > maxLine {
			return "", io.ErrShortBuffer
		}
		sb.Write(chunk)
		if !isPrefix {
			return sb.String(), nil
		}
	}
}
