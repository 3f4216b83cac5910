package web_test

import (
	"context"
	"testing"
	"time"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/server/servertest"
)

// seedDesk fills a workspace the way a real one looks mid-morning: three
// groups, five agents, SLA targets, tickets across channels and languages
// at different ages, and one long conversation. It returns the agent the
// screenshots sign in as and the long ticket.
func seedDesk(t *testing.T, e *servertest.Env) (*desk.Agent, *desk.Ticket) {
	t.Helper()
	ctx := context.Background()
	d := e.Deps.Desk
	ws := e.Workspace.ID
	real := d.Now
	defer func() { d.Now = real }()
	base := real()
	at := func(ago time.Duration) { d.Now = func() time.Time { return base.Add(-ago) } }
	at(30 * 24 * time.Hour)

	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	if e.Deps.Routing != nil {
		_, err := e.Deps.Routing.PutPolicy(ctx, ws, desk.SLAPolicy{Priority: desk.PriorityUnset, FirstReply: 4 * time.Hour, Resolve: 48 * time.Hour})
		must(err)
		_, err = e.Deps.Routing.PutPolicy(ctx, ws, desk.SLAPolicy{Priority: desk.PriorityUrgent, FirstReply: 30 * time.Minute, Resolve: 8 * time.Hour})
		must(err)
		_, err = e.Deps.Routing.PutPolicy(ctx, ws, desk.SLAPolicy{Priority: desk.PriorityHigh, FirstReply: time.Hour, Resolve: 24 * time.Hour})
		must(err)
	}
	billing, err := d.CreateGroup(ctx, ws, "Billing", e.Admin.ID)
	must(err)
	shipping, err := d.CreateGroup(ctx, ws, "Shipping", e.Admin.ID)
	must(err)
	_, err = d.CreateGroup(ctx, ws, "Technical support", e.Admin.ID)
	must(err)
	sofia, _ := e.Agent(desk.NewAgent{Name: "Sofía Romero", Email: "sofia@acme.test", Role: desk.RoleAgent, Capacity: 5,
		GroupIDs: []string{billing.ID, shipping.ID}})
	wei, _ := e.Agent(desk.NewAgent{Name: "Wei Chen", Email: "wei@acme.test", Role: desk.RoleAgent, Capacity: 6, GroupIDs: []string{billing.ID}})
	putri, _ := e.Agent(desk.NewAgent{Name: "Putri Lestari", Email: "putri@acme.test", Role: desk.RoleAgent, Capacity: 4, GroupIDs: []string{shipping.ID}})
	_, err = d.SetPresence(ctx, ws, sofia.ID, desk.PresenceOnline, desk.System)
	must(err)

	type seed struct {
		ago      time.Duration
		subject  string
		contact  string
		email    string
		ch       desk.Channel
		prio     desk.Priority
		group    *desk.Group
		assignee *desk.Agent
		status   desk.Status
		text     string
	}
	seeds := []seed{
		{26 * time.Hour, "Refund for a double charge on invoice INV-20931", "John Carter", "john.carter@example.com", desk.ChannelEmail, desk.PriorityHigh, billing, wei, desk.StatusPending, "I was charged twice for my March subscription."},
		{20 * time.Hour, "Cambio de dirección de envío para el pedido 55120", "Lucía Fernández", "lucia.fernandez@example.es", desk.ChannelWhatsApp, desk.PriorityNormal, shipping, putri, desk.StatusOpen, "Hola, ¿puedo cambiar la dirección de envío?"},
		{9 * time.Hour, "发票抬头需要修改", "李娜", "li.na@example.cn", desk.ChannelWebchat, desk.PriorityNormal, billing, nil, "", "您好，我需要修改发票抬头。"},
		{6 * time.Hour, "Paket belum sampai setelah 10 hari", "Budi Santoso", "budi.santoso@example.co.id", desk.ChannelTelegram, desk.PriorityHigh, shipping, sofia, desk.StatusOpen, "Halo, paket saya belum sampai."},
		{5 * time.Hour, "Cannot log in after the password reset", "Emma Wilson", "emma.wilson@example.com", desk.ChannelFacebook, desk.PriorityUrgent, nil, sofia, desk.StatusOpen, "The reset link says it expired."},
		{3 * time.Hour, "Pedido 7781 no llegó", "María García", "maria.garcia@example.mx", desk.ChannelEmail, desk.PriorityUrgent, shipping, nil, "", "Hola, mi pedido 7781 no llegó y lo necesito para el viernes."},
		{2 * time.Hour, "Upgrade to the annual plan with the 20% discount", "Carlos Méndez", "carlos.mendez@example.com", desk.ChannelEmail, desk.PriorityLow, billing, wei, "", "Can I switch to yearly billing mid-cycle?"},
		{95 * time.Minute, "Tagihan ganda di bulan ini", "Siti Rahma", "siti.rahma@example.co.id", desk.ChannelWhatsApp, desk.PriorityNormal, billing, nil, "", "Saya ditagih dua kali bulan ini."},
		{40 * time.Minute, "Where do I download my receipts?", "Olivia Brown", "olivia.brown@example.com", desk.ChannelWebchat, desk.PriorityNormal, nil, nil, "", "I need the receipts for my accountant."},
		{12 * time.Minute, "Damaged box on delivery — photos attached", "Ahmed Hassan", "ahmed.hassan@example.com", desk.ChannelEmail, desk.PriorityHigh, shipping, nil, "", "The box arrived crushed; the mug inside is broken."},
		{50 * time.Hour, "How do I change the language of my invoices?", "Hannah Müller", "hannah.mueller@example.de", desk.ChannelEmail, desk.PriorityLow, billing, wei, desk.StatusSolved, "Can invoices be in German?"},
	}
	var long *desk.Ticket
	for _, s := range seeds {
		at(s.ago)
		c, err := d.CreateContact(ctx, ws, desk.NewContact{Name: s.contact, Email: s.email})
		must(err)
		nt := desk.NewTicket{Subject: s.subject, Channel: s.ch, ContactID: c.ID, Priority: s.prio,
			Message: &desk.NewMessage{Text: s.text, Author: desk.Actor{Kind: desk.ActorContact, ID: c.ID}}}
		if s.group != nil {
			nt.GroupID = s.group.ID
		}
		if s.assignee != nil {
			nt.AssigneeID = s.assignee.ID
		}
		tk, err := d.CreateTicket(ctx, ws, desk.Actor{Kind: desk.ActorContact, ID: c.ID}, nt)
		must(err)
		if s.status != "" {
			at(s.ago - 10*time.Minute)
			_, err := d.UpdateTicket(ctx, ws, tk.ID, desk.System, desk.TicketPatch{Status: &s.status})
			must(err)
		}
		if s.contact == "María García" {
			long = tk
		}
	}
	// The long conversation: María's order, worked by Sofía.
	at(170 * time.Minute)
	_, err = d.UpdateTicket(ctx, ws, long.ID, desk.System, desk.TicketPatch{AssigneeID: &sofia.ID})
	must(err)
	f := false
	conv := []struct {
		ago  time.Duration
		who  string
		text string
	}{
		{160 * time.Minute, "agent", "Hola María, siento mucho el retraso. ¿Me confirmas el código postal de entrega?"},
		{150 * time.Minute, "contact", "Sí, es 06700, Ciudad de México. El número de seguimiento es MX-88213-77."},
		{140 * time.Minute, "note", "Carrier portal shows the parcel held at the Iztapalapa depot since Monday — address label smudged."},
		{120 * time.Minute, "agent", "Gracias. El paquete está retenido en el centro de distribución por una etiqueta ilegible. Ya pedí que lo reetiqueten."},
		{100 * time.Minute, "contact", "¿Llegará antes del viernes? Es un regalo de cumpleaños."},
		{80 * time.Minute, "note", "Asked the carrier for priority re-dispatch; if it is not moving by 16:00, send a replacement by express (approved by Wei)."},
		{45 * time.Minute, "agent", "Lo he marcado como prioritario. Si no sale hoy a las 16:00 te enviamos uno nuevo por exprés sin costo."},
		{30 * time.Minute, "contact", "¡Muchas gracias! Quedo atenta."},
	}
	for _, m := range conv {
		at(m.ago)
		nm := desk.NewMessage{Text: m.text, Author: desk.Actor{Kind: desk.ActorAgent, ID: sofia.ID}}
		switch m.who {
		case "contact":
			nm.Author = desk.Actor{Kind: desk.ActorContact, ID: long.ContactID}
		case "note":
			nm.Public = &f
		}
		_, _, err := d.AddMessage(ctx, ws, long.ID, nm)
		must(err)
	}
	d.Now = real
	return sofia, long
}
