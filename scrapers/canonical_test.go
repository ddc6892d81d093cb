package scrapers

import (
	"net/netip"
	"testing"
)

func TestCanonicalURL(t *testing.T) {
	tests := []struct{ in, want string }{
		{"HTTPS://WWW.Kulturbuero-Sachsen.DE/Veranstaltung/Pirna#anmeldung", "https://www.kulturbuero-sachsen.de/Veranstaltung/Pirna"},
		{"https://www.saqsen.de/veranstaltungen/?utm_source=newsletter&utm_medium=email&fbclid=IwAR0x", "https://www.saqsen.de/veranstaltungen/"},
		{"https://www.saqsen.de/?p=12&gclid=abc&mc_cid=1&mc_eid=2&lang=de", "https://www.saqsen.de/?lang=de&p=12"},
		{"http://pokubi-sachsen.de:80/index.php?id=42&tx_news_pi1%5Bnews%5D=17&cHash=9f2e", "http://pokubi-sachsen.de/index.php?cHash=9f2e&id=42&tx_news_pi1%5Bnews%5D=17"},
		{"https://kulturbuero-dresden.de:443", "https://kulturbuero-dresden.de/"},
		{"https://kulturbuero-dresden.de:8443/spot-on", "https://kulturbuero-dresden.de:8443/spot-on"},
		{"https://example.org/termine?tag=b&tag=a&_ga=2.1", "https://example.org/termine?tag=b&tag=a"},
		{"https://example.org/suche?", "https://example.org/suche"},
		{"https://user:pw@example.org/", "https://example.org/"},
		{"  https://example.org/a  ", "https://example.org/a"},
		{"/relativ/pfad", "/relativ/pfad"},
	}
	for _, tt := range tests {
		if got := CanonicalURL(tt.in); got != tt.want {
			t.Errorf("CanonicalURL(%q) = %q, want %q", tt.in, got, tt.want)
		}
		if got := CanonicalURL(tt.want); got != tt.want {
			t.Errorf("CanonicalURL not idempotent on %q: %q", tt.want, got)
		}
	}
}

func TestSiteOf(t *testing.T) {
	tests := []struct{ host, want string }{
		{"www.kulturbuero-sachsen.de", "kulturbuero-sachsen.de"},
		{"kulturbuero-sachsen.de:8080", "kulturbuero-sachsen.de"},
		{"termine.stadt.leipzig.de", "leipzig.de"},
		{"verein.github.io", "verein.github.io"}, // a public suffix: each user is a site
		{"127.0.0.1:8081", "127.0.0.1"},
		{"[::1]:8081", "::1"},
		{"localhost:8081", "localhost"},
	}
	for _, tt := range tests {
		if got := siteOf(tt.host); got != tt.want {
			t.Errorf("siteOf(%q) = %q, want %q", tt.host, got, tt.want)
		}
	}
}

func TestIsPublic(t *testing.T) {
	tests := []struct {
		addr   string
		public bool
	}{
		{"141.30.1.1", true}, // TU Dresden
		{"2a00:1450:4001::1", true},
		{"127.0.0.1", false},
		{"127.8.8.8", false},
		{"10.0.0.5", false},
		{"172.16.3.4", false},
		{"192.168.178.1", false},   // a Fritz!Box
		{"169.254.169.254", false}, // cloud metadata
		{"100.64.0.1", false},
		{"0.0.0.0", false},
		{"224.0.0.1", false},
		{"255.255.255.255", false},
		{"::1", false},
		{"::", false},
		{"fe80::1", false},
		{"fd00::1", false},
		{"::ffff:127.0.0.1", false}, // IPv4-mapped loopback
		{"::ffff:8.8.8.8", true},
		{"64:ff9b::a00:1", false}, // NAT64 of 10.0.0.1
		// Issue 12: ranges the guard used to treat as public.
		{"fec0::1", false},   // site-local (deprecated)
		{"::7f00:1", false},  // IPv4-compatible ::127.0.0.1
		{"::a00:1", false},   // IPv4-compatible ::10.0.0.1
		{"::808:808", false}, // IPv4-compatible, even of a public address
		{"2001::1", false},   // Teredo
		{"2001:0:4136:e378:8000:63bf:3fff:fdd2", false},
		{"100::1", false},           // discard-only
		{"100::ffff:7f00:1", false}, // discard-only
		// Others a careful reviewer lists.
		{"64:ff9b::7f00:1", false},    // NAT64 of 127.0.0.1
		{"64:ff9b::a9fe:a9fe", false}, // NAT64 of the metadata address
		{"64:ff9b::c0a8:1", false},    // NAT64 of 192.168.0.1
		{"64:ff9b::808:808", true},    // NAT64 of 8.8.8.8: IPv6-only networks with DNS64 reach every site so
		{"64:ff9b:1::a00:1", false},   // local-use NAT64: the embedding is the operator's choice
		{"2002:a00:1::1", false},      // 6to4 of 10.0.0.1
		{"2002:7f00:1::1", false},     // 6to4 of 127.0.0.1
		{"2002:808:808::1", false},    // 6to4, deprecated: refused whole
		{"::ffff:0:a00:1", false},     // SIIT IPv4-translated 10.0.0.1
		{"::ffff:169.254.169.254", false},
		{"2001:2::1", false},              // benchmarking
		{"2001:10::1", false},             // ORCHID
		{"2001:db8::1", false},            // documentation
		{"3fff::1", false},                // documentation (RFC 9637)
		{"5f00::1", false},                // SRv6 SIDs
		{"fc00::1", false},                // unique local
		{"ff02::1", false},                // multicast
		{"4000::1", false},                // not allocated
		{"2620:fe::fe", true},             // Quad9
		{"192.88.99.1", false},            // 6to4 relay anycast
		{"198.18.0.1", false},             // benchmarking
		{"fe80::1%eth0", false},           // zoned link-local
		{"2a00:1450:4001::1%eth0", false}, // a zone makes prefix checks miss: refused
	}
	for _, tt := range tests {
		if got := isPublic(netip.MustParseAddr(tt.addr)); got != tt.public {
			t.Errorf("isPublic(%s) = %v, want %v", tt.addr, got, tt.public)
		}
	}
}

func TestDialGuard(t *testing.T) {
	g := dialGuard{public: map[string]bool{"127.0.0.1:8081": true}}
	for addr, ok := range map[string]bool{
		"127.0.0.1:8081": true, "127.0.0.1:8082": false, "[::1]:80": false, "141.30.1.1:443": true, "nonsense": false,
		"[fec0::1]:80": false, "[::127.0.0.1]:80": false, "[2001::1]:443": false, "[100::1]:80": false,
		"[64:ff9b::127.0.0.1]:80": false, "[2002:a00:1::1]:80": false, "[fe80::1%lo]:80": false,
		"[2a00:1450:4001::1%lo]:443": false,
	} {
		if err := g.check(addr); (err == nil) != ok {
			t.Errorf("check(%s) = %v", addr, err)
		}
	}
	if err := (dialGuard{allowPrivate: true}).check("10.0.0.1:80"); err != nil {
		t.Errorf("allowPrivate: %v", err)
	}
}
