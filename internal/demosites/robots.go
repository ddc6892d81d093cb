package demosites

import (
	"bufio"
	"bytes"
	"fmt"
	"io/fs"
	"path"
	"strings"
)

// directive spells robots.txt keys the usual way.
var directive = map[string]string{"allow": "Allow", "disallow": "Disallow"}

// mergeRobots builds the host's /robots.txt from each site's own
// sites/<prefix>/robots.txt. A crawler asks the host, not the path prefix,
// so every site's rules are rewritten under its prefix ("Disallow: /intern/"
// on the SAQsen site becomes "Disallow: /saqsen/intern/") and the groups of
// the same user agent are joined.
func mergeRobots(fsys fs.FS) ([]byte, error) {
	var agents, sitemaps []string
	rules := map[string][]string{}
	for _, s := range sites {
		b, err := fs.ReadFile(fsys, path.Join("sites", s.prefix, "robots.txt"))
		if err != nil {
			return nil, fmt.Errorf("robots.txt of %s: %w", s.prefix, err)
		}
		var group []string
		inRules := false
		sc := bufio.NewScanner(bytes.NewReader(b))
		for sc.Scan() {
			line := strings.TrimSpace(sc.Text())
			if i := strings.IndexByte(line, '#'); i >= 0 {
				line = strings.TrimSpace(line[:i])
			}
			key, val, ok := strings.Cut(line, ":")
			if !ok {
				continue
			}
			key, val = strings.ToLower(strings.TrimSpace(key)), strings.TrimSpace(val)
			switch key {
			case "user-agent":
				if inRules {
					group, inRules = nil, false
				}
				group = append(group, val)
				if _, seen := rules[val]; !seen {
					agents = append(agents, val)
					rules[val] = nil
				}
			case "sitemap":
				// A site's sitemap, at the mirror's origin (feeds.go).
				sitemaps = append(sitemaps, fmt.Sprintf("Sitemap: %s/%s%s", basePlaceholder, s.prefix, val))
			case "allow", "disallow":
				inRules = true
				if val == "" {
					continue // "Disallow:" with no path allows everything
				}
				for _, ua := range group {
					rules[ua] = append(rules[ua], fmt.Sprintf("%s: /%s%s", directive[key], s.prefix, val))
				}
			}
		}
		if err := sc.Err(); err != nil {
			return nil, fmt.Errorf("robots.txt of %s: %w", s.prefix, err)
		}
	}
	var out bytes.Buffer
	out.WriteString("# Offline mirror of the partner sites: the rules of each site's own robots.txt\n" +
		"# (/<site>/robots.txt), rewritten under the site's path prefix.\n")
	for _, ua := range agents {
		fmt.Fprintf(&out, "\nUser-agent: %s\n", ua)
		if len(rules[ua]) == 0 {
			out.WriteString("Disallow:\n")
		}
		for _, r := range rules[ua] {
			out.WriteString(r + "\n")
		}
	}
	if len(sitemaps) > 0 {
		out.WriteString("\n" + strings.Join(sitemaps, "\n") + "\n")
	}
	return out.Bytes(), nil
}
