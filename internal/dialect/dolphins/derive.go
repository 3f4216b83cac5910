package dolphins

import (
	"fmt"
	"regexp"
	"strings"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/routing"
)

// Derived presentation values (spec §5, canonical.md §5). They are
// computed at render time from stored instants and never stored.

// dateText renders an instant as YYYY-MM-DD HH:mm in loc (*DateText).
func dateText(t time.Time, loc *time.Location) string {
	return t.In(loc).Format("2006-01-02 15:04")
}

// seconds is floor((b−a)/1000) in whole seconds; 0 when either instant is
// missing or b is before a.
func seconds(a, b time.Time) int64 {
	if a.IsZero() || b.IsZero() {
		return 0
	}
	d := b.UnixMilli() - a.UnixMilli()
	if d < 0 {
		return 0
	}
	return d / 1000
}

// relative renders the vendor's relative age ("moments ago",
// "22 minutes ago", "1 hour ago", "13 hours ago") for instants less than a
// day old; ok is false for older (or future) instants.
func relative(t, now time.Time) (string, bool) {
	d := now.Sub(t)
	switch {
	case d < 0 || d >= 24*time.Hour:
		return "", false
	case d < time.Minute:
		return "moments ago", true
	case d < time.Hour:
		return plural(int(d/time.Minute), "minute"), true
	}
	return plural(int(d/time.Hour), "hour"), true
}

func plural(n int, unit string) string {
	if n == 1 {
		return fmt.Sprintf("1 %s ago", unit)
	}
	return fmt.Sprintf("%d %ss ago", n, unit)
}

// prettyDate is a document's prettyDate / prettyDateTimeline: relative
// when less than a day old, else YYYY-MM-DD HH:mm:ss in loc.
func prettyDate(t, now time.Time, loc *time.Location) string {
	if t.IsZero() {
		return ""
	}
	if s, ok := relative(t, now); ok {
		return s
	}
	return t.In(loc).Format("2006-01-02 15:04:05")
}

// prettyCreatedDate is a contact's prettyCreatedDate: relative when less
// than a day old, else "22 Jul 2020 02:18" — the vendor's Java pattern
// "dd MMM yyyy hh:mm", a 12-hour clock without AM/PM.
func prettyCreatedDate(t, now time.Time, loc *time.Location) string {
	if s, ok := relative(t, now); ok {
		return s
	}
	return t.In(loc).Format("02 Jan 2006 03:04")
}

// javaZoned renders t as Java's ZonedDateTime.toString():
// 2020-10-22T17:40:55.372+07:00[Asia/Jakarta]. Seconds and fractions are
// left out when zero, fractions use 3, 6 or 9 digits, UTC offset is "Z".
func javaZoned(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	var b strings.Builder
	b.WriteString(t.Format("2006-01-02T15:04"))
	ns := t.Nanosecond()
	if t.Second() != 0 || ns != 0 {
		fmt.Fprintf(&b, ":%02d", t.Second())
		switch {
		case ns == 0:
		case ns%1_000_000 == 0:
			fmt.Fprintf(&b, ".%03d", ns/1_000_000)
		case ns%1000 == 0:
			fmt.Fprintf(&b, ".%06d", ns/1000)
		default:
			fmt.Fprintf(&b, ".%09d", ns)
		}
	}
	if _, off := t.Zone(); off == 0 {
		b.WriteString("Z")
	} else {
		b.WriteString(t.Format("-07:00"))
	}
	b.WriteString("[" + loc.String() + "]")
	return b.String()
}

// statusLabel renders a ticket's status (spec §6.1).
func statusLabel(t *desk.Ticket) string {
	switch t.Status {
	case desk.StatusNew:
		if t.AssigneeID != "" {
			return "Assigned"
		}
		return "Unassigned"
	case desk.StatusUnassigned:
		return "Unassigned"
	case desk.StatusAssigned:
		return "Assigned"
	case desk.StatusOpen, desk.StatusOnHold:
		return "Open"
	case desk.StatusPending:
		return "Pending"
	}
	return "Closed"
}

