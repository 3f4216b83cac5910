// Package netguard dials the hosts operators and admins configure (mail
// servers, later webhooks) while refusing private targets: an admin's
// settings must not turn the server into a probe of its own network
// (loopback, RFC 1918, link-local, CGNAT, unique-local, unspecified,
// multicast), unless the operator allows it (--allow-private-hosts).
//
// The check runs on the address actually dialed (net.Dialer.Control),
// after DNS, so a name that resolves to a private address is refused too.
package netguard

import (
	"errors"
	"fmt"
	"net"
	"net/netip"
	"syscall"
	"time"
)

// ErrPrivate is a dial refused because the target address is private.
var ErrPrivate = errors.New("netguard: private or local address refused")

var cgnat = netip.MustParsePrefix("100.64.0.0/10")

// Private reports whether ip is a target outbound connections refuse.
func Private(ip netip.Addr) bool {
	ip = ip.Unmap()
	return ip.IsLoopback() || ip.IsPrivate() || ip.IsLinkLocalUnicast() || ip.IsLinkLocalMulticast() ||
		ip.IsInterfaceLocalMulticast() || ip.IsMulticast() || ip.IsUnspecified() || cgnat.Contains(ip) || !ip.IsValid()
}

// Dialer returns a dialer with timeout that refuses private targets
// unless allowPrivate.
func Dialer(allowPrivate bool, timeout time.Duration) *net.Dialer {
	d := &net.Dialer{Timeout: timeout}
	if !allowPrivate {
		d.Control = func(_, address string, _ syscall.RawConn) error {
			ap, err := netip.ParseAddrPort(address)
			if err != nil {
				return fmt.Errorf("%w: %s", ErrPrivate, address)
			}
			if Private(ap.Addr()) {
				return fmt.Errorf("%w: %s", ErrPrivate, ap.Addr())
			}
			return nil
		}
	}
	return d
}
