package gazetteer

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Fold returns the lookup key of a place name: lower case, umlauts and ß
// spelled out (Görlitz = Goerlitz), Sorbian diacritics dropped (Budyšin =
// Budysin), dashes unified and the spaces around "-" and "/" removed.
func Fold(s string) string {
	return string(foldAppend(nil, s))
}

func foldAppend(b []byte, s string) []byte {
	// fast path: a plain ASCII word only needs lower case
	plain := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c >= utf8.RuneSelf || !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9') {
			plain = false
			break
		}
	}
	if plain {
		for i := 0; i < len(s); i++ {
			c := s[i]
			if 'A' <= c && c <= 'Z' {
				c += 'a' - 'A'
			}
			b = append(b, c)
		}
		return b
	}
	space := false
	for _, r := range s {
		if unicode.IsSpace(r) || r == '\u00a0' {
			space = len(b) > 0
			continue
		}
		switch r {
		case '-', '/', '–', '—', '‑':
			b = trimSpaceRight(b)
			if r != '/' {
				r = '-'
			}
			b = append(b, byte(r))
			space = false
			continue
		}
		if space {
			if c := b[len(b)-1]; c != '-' && c != '/' {
				b = append(b, ' ')
			}
			space = false
		}
		switch {
		case r == 'ä' || r == 'Ä':
			b = append(b, 'a', 'e')
		case r == 'ö' || r == 'Ö':
			b = append(b, 'o', 'e')
		case r == 'ü' || r == 'Ü':
			b = append(b, 'u', 'e')
		case r == 'ß' || r == 'ẞ':
			b = append(b, 's', 's')
		case r < utf8.RuneSelf:
			if 'A' <= r && r <= 'Z' {
				r += 'a' - 'A'
			}
			b = append(b, byte(r))
		default:
			b = utf8.AppendRune(b, unaccent(unicode.ToLower(r)))
		}
	}
	return b
}

func trimSpaceRight(b []byte) []byte {
	for len(b) > 0 && b[len(b)-1] == ' ' {
		b = b[:len(b)-1]
	}
	return b
}

// unaccent maps the letters of Upper and Lower Sorbian (and a few Czech and
// Polish ones seen in border names) to their base letter.
func unaccent(r rune) rune {
	switch r {
	case 'š', 'ś':
		return 's'
	case 'č', 'ć':
		return 'c'
	case 'ž', 'ź', 'ż':
		return 'z'
	case 'ě', 'é', 'ę':
		return 'e'
	case 'ł':
		return 'l'
	case 'ó':
		return 'o'
	case 'ř', 'ŕ':
		return 'r'
	case 'ń':
		return 'n'
	case 'á', 'ą':
		return 'a'
	case 'í':
		return 'i'
	case 'ú', 'ů':
		return 'u'
	case 'ý':
		return 'y'
	case 'ď':
		return 'd'
	case 'ť':
		return 't'
	}
	return r
}

// ByPostalCode returns the municipalities whose area overlaps the postcode;
// nil when the postcode is not Saxon.
func ByPostalCode(pc string) []*Municipality {
	return data().byPC[pc]
}

// ByName returns the municipalities known under name (German, Sorbian, with
// or without a "/Erzgebirge" style suffix). "Leipzig-Connewitz" and
// "Dresden-Neustadt" name parts of a municipality and are found too.
func ByName(name string) []*Municipality {
	t := data()
	k := Fold(strings.TrimSpace(name))
	if ms := t.byName[k]; ms != nil {
		return ms
	}
	// "Leipzig-Connewitz", "Chemnitz OT Rabenstein": the municipality comes first.
	if i := strings.IndexAny(k, "-/"); i > 0 {
		if ms := t.byName[k[:i]]; ms != nil {
			return ms
		}
	}
	if i := strings.Index(k, " ot "); i > 0 {
		return t.byName[k[:i]]
	}
	return nil
}

// Weak reports a municipality name that is also a common word, a surname
// or a place elsewhere (weak_names.txt).
func Weak(name string) bool {
	return data().weak[Fold(strings.TrimSpace(name))]
}

// TownRegion returns the district of the Saxon municipality called name
// when the name is not weak and all municipalities of that name lie in one
// district; "" otherwise. It does not allocate for names up to 48 bytes:
// callers try it on many words.
func TownRegion(name string) string {
	t := data()
	var buf [48]byte
	k := foldAppend(buf[:0], name)
	if t.weak[string(k)] {
		return ""
	}
	ms := t.byName[string(k)]
	if len(ms) == 0 || !SameRegion(ms) {
		return ""
	}
	return ms[0].Region
}

// Resolve picks the municipality for a postcode and a city name as written
// next to it. The postcode decides; the name settles the 83 postcodes shared
// by several municipalities. With no postcode the name alone is used. ok is
// false when nothing Saxon matches.
func Resolve(postalCode, city string) (m *Municipality, ok bool) {
	byPC := ByPostalCode(postalCode)
	byName := ByName(city)
	switch {
	case len(byPC) == 1:
		return byPC[0], true
	case len(byPC) > 1:
		for _, a := range byPC {
			for _, b := range byName {
				if a == b {
					return a, true
				}
			}
		}
		// The city may be a village (Ortsteil) not in the table: keep the
		// postcode's answer when all candidates share a district.
		return byPC[0], true
	case postalCode != "" && !strings.HasPrefix(postalCode, "0"):
		return nil, false // a postcode outside 0xxxx is never Saxon
	case len(byName) >= 1:
		return byName[0], true
	}
	return nil, false
}

// SameRegion reports whether all municipalities lie in one district.
func SameRegion(ms []*Municipality) bool {
	for _, m := range ms[1:] {
		if m.Region != ms[0].Region {
			return false
		}
	}
	return len(ms) > 0
}

// Outside reports whether name is a place outside Saxony from the bundled list.
func Outside(name string) bool {
	return data().outside[Fold(name)]
}

// Regions returns the 13 districts in the table's order.
func Regions() []Region {
	return append([]Region(nil), data().regions...)
}

// RegionBySlug returns the district with the given slug.
func RegionBySlug(slug string) (Region, bool) {
	t := data()
	i, ok := t.bySlug[slug]
	if !ok {
		return Region{}, false
	}
	return t.regions[i], true
}

// Municipalities returns all municipalities (shared, do not modify).
func Municipalities() []*Municipality {
	return data().munis
}
