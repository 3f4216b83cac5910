package channel_test

import (
	"context"
	"testing"

	"github.com/ticketd/ticketd/internal/channel"
	"github.com/ticketd/ticketd/internal/desk"
)

type named string

func (n named) Send(context.Context, *desk.ChannelAccount, channel.Message) (string, error) {
	return string(n), nil
}

func TestRegistry(t *testing.T) {
	var none *channel.Registry
	if _, ok := none.Sender(desk.ChannelWhatsApp); ok {
		t.Errorf("a nil registry has a sender")
	}
	r := channel.NewRegistry(map[desk.Channel]channel.Sender{desk.ChannelWhatsApp: named("wa")})
	r.Register(desk.ChannelEmail, named("smtp"))
	r.Register(desk.ChannelWhatsApp, named("wa2")) // replaces
	for c, want := range map[desk.Channel]string{desk.ChannelWhatsApp: "wa2", desk.ChannelEmail: "smtp", desk.ChannelTelegram: ""} {
		s, ok := r.Sender(c)
		if want == "" {
			if ok {
				t.Errorf("%s: unexpected sender", c)
			}
			continue
		}
		if !ok {
			t.Fatalf("%s: no sender", c)
		}
		if got, _ := s.Send(context.Background(), nil, channel.Message{}); got != want {
			t.Errorf("%s: sender %q, want %q", c, got, want)
		}
	}
}
