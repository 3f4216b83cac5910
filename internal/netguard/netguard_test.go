package netguard

import (
	"context"
	"errors"
	"net"
	"net/netip"
	"testing"
	"time"
)

func TestPrivate(t *testing.T) {
	for ip, want := range map[string]bool{"127.0.0.1": true, "10.1.2.3": true, "192.168.0.1": true, "172.16.5.5": true,
		"169.254.169.254": true, "100.64.0.1": true, "0.0.0.0": true, "::1": true, "fc00::1": true, "fe80::1": true,
		"::ffff:127.0.0.1": true, "224.0.0.1": true, "8.8.8.8": false, "2001:4860:4860::8888": false, "100.128.0.1": false} {
		if got := Private(netip.MustParseAddr(ip)); got != want {
			t.Errorf("Private(%s) = %v, want %v", ip, got, want)
		}
	}
}

func TestDialer(t *testing.T) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer ln.Close()
	go func() {
		for {
			c, err := ln.Accept()
			if err != nil {
				return
			}
			c.Close()
		}
	}()
	ctx := context.Background()
	if _, err := Dialer(false, time.Second).DialContext(ctx, "tcp", ln.Addr().String()); !errors.Is(err, ErrPrivate) {
		t.Fatalf("dial loopback = %v, want ErrPrivate", err)
	}
	c, err := Dialer(true, time.Second).DialContext(ctx, "tcp", ln.Addr().String())
	if err != nil {
		t.Fatalf("dial loopback allowed = %v", err)
	}
	c.Close()
}