// closureType renders a terminal ticket's closureType: solved reads as
// Resolved, ignored as Unresolved, closed as written (default Resolved).
func closureType(t *desk.Ticket) string {
	switch t.Status {
	case desk.StatusSolved:
		return "Resolved"
	case desk.StatusIgnored:
		return "Unresolved"
	case desk.StatusClosed:
		if s := WrittenClosureType(t); s != "" {
			return s
		}
		return "Resolved"
	}
	return ""
}

// WrittenClosureType is the closureType a client wrote on t (close action
// or update), "" when none: this door keeps it in its meta.
func WrittenClosureType(t *desk.Ticket) string {
	s, _ := metaString(ticketMeta(t), metaClosureType)
	return s
}

// severityLabel renders a priority as a severity (spec §6.2).
func severityLabel(p desk.Priority) string {
	switch p {
	case desk.PriorityLow:
		return "Low"
	case desk.PriorityNormal:
		return "Medium"
	case desk.PriorityHigh:
		return "High"
	case desk.PriorityUrgent:
		return "Urgent"
	}
	return "Not Set"
}

// severityStyle is the CSS class of a severity label.
func severityStyle(label string) string {
	switch label {
	case "Medium":
		return "severity-medium"
	case "High":
		return "severity-high"
	case "Urgent":
		return "severity-urgent"
	}
	return "severity-low"
}

// slaStyle renders the routing engine's SLA state (spec §5): closed
// tickets read Within SLA or Over SLA, active ones Over SLA once a target
// passed, else Ongoing.
func slaStyle(state string) (style, text string) {
	switch state {
	case routing.SLAWithin:
		return "ticket-within-sla", "Within SLA"
	case routing.SLABreached:
		return "ticket-over-sla", "Over SLA"
	}
	return "ticket-ongoing-sla", "Ongoing"
}

// closedAt is when a terminal ticket ended (closed, or solved).
func closedAt(t *desk.Ticket) time.Time {
	if !t.ClosedAt.IsZero() {
		return t.ClosedAt
	}
	return t.SolvedAt
}

// channelType renders a ticket's channel as a 3Dolphins channelType, using
// the channel account's provider type when it is a 3Dolphins name
// (telegrambot).
func channelType(c desk.Channel, acct *desk.ChannelAccount) string {
	if acct != nil && acct.ProviderType != "" {
		if ch, ok := channelTypes[strings.ToLower(acct.ProviderType)]; ok && ch == c {
			return strings.ToLower(acct.ProviderType)
		}
	}
	return string(c)
}

// socialSuffix is the {Ch} of a contact's socialId{Ch} keys: the
// capitalised channel (Telegram, Webchat, Whatsapp, AppStore).
func socialSuffix(c desk.Channel) string {
	var b strings.Builder
	for _, part := range strings.Split(string(c), "_") {
		if part == "" {
			continue
		}
		b.WriteString(strings.ToUpper(part[:1]) + part[1:])
	}
	return b.String()
}

// channelIcon is the vendor's icon path of a channel.
func channelIcon(channelType string) string {
	return "images/channel/ic_" + channelType + ".png"
}

// channelDisplay names a channel for documents written by us
// (friendlyName of an answer), e.g. "WebChat".
func channelDisplay(c desk.Channel) string {
	switch c {
	case desk.ChannelWebchat:
		return "WebChat"
	case desk.ChannelWhatsApp:
		return "WhatsApp"
	case desk.ChannelSMS:
		return "SMS"
	}
	return socialSuffix(c)
}

var markup = regexp.MustCompile(`<[^>]*>`)

// cleanText strips markup and collapses spaces (cleanedMessage).
func cleanText(s string) string {
	s = markup.ReplaceAllString(s, " ")
	s = strings.NewReplacer("&nbsp;", " ", "&nbsp", " ", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`).Replace(s)
	return strings.Join(strings.Fields(s), " ")
}
