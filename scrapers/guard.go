package scrapers

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/netip"
	"net/url"
	"strconv"
	"syscall"
)

// ErrPrivateAddress is returned for a fetch whose host resolves to a private,
// loopback, link-local or otherwise non-public address while private targets
// are not allowed (server-side request forgery guard).
var ErrPrivateAddress = errors.New("refusing non-public address")

// global6 is 2000::/3, the only IPv6 block allocated for global unicast.
// Everything outside it is refused: IPv4-compatible ::/96 (::127.0.0.1),
// SIIT ::ffff:0:0:0/96, discard-only 100::/64, site-local fec0::/10, SRv6
// 5f00::/16, unique-local, link-local, multicast, local-use NAT64
// 64:ff9b:1::/48, and whatever the IETF carves out next.
var global6 = netip.MustParsePrefix("2000::/3")

// nat64 is the well-known NAT64 prefix (RFC 6052): on an IPv6-only network
// with DNS64 every IPv4 site resolves into it, so it is judged by the IPv4
// address it carries in its last 32 bits.
var nat64 = netip.MustParsePrefix("64:ff9b::/96")

// nonPublic lists ranges that IsPrivate/IsLoopback/… and global6 do not
// cover but that must never be reached from a crawler either (the IANA
// special-purpose address registries, minus what is globally reachable).
var nonPublic = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("192.88.99.0/24"),  // 6to4 relay anycast (deprecated)
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, broadcast
	netip.MustParsePrefix("2001::/23"),       // IETF protocol assignments: Teredo 2001::/32 (tunnels to any IPv4), benchmarking, ORCHID
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
	netip.MustParsePrefix("2002::/16"),       // 6to4: tunnels to the IPv4 address it embeds; deprecated, so refused whole
	netip.MustParsePrefix("3fff::/20"),       // documentation (RFC 9637)
}

// isPublic reports whether a crawler may connect to addr.
func isPublic(addr netip.Addr) bool {
	if addr.Zone() != "" {
		// Zones belong to link-local addresses, and Prefix.Contains never
		// matches a zoned address, so it would slip past the list below.
		return false
	}
	addr = addr.Unmap()
	if addr.Is6() {
		if nat64.Contains(addr) {
			b := addr.As16()
			return isPublic(netip.AddrFrom4([4]byte(b[12:])))
		}
		if !global6.Contains(addr) {
			return false
		}
	}
	if !addr.IsValid() || addr.IsUnspecified() || addr.IsLoopback() || addr.IsPrivate() ||
		addr.IsLinkLocalUnicast() || addr.IsLinkLocalMulticast() || addr.IsInterfaceLocalMulticast() ||
		addr.IsMulticast() {
		return false
	}
	for _, p := range nonPublic {
		if p.Contains(addr) {
			return false
		}
	}
	return true
}

// dialGuard checks every address the crawler connects to. It runs as the
// dialer's Control function, i.e. after DNS resolution and for every
// connection, so redirects and DNS rebinding cannot slip past it.
type dialGuard struct {
	allowPrivate bool
	// public lists "ip:port" addresses treated as public: a test hook, so a
	// loopback test server can play a public site.
	public map[string]bool
}

func (g dialGuard) control(_, address string, _ syscall.RawConn) error {
	return g.check(address)
}

func (g dialGuard) check(address string) error {
	if g.allowPrivate || g.public[address] {
		return nil
	}
	ap, err := netip.ParseAddrPort(address)
	if err != nil {
		return fmt.Errorf("%w: cannot parse %q", ErrPrivateAddress, address)
	}
	if !isPublic(ap.Addr()) {
		return fmt.Errorf("%w %s", ErrPrivateAddress, ap.Addr())
	}
	return nil
}

// checkStart resolves the start URL's host and refuses it up front when any
// of its addresses is not public, so a source pointing into a private
// network fails at start with a clear error. The dialer checks again on
// every connection; this is only the early, readable refusal.
func (g dialGuard) checkStart(ctx context.Context, u *url.URL) error {
	if g.allowPrivate {
		return nil
	}
	port := u.Port()
	if port == "" {
		port = "80"
		if u.Scheme == "https" {
			port = "443"
		}
	}
	portNum, err := strconv.ParseUint(port, 10, 16)
	if err != nil {
		return fmt.Errorf("bad port %q: %w", port, err)
	}
	host := u.Hostname()
	var addrs []netip.Addr
	if a, err := netip.ParseAddr(host); err == nil {
		addrs = []netip.Addr{a}
	} else {
		addrs, err = net.DefaultResolver.LookupNetIP(ctx, "ip", host)
		if err != nil {
			// Not a refusal: the fetch will fail the same way and report
			// it as the start page's error, like any other outage.
			return nil
		}
	}
	for _, a := range addrs {
		if err := g.check(netip.AddrPortFrom(a.Unmap(), uint16(portNum)).String()); err != nil {
			return fmt.Errorf("%s: %w", host, err)
		}
	}
	return nil
}

// CheckURL refuses a source URL whose host resolves to a non-public
// address unless allowPrivate: the check a crawl makes at its start, for
// the staff UI to run when a source is added or edited.
func CheckURL(ctx context.Context, raw string, allowPrivate bool) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("url %q: %w", raw, err)
	}
	return dialGuard{allowPrivate: allowPrivate}.checkStart(ctx, u)
}
