package desk_test

import (
	"context"
	"encoding/json"
	"errors"
	"strings"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

// Companies, contact profiles, the contact upsert by phone and the
// in-transaction ticket helpers, on every store.
func TestDirectory(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			s := desk.NewService(b.Open(t))
			ws, _, err := s.NewWorkspace(ctx, "acme", "Asia/Shanghai", "Admin", "admin@acme.test", "")
			if err != nil {
				t.Fatal(err)
			}
			co, err := s.CreateCompany(ctx, ws.ID, " 帮我吧科技 ")
			if err != nil || co.Number != 1 || co.Name != "帮我吧科技" {
				t.Fatalf("company = %+v, %v", co, err)
			}
			if _, err := s.CreateCompany(ctx, ws.ID, "帮我吧科技"); !errors.Is(err, desk.ErrConflict) {
				t.Errorf("duplicate company: %v", err)
			}
			if _, err := s.CreateCompany(ctx, ws.ID, " "); !errors.Is(err, desk.ErrInvalid) {
				t.Errorf("empty company name: %v", err)
			}
			if got, err := s.Store.CompanyByNumber(ctx, ws.ID, 1); err != nil || got.ID != co.ID {
				t.Errorf("by number: %+v, %v", got, err)
			}
			if _, err := s.Store.CompanyByNumber(ctx, ws.ID, 2); !errors.Is(err, desk.ErrNotFound) {
				t.Errorf("unknown company: %v", err)
			}

			// Upsert by phone: created once, then found; a found contact
			// keeps its details and only fills the empty ones, door values
			// included: a field it has stays, one it lacks is added.
			fixed, note := "010-63701717", "VIP"
			meta := func(k, v string) map[string]map[string]json.RawMessage {
				return map[string]map[string]json.RawMessage{"door": {k: json.RawMessage(v)}}
			}
			c1, created, err := s.UpsertContactByPhone(ctx, ws.ID, desk.NewContact{Phone: " 13240138438 ", Name: "张三",
				Meta: meta("handle", `"zs"`)}, desk.ProfilePatch{FixedPhone: &fixed})
			if err != nil || !created || c1.Phone != "13240138438" || c1.Name != "张三" {
				t.Fatalf("first upsert = %+v, %v, %v", c1, created, err)
			}
			second := desk.NewContact{Phone: "13240138438", Name: "李四", Email: "Z@x.test", Meta: meta("handle", `"ls"`)}
			second.Meta["door"]["level"] = json.RawMessage(`2`)
			c2, created, err := s.UpsertContactByPhone(ctx, ws.ID, second,
				desk.ProfilePatch{FixedPhone: new(string), Note: &note, CompanyID: &co.ID})
			if err != nil || created || c2.ID != c1.ID || c2.Name != "张三" || c2.Email != "z@x.test" {
				t.Fatalf("second upsert = %+v, %v, %v", c2, created, err)
			}
			if c, err := s.Store.Contact(ctx, ws.ID, c1.ID); err != nil || string(c.Meta["door"]["handle"]) != `"zs"` ||
				string(c.Meta["door"]["level"]) != `2` {
				t.Errorf("contact meta after upserts = %v, %v", c.Meta, err)
			}
			p, err := s.Store.ContactProfile(ctx, ws.ID, c1.ID)
			if err != nil || p.FixedPhone != fixed || p.Note != note || p.CompanyID != co.ID {
				t.Errorf("profile = %+v, %v", p, err)
			}
			long := desk.NewContact{Phone: "13240138439", Meta: meta("handle", `"`+strings.Repeat("x", 1000)+`"`)}
			if _, _, err := s.UpsertContactByPhone(ctx, ws.ID, long, desk.ProfilePatch{}); !errors.Is(err, desk.ErrInvalid) {
				t.Errorf("upsert with a door value over 1000 bytes: %v", err)
			}
			if p, err := s.Store.ContactProfile(ctx, ws.ID, "nobody"); err != nil || p.CompanyID != "" {
				t.Errorf("profile of nobody = %+v, %v", p, err)
			}
			if _, _, err := s.UpsertContactByPhone(ctx, ws.ID, desk.NewContact{Name: "x"}, desk.ProfilePatch{}); !errors.Is(err, desk.ErrInvalid) {
				t.Errorf("upsert without phone: %v", err)
			}
			bogus := "nope"
			if _, err := s.UpdateContactProfile(ctx, ws.ID, c1.ID, desk.ProfilePatch{CompanyID: &bogus}); !errors.Is(err, desk.ErrInvalid) {
				t.Errorf("unknown company: %v", err)
			}
			if _, err := s.UpdateContactProfile(ctx, ws.ID, "nobody", desk.ProfilePatch{Note: &note}); !errors.Is(err, desk.ErrInvalid) {
				t.Errorf("unknown contact: %v", err)
			}

			// Tickets of the company's contacts.
			other, err := s.CreateContact(ctx, ws.ID, desk.NewContact{Name: "外人"})
			if err != nil {
				t.Fatal(err)
			}
			for _, c := range []string{c1.ID, other.ID, c1.ID} {
				if _, err := s.CreateTicket(ctx, ws.ID, desk.System, desk.NewTicket{Subject: "s", ContactID: c}); err != nil {
					t.Fatal(err)
				}
			}
			ts, err := s.Store.Tickets(ctx, ws.ID, desk.TicketFilter{CompanyID: co.ID, Order: desk.OrderNumberAsc})
			if err != nil || len(ts) != 2 || ts[0].Number != 1 || ts[1].Number != 3 {
				t.Errorf("company tickets = %d, %v", len(ts), err)
			}
			if n, err := s.Store.CountTickets(ctx, ws.ID, desk.TicketFilter{CompanyID: co.ID}); err != nil || n != 2 {
				t.Errorf("company count = %d, %v", n, err)
			}

			// In one transaction: a reply, a source and a description, then a
			// failure — nothing stays.
			t1, _ := s.Store.TicketByNumber(ctx, ws.ID, 1)
			boom := errors.New("boom")
			err = s.Update(ctx, ws.ID, func(tx desk.Tx, ch *desk.Change) error {
				tk, err := tx.LockTicket(ctx, ws.ID, t1.ID)
				if err != nil {
					return err
				}
				if _, err := s.AppendMessage(ctx, tx, ch, tk, desk.NewMessage{Text: "reply", Author: desk.System}); err != nil {
					return err
				}
				if err := s.SetSource(ctx, tx, ch, tk, desk.System, desk.ChannelEmail, desk.OriginCustomer); err != nil {
					return err
				}
				if err := s.SetDescription(ctx, tx, ch, tk, desk.System, "new"); err != nil {
					return err
				}
				if err := tx.UpdateTicket(ctx, tk); err != nil {
					return err
				}
				return boom
			})
			if !errors.Is(err, boom) {
				t.Fatalf("update: %v", err)
			}
			after, _ := s.Store.TicketByNumber(ctx, ws.ID, 1)
			ms, _ := s.Store.Messages(ctx, ws.ID, t1.ID, desk.MessageFilter{})
			if after.Channel == desk.ChannelEmail || after.Description != "" || len(ms) != 0 {
				t.Errorf("rolled-back helpers left %+v and %d messages", after, len(ms))
			}
			// And committed, they stay.
			err = s.Update(ctx, ws.ID, func(tx desk.Tx, ch *desk.Change) error {
				tk, err := tx.LockTicket(ctx, ws.ID, t1.ID)
				if err != nil {
					return err
				}
				if err := s.SetSource(ctx, tx, ch, tk, desk.System, desk.ChannelEmail, desk.OriginCustomer); err != nil {
					return err
				}
				return tx.UpdateTicket(ctx, tk)
			})
			after, _ = s.Store.TicketByNumber(ctx, ws.ID, 1)
			if err != nil || after.Channel != desk.ChannelEmail || after.Origin != desk.OriginCustomer {
				t.Errorf("source = %s/%s, %v", after.Channel, after.Origin, err)
			}

			// Number lookups of messages and attachments.
			m, _, err := s.AddMessage(ctx, ws.ID, t1.ID, desk.NewMessage{Text: "hi", Author: desk.System})
			if err != nil {
				t.Fatal(err)
			}
			if got, err := s.Store.MessageByNumber(ctx, ws.ID, m.Number); err != nil || got.ID != m.ID {
				t.Errorf("message by number: %+v, %v", got, err)
			}
			a, err := s.NewAttachment(ctx, ws.ID, desk.Attachment{FileName: "a.txt", Path: "x"})
			if err != nil {
				t.Fatal(err)
			}
			if got, err := s.Store.AttachmentByNumber(ctx, ws.ID, a.Number); err != nil || got.ID != a.ID {
				t.Errorf("attachment by number: %+v, %v", got, err)
			}
			if _, err := s.Store.AttachmentByNumber(ctx, ws.ID, 99); !errors.Is(err, desk.ErrNotFound) {
				t.Errorf("unknown attachment: %v", err)
			}
			// A free file binds to a field; then it is taken for another.
			if err := s.CheckAttachments(ctx, ws.ID, "", []string{a.Token}); err != nil {
				t.Errorf("free file: %v", err)
			}
			if err := s.AttachToField(ctx, ws.ID, t1.ID, "field_4", []string{a.Token}); err != nil {
				t.Fatal(err)
			}
			if err := s.AttachToField(ctx, ws.ID, t1.ID, "field_4", []string{a.Token}); err != nil {
				t.Errorf("rebinding to the same field: %v", err)
			}
			if err := s.AttachToField(ctx, ws.ID, t1.ID, "field_5", []string{a.Token}); !errors.Is(err, desk.ErrInvalid) {
				t.Errorf("binding to another field: %v", err)
			}
			if err := s.CheckAttachments(ctx, ws.ID, "", []string{a.Token}); !errors.Is(err, desk.ErrInvalid) {
				t.Errorf("taken file checks free: %v", err)
			}
		})
	}
}
