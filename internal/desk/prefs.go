package desk

import (
	"slices"
	"strings"
	"time"
)

// checkPrefs trims and validates an agent's language and time zone (see
// checkLanguage and checkZone); "" for either means the workspace's.
func checkPrefs(p *AgentPatch) error {
	if p.Language != nil {
		l, err := checkLanguage(*p.Language)
		if err != nil {
			return err
		}
		p.Language = &l
	}
	if p.TimeZone != nil {
		tz, err := checkZone(*p.TimeZone)
		if err != nil {
			return err
		}
		p.TimeZone = &tz
	}
	return nil
}

// checkLanguage trims an agent's language: one of Languages, or "" for
// the workspace's.
func checkLanguage(l string) (string, error) {
	l = strings.TrimSpace(l)
	if l != "" && !slices.Contains(Languages, l) {
		return "", OneOf("language", l, Languages...)
	}
	return l, nil
}

// checkZone trims an agent's time zone: an IANA name, or "" for the
// workspace's.
func checkZone(tz string) (string, error) {
	tz = strings.TrimSpace(tz)
	if tz != "" && !KnownZone(tz) {
		return "", Invalid("time_zone", CodeUnknown, Params{Value: tz})
	}
	return tz, nil
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
