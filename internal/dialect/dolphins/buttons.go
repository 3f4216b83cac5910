package dolphins

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/routing"
)

// buttonDoc is the bare, partial message document transformButtonMessage
// answers (no envelope, as the vendor documents), with the transformed
// text added.
type buttonDoc struct {
	Message                      string   `json:"message"`
	CleanedMessage               string   `json:"cleanedMessage"`
	ChannelType                  string   `json:"channelType,omitempty"`
	Severity                     string   `json:"severity"`
	InternalCallRecipient        bool     `json:"internalCallRecipient"`
	Selected                     bool     `json:"selected"`
	UnreadMessages               int      `json:"unreadMessages"`
	StatusStyle                  string   `json:"statusStyle"`
	PrettyDate                   string   `json:"prettyDate"`
	FriendlyName                 string   `json:"friendlyName"`
	CCList                       []string `json:"ccList"`
	OverReplySLA                 bool     `json:"overReplySla"`
	PrettyDateTimeline           string   `json:"prettyDateTimeline"`
	SeverityStyle                string   `json:"severityStyle"`
	SLAStyle                     string   `json:"slaStyle"`
	AttachmentExist              bool     `json:"attachmentExist"`
	ConferenceParticipantObject  []any    `json:"conferenceParticipantObject"`
	CallParticipantObject        []any    `json:"callParticipantObject"`
	CallVariableObject           []any    `json:"callVariableObject"`
	DisplayConferenceParticipant bool     `json:"displayConferenceParticipant"`
	EmailRecipient               string   `json:"emailRecipient"`
	CCListFormatted              string   `json:"ccListFormatted"`
	SLAText                      string   `json:"slaStatusText"`
}

type buttonRequest struct {
	Message     string            `json:"message"`
	Buttons     []json.RawMessage `json:"buttons"`
	ChannelType string            `json:"channelType"`
	Severity    string            `json:"severity"`
}

// maxButtons bounds one button message.
const maxButtons = 100

// buttonTitle reads a button: a string, or an object whose title, label,
// text or name is its caption.
func buttonTitle(raw json.RawMessage) (string, error) {
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return strings.TrimSpace(s), nil
	}
	var obj map[string]any
	if err := json.Unmarshal(raw, &obj); err != nil {
		return "", invalid("a button must be a string or an object with a title")
	}
	for _, k := range []string{"title", "label", "text", "name", "payload", "value"} {
		if v, ok := obj[k].(string); ok && strings.TrimSpace(v) != "" {
			return strings.TrimSpace(v), nil
		}
	}
	return "", invalid("a button needs a title")
}

// transformButtons turns a message with buttons into plain text for
// channels without buttons: the text, then one numbered line per button.
func transformButtons(in buttonRequest) (string, error) {
	if len(in.Buttons) > maxButtons {
		return "", invalidf("more than %d buttons", maxButtons)
	}
	var b strings.Builder
	b.WriteString(strings.TrimSpace(in.Message))
	for i, raw := range in.Buttons {
		title, err := buttonTitle(raw)
		if err != nil {
			return "", err
		}
		if b.Len() > 0 {
			b.WriteByte('\n')
		}
		b.WriteString(strconv.Itoa(i+1) + ". " + title)
	}
	if b.Len() == 0 {
		return "", invalid("message or buttons are required")
	}
	if b.Len() > desk.MaxText {
		return "", invalidf("message longer than %d bytes", desk.MaxText)
	}
	return b.String(), nil
}

// POST /graph/tickets/transformButtonMessage — "Do Transform Button Message"
//
// Body (spec A11) {"message": "...", "buttons": [...], "channelType": "..."};
// answers the transformed message document bare, without the envelope.
func (d *Door) transformButtons(w http.ResponseWriter, r *http.Request) {
	if _, ok := d.begin(w, r); !ok {
		return
	}
	var in buttonRequest
	if err := decodeBody(r.Body, &in); err != nil {
		d.fail(w, r, err)
		return
	}
	text, err := transformButtons(in)
	if err != nil {
		d.fail(w, r, err)
		return
	}
	sev := desk.PriorityUnset
	if in.Severity != "" {
		if sev, err = parseSeverity(in.Severity); err != nil {
			d.fail(w, r, err)
			return
		}
	}
	ct := ""
	if in.ChannelType != "" {
		if _, err := parseChannelType(in.ChannelType); err != nil {
			d.fail(w, r, err)
			return
		}
		ct = strings.ToLower(in.ChannelType)
	}
	label := severityLabel(sev)
	slaClass, slaText := slaStyle(routing.SLAOngoing)
	writeJSON(w, http.StatusOK, buttonDoc{Message: text, CleanedMessage: cleanText(text), ChannelType: ct,
		Severity: label, SeverityStyle: severityStyle(label), CCList: []string{}, SLAStyle: slaClass,
		SLAText: slaText, ConferenceParticipantObject: []any{}, CallParticipantObject: []any{}, CallVariableObject: []any{}})
}
