package desk

import (
	"slices"
	"strings"
	"time"
)

// checkPrefs trims and validates an agent's language and time zone: the
// language one of Languages, the zone an IANA name; "" for either means
// the workspace's.
func checkPrefs(p *AgentPatch) error {
	if p.Language != nil {
		l := strings.TrimSpace(*p.Language)
		if l != "" && !slices.Contains(Languages, l) {
			return OneOf("language", l, Languages...)
		}
		p.Language = &l
	}
	if p.TimeZone != nil {
		tz := strings.TrimSpace(*p.TimeZone)
		if tz != "" && !KnownZone(tz) {
			return Invalid("time_zone", CodeUnknown, Params{Value: tz})
		}
		p.TimeZone = &tz
	}
	return nil
}

// KnownZone reports whether name is an IANA time zone. "Local" (and "",
// which LoadLocation reads as UTC) name no place.
func KnownZone(name string) bool {
	if name == "" || name == "Local" || len(name) > 100 {
		return false
	}
	_, err := time.LoadLocation(name)
	return err == nil
}
