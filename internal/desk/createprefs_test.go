package desk_test

import (
	"context"
	"errors"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// TestCreateAgentPreferences: an agent's desk language and time zone are
// checked on create as on update (the same typed errors), stored trimmed,
// and a refused create leaves no agent; InviteAgent keeps them too.
func TestCreateAgentPreferences(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			s := desk.NewService(b.Open(t))
			ws, admin, err := s.NewWorkspace(ctx, "acme", "America/Mexico_City", "Admin", "admin@acme.test", "x")
			if err != nil {
				t.Fatal(err)
			}
			for i, c := range []struct {
				name, lang, zone string
				wantLang, wantTZ string
				field            string // the refusal's field; "" = created
				code             desk.Code
			}{
				{name: "none: the workspace's"},
				{name: "both", lang: "id", zone: "Asia/Jakarta", wantLang: "id", wantTZ: "Asia/Jakarta"},
				{name: "trimmed", lang: " zh-Hans ", zone: " Asia/Shanghai\t", wantLang: "zh-Hans", wantTZ: "Asia/Shanghai"},
				{name: "language only", lang: "es", wantLang: "es"},
				{name: "zone only", zone: "UTC", wantTZ: "UTC"},
				{name: "unknown language", lang: "fr", zone: "Asia/Jakarta", field: "language", code: desk.CodeOneOf},
				{name: "language by its base", lang: "zh", field: "language", code: desk.CodeOneOf},
				{name: "language in another case", lang: "ID", field: "language", code: desk.CodeOneOf},
				{name: "unknown zone", lang: "id", zone: "Mars/Olympus_Mons", field: "time_zone", code: desk.CodeUnknown},
				{name: "Local is no place", zone: "Local", field: "time_zone", code: desk.CodeUnknown},
				{name: "an offset is no zone", zone: "+07:00", field: "time_zone", code: desk.CodeUnknown},
			} {
				email := string(rune('a'+i)) + "@acme.test"
				in := desk.NewAgent{Name: c.name, Email: email, Language: c.lang, TimeZone: c.zone}
				a, err := s.CreateAgent(ctx, ws.ID, in)
				if c.field != "" {
					fe, ok := desk.AsFieldError(err)
					if !ok || fe.Field != c.field || fe.Code != c.code || !errors.Is(err, desk.ErrInvalid) {
						t.Errorf("%s: err = %v, want %s on %s", c.name, err, c.code, c.field)
					}
					if ags, _ := s.Store.AgentsByEmail(ctx, email); len(ags) != 0 {
						t.Errorf("%s: a refused create stored %+v", c.name, ags[0])
					}
					// The same refusal as an update's.
					lang, zone := c.lang, c.zone
					_, uerr := s.UpdateAgent(ctx, ws.ID, admin.ID, desk.AgentPatch{Language: &lang, TimeZone: &zone})
					if ufe, ok := desk.AsFieldError(uerr); !ok || ufe.Field != fe.Field || ufe.Code != fe.Code {
						t.Errorf("%s: update refused with %v, create with %v", c.name, uerr, err)
					}
					continue
				}
				if err != nil {
					t.Errorf("%s: %v", c.name, err)
					continue
				}
				if a.Language != c.wantLang || a.TimeZone != c.wantTZ {
					t.Errorf("%s: created with %q %q, want %q %q", c.name, a.Language, a.TimeZone, c.wantLang, c.wantTZ)
				}
				got, err := s.Store.Agent(ctx, ws.ID, a.ID)
				if err != nil || got.Language != c.wantLang || got.TimeZone != c.wantTZ {
					t.Errorf("%s: stored %q %q (%v), want %q %q", c.name, got.Language, got.TimeZone, err, c.wantLang, c.wantTZ)
				}
			}

			// Invited: the invitation's transaction stores them too, and a
			// bad zone refuses before any agent or invitation is made.
			caller := desk.Caller{AgentID: admin.ID, Role: desk.RoleAdmin}
			a, _, _, err := s.InviteAgent(ctx, ws.ID, caller, desk.NewAgent{Name: "Dewi", Email: "dewi@acme.test",
				Language: "id", TimeZone: "Asia/Jakarta"})
			if err != nil {
				t.Fatal(err)
			}
			if got, _ := s.Store.Agent(ctx, ws.ID, a.ID); got.Language != "id" || got.TimeZone != "Asia/Jakarta" {
				t.Errorf("invited: stored %q %q", got.Language, got.TimeZone)
			}
			_, _, _, err = s.InviteAgent(ctx, ws.ID, caller, desk.NewAgent{Name: "Budi", Email: "budi@acme.test", TimeZone: "Asia/Batavia"})
			if fe, ok := desk.AsFieldError(err); !ok || fe.Field != "time_zone" || fe.Code != desk.CodeUnknown {
				t.Errorf("invited with a bad zone: %v", err)
			}
			if ags, _ := s.Store.AgentsByEmail(ctx, "budi@acme.test"); len(ags) != 0 {
				t.Errorf("a refused invitation stored %+v", ags[0])
			}
		})
	}
}
