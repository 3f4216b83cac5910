package web_test

import (
	"context"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
	"github.com/ticketd/ticketd/internal/web"
)

// TestAdminDemoteLastAdmin: the agent form refuses the last active admin a
// lower role as desk does (409, the refusal beside the role field) and
// changes nothing; with a second admin it goes through.
func TestAdminDemoteLastAdmin(t *testing.T) {
	servertest.Run(t, func(t *testing.T, e *servertest.Env) {
		ctx := context.Background()
		c := newClient(t, e.URL)
		c.login(e.Admin.Email, servertest.Password)
		tok := c.csrf()
		form := url.Values{"csrf": {tok}, "name": {e.Admin.Name}, "role": {"supervisor"}, "capacity": {"0"}}
		p := c.post("/admin/agents/"+e.Admin.ID, form)
		besideRole := regexp.MustCompile(`id="a-role"[^>]*>(<option[^>]*>[^<]*</option>)*</select>\s*<p class="fielderr">` +
			regexp.QuoteMeta(html.EscapeString(web.T("en", "code.last_admin"))))
		if p.Status != http.StatusConflict || !besideRole.MatchString(p.Body) {
			t.Fatalf("demoting the last admin: %d %s", p.Status, p.Body)
		}
		if a, _ := e.Store.Agent(ctx, e.Workspace.ID, e.Admin.ID); a.Role != desk.RoleAdmin {
			t.Fatalf("after the refusal the role is %s", a.Role)
		}
		if _, err := e.Deps.Desk.CreateAgent(ctx, e.Workspace.ID, desk.NewAgent{Name: "Cy", Email: "cy@acme.test", Role: desk.RoleAdmin}); err != nil {
			t.Fatal(err)
		}
		if p := c.post("/admin/agents/"+e.Admin.ID, form); p.Status != http.StatusSeeOther {
			t.Fatalf("demoting an admin that is not the last: %d %s", p.Status, p.Body)
		}
		if a, _ := e.Store.Agent(ctx, e.Workspace.ID, e.Admin.ID); a.Role != desk.RoleSupervisor {
			t.Fatalf("after the demotion the role is %s", a.Role)
		}
	})
}
