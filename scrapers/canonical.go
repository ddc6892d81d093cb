package scrapers

import (
	"net"
	"net/url"
	"sort"
	"strings"

	"golang.org/x/net/publicsuffix"
)

// trackingParams are query parameters that only say where a visitor came
// from. They never change the page, so they must not change its identity.
var trackingParams = map[string]bool{
	"fbclid": true, "gclid": true, "dclid": true, "gbraid": true, "wbraid": true,
	"msclkid": true, "yclid": true, "igshid": true, "_ga": true, "_gl": true,
	"_hsenc": true, "_hsmi": true, "phpsessid": true, "jsessionid": true,
}

// trackingPrefixes are families of tracking parameters (Google Analytics,
// Mailchimp, Matomo/Piwik, HubSpot).
var trackingPrefixes = []string{"utm_", "mc_", "pk_", "mtm_", "matomo_", "piwik_", "hsa_"}

func isTracking(param string) bool {
	p := strings.ToLower(param)
	if trackingParams[p] {
		return true
	}
	for _, pre := range trackingPrefixes {
		if strings.HasPrefix(p, pre) {
			return true
		}
	}
	return false
}

// CanonicalURL lower-cases scheme/host, drops the fragment, the default port
// and tracking params (utm_*, fbclid, gclid, mc_*…), and sorts the query. It
// is the identity of a page within a source; a string that does not parse as
// an absolute URL is returned trimmed.
func CanonicalURL(raw string) string {
	raw = strings.TrimSpace(raw)
	u, err := url.Parse(raw)
	if err != nil || u.Scheme == "" || u.Host == "" {
		return raw
	}
	u.Scheme = strings.ToLower(u.Scheme)
	u.Host = strings.ToLower(u.Host)
	if port := u.Port(); (u.Scheme == "http" && port == "80") || (u.Scheme == "https" && port == "443") {
		u.Host = u.Hostname()
		if strings.Contains(u.Host, ":") { // IPv6 literal lost its brackets
			u.Host = "[" + u.Host + "]"
		}
	}
	u.Fragment, u.RawFragment = "", ""
	u.User = nil
	if u.Path == "" {
		u.Path = "/"
	}
	u.RawQuery = canonicalQuery(u.RawQuery)
	u.ForceQuery = false
	return u.String()
}

// canonicalQuery drops tracking parameters, writes every key and value in
// one encoding and sorts the pairs by key, keeping the order of repeated
// keys. The result is only an identity: pages are fetched as linked.
func canonicalQuery(raw string) string {
	if raw == "" {
		return ""
	}
	type pair struct{ key, val string }
	var kept []pair
	for _, p := range strings.Split(raw, "&") {
		if p == "" {
			continue
		}
		k, v, hasVal := strings.Cut(p, "=")
		k = queryPart(k)
		if k == "" || isTracking(k) {
			continue
		}
		if hasVal {
			v = "=" + url.QueryEscape(unescapeQuery(v))
		}
		kept = append(kept, pair{url.QueryEscape(k), v})
	}
	sort.SliceStable(kept, func(i, j int) bool { return kept[i].key < kept[j].key })
	parts := make([]string, len(kept))
	for i, p := range kept {
		parts[i] = p.key + p.val
	}
	return strings.Join(parts, "&")
}

// queryPart decodes a query key for comparison.
func queryPart(s string) string { return strings.TrimSpace(unescapeQuery(s)) }

// unescapeQuery decodes %XX and "+", leaving text that is not valid
// percent-encoding as it is.
func unescapeQuery(s string) string {
	if u, err := url.QueryUnescape(s); err == nil {
		return u
	}
	return s
}

// siteOf is the registrable domain of host ("www.kulturbuero-sachsen.de" →
// "kulturbuero-sachsen.de"): the unit the same-site restriction compares.
// IP addresses and single-label hosts are their own site.
func siteOf(host string) string {
	h := strings.ToLower(strings.TrimSuffix(host, "."))
	if hh, _, err := net.SplitHostPort(h); err == nil {
		h = hh
	}
	h = strings.Trim(h, "[]")
	if net.ParseIP(h) != nil {
		return h
	}
	site, err := publicsuffix.EffectiveTLDPlusOne(h)
	if err != nil {
		return h
	}
	return site
}

// webURL resolves raw against base and returns it only if it is an absolute
// http(s) URL with a host: the one kind of link Treffpunkt stores and
// serves. Anything else (javascript:, data:, mailto:, a bare path without a
// base) gives "".
func webURL(base, raw string) string {
	b, err := url.Parse(base)
	if err != nil {
		return ""
	}
	u, err := b.Parse(strings.TrimSpace(raw))
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
		return ""
	}
	return u.String()
}
