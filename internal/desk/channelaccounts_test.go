package desk_test

import (
	"context"
	"encoding/json"
	"errors"
	"testing"

	"github.com/ticketd/ticketd/internal/desk"
	"github.com/ticketd/ticketd/internal/store/storetest"
)

func TestChannelAccounts(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			d := desk.NewService(b.Open(t))
			ws, _, err := d.NewWorkspace(ctx, "acme", "UTC", "Admin", "admin@acme.test", "x")
			if err != nil {
				t.Fatal(err)
			}
			for _, bad := range []desk.NewChannelAccount{{Channel: "myspace", Name: "x"}, {Channel: desk.ChannelEmail, Name: " ", UID: ""}} {
				if _, err := d.CreateChannelAccount(ctx, ws.ID, bad); !errors.Is(err, desk.ErrInvalid) {
					t.Errorf("CreateChannelAccount(%+v) = %v, want ErrInvalid", bad, err)
				}
			}
			byUID, err := d.CreateChannelAccount(ctx, ws.ID, desk.NewChannelAccount{Channel: desk.ChannelWhatsApp, UID: "56900000000"})
			if err != nil {
				t.Fatal(err)
			}
			if byUID.Name != "56900000000" || !byUID.Active || byUID.Number != 1 {
				t.Errorf("account = %+v", byUID)
			}
			// A name equal to another account's uid: the uid wins.
			named, err := d.CreateChannelAccount(ctx, ws.ID, desk.NewChannelAccount{Channel: desk.ChannelWhatsApp, Name: "ventas", UID: "56911111111", Inactive: true})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := d.CreateChannelAccount(ctx, ws.ID, desk.NewChannelAccount{Channel: desk.ChannelWhatsApp, Name: "56900000000", UID: "56922222222"}); err != nil {
				t.Fatal(err)
			}
			for ref, want := range map[string]string{"56900000000": byUID.ID, "ventas": named.ID, "56911111111": named.ID} {
				got, err := d.FindChannelAccount(ctx, ws.ID, desk.ChannelWhatsApp, ref)
				if err != nil || got.ID != want {
					t.Errorf("FindChannelAccount(%q) = %v, %v; want %s", ref, got, err, want)
				}
			}
			for _, ref := range []string{"56933333333", ""} {
				if _, err := d.FindChannelAccount(ctx, ws.ID, desk.ChannelWhatsApp, ref); !errors.Is(err, desk.ErrNotFound) {
					t.Errorf("FindChannelAccount(%q) = %v, want ErrNotFound", ref, err)
				}
			}
			if _, err := d.FindChannelAccount(ctx, ws.ID, desk.ChannelEmail, "ventas"); !errors.Is(err, desk.ErrNotFound) {
				t.Errorf("an account of another channel was found: %v", err)
			}
		})
	}
}

func TestSetContactFields(t *testing.T) {
	for _, b := range storetest.Backends() {
		t.Run(b.Name, func(t *testing.T) {
			ctx := context.Background()
			d := desk.NewService(b.Open(t))
			ws, _, err := d.NewWorkspace(ctx, "acme", "UTC", "Admin", "admin@acme.test", "x")
			if err != nil {
				t.Fatal(err)
			}
			c, err := d.CreateContact(ctx, ws.ID, desk.NewContact{Name: "Ana"})
			if err != nil {
				t.Fatal(err)
			}
			// Without definitions any key is taken; values merge by key.
			if _, err := d.SetContactFields(ctx, ws.ID, c.ID, desk.Fields{{Key: "a", Value: json.RawMessage(`"1"`)}}); err != nil {
				t.Fatal(err)
			}
			got, err := d.SetContactFields(ctx, ws.ID, c.ID, desk.Fields{{Key: "b", Value: json.RawMessage(`true`)}, {Key: "a", Value: json.RawMessage(`"2"`)}})
			if err != nil {
				t.Fatal(err)
			}
			back, err := d.Store.Contact(ctx, ws.ID, c.ID)
			if err != nil {
				t.Fatal(err)
			}
			for _, x := range []*desk.Contact{got, back} {
				if len(x.CustomFields) != 2 || string(x.CustomFields[0].Value) != `"2"` || x.CustomFields[1].Key != "b" {
					t.Errorf("fields = %+v", x.CustomFields)
				}
			}
			// Once a contact field is defined, values are checked, and a
			// refused write leaves the contact as it was.
			if _, err := d.PutFieldDef(ctx, ws.ID, desk.FieldDef{Key: "vip", Scope: "contact", Type: "boolean", Label: "VIP"}); err != nil {
				t.Fatal(err)
			}
			for _, fs := range []desk.Fields{{{Key: "vip", Value: json.RawMessage(`"yes"`)}}, {{Key: "a", Value: json.RawMessage(`"3"`)}}} {
				if _, err := d.SetContactFields(ctx, ws.ID, c.ID, fs); !errors.Is(err, desk.ErrInvalid) {
					t.Errorf("SetContactFields(%s) = %v, want ErrInvalid", fs[0].Key, err)
				}
			}
			if _, err := d.SetContactFields(ctx, "nope", c.ID, desk.Fields{{Key: "vip", Value: json.RawMessage(`true`)}}); !errors.Is(err, desk.ErrNotFound) {
				t.Errorf("another workspace: %v", err)
			}
			after, _ := d.Store.Contact(ctx, ws.ID, c.ID)
			if len(after.CustomFields) != 2 || !after.UpdatedAt.Equal(back.UpdatedAt) {
				t.Errorf("refused writes changed the contact: %+v", after.CustomFields)
			}
		})
	}
}
