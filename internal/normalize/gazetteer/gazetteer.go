// Package gazetteer knows every municipality of the Free State of Saxony: its
// postcodes, its district (the API's region slug), its Upper Sorbian name and a
// coordinate. The tables are embedded in the binary (see data/README.md for the
// source and the ODbL/CC BY attribution) and parsed once, on first use.
package gazetteer

import (
	"bufio"
	"embed"
	"encoding/csv"
	"fmt"
	"strconv"
	"strings"
	"sync"
	"unicode"
	"unicode/utf8"
)

//go:embed data/*.csv data/*.txt
var files embed.FS

// Municipality is one Saxon Gemeinde.
type Municipality struct {
	AGS         string   // 8-digit official municipality key
	Name        string   // official German name, e.g. "Weißwasser/O.L."
	Sorbian     string   // Upper Sorbian name, "" when none
	Region      string   // district slug, one of event.Regions
	PostalCodes []string // every postcode area overlapping the municipality
	Lat, Lon    float64
}

// Region is one of the 13 Saxon districts with its display names.
type Region struct {
	Slug   string
	Key    string // district key, e.g. "14625"
	Name   string // official German name from the table, e.g. "Landkreis Bautzen"
	NameDE string // display name, German
	NameEN string // display name, English
}

type tables struct {
	munis    []*Municipality
	byPC     map[string][]*Municipality
	byName   map[string][]*Municipality // folded name → municipalities
	first    map[string]bool            // folded first words of all names, for cheap scanning
	pre3     []bool                     // their first three bytes (index of prefix3), when ASCII letters
	head     map[string]bool            // the letters before any "-", "/", "." of the first words
	regions  []Region
	bySlug   map[string]int
	aliases  map[string]string // folded alias → slug
	parts    map[string]string // folded city part → slug of its city
	outside  map[string]bool   // folded names of places outside Saxony
	weak     map[string]bool   // folded names only trusted next to a postcode
	maxWords int
}

var (
	loadOnce sync.Once
	tab      *tables
)

// data returns the parsed tables. The embedded files are part of the binary,
// so a parse error is a build defect and panics.
func data() *tables {
	loadOnce.Do(func() {
		t, err := load()
		if err != nil {
			panic("gazetteer: " + err.Error())
		}
		tab = t
	})
	return tab
}

func load() (*tables, error) {
	t := &tables{
		byPC:    map[string][]*Municipality{},
		byName:  map[string][]*Municipality{},
		first:   map[string]bool{},
		pre3:    make([]bool, 26*26*26),
		head:    map[string]bool{},
		bySlug:  map[string]int{},
		aliases: map[string]string{},
		parts:   map[string]string{},
		outside: map[string]bool{},
		weak:    map[string]bool{},
	}
	if err := t.loadRegions(); err != nil {
		return nil, err
	}
	if err := t.loadMunicipalities(); err != nil {
		return nil, err
	}
	if err := t.loadAliases(); err != nil {
		return nil, err
	}
	if err := t.loadParts(); err != nil {
		return nil, err
	}
	if err := t.loadList("outside_places.txt", func(k string) {
		t.outside[k] = true
		t.addFirst(k)
	}); err != nil {
		return nil, err
	}
	if err := t.loadList("weak_names.txt", func(k string) { t.weak[k] = true }); err != nil {
		return nil, err
	}
	return t, nil
}

func readCSV(name string) ([][]string, error) {
	f, err := files.Open("data/" + name)
	if err != nil {
		return nil, fmt.Errorf("open %s: %w", name, err)
	}
	defer f.Close()
	r := csv.NewReader(f)
	r.Comment = '#'
	rows, err := r.ReadAll()
	if err != nil {
		return nil, fmt.Errorf("read %s: %w", name, err)
	}
	if len(rows) < 2 {
		return nil, fmt.Errorf("read %s: no rows", name)
	}
	return rows[1:], nil // drop the header
}

func (t *tables) loadRegions() error {
	districts, err := readCSV("saxony_districts.csv")
	if err != nil {
		return err
	}
	names, err := readCSV("regions.csv")
	if err != nil {
		return err
	}
	display := map[string][2]string{}
	for _, r := range names {
		display[r[0]] = [2]string{r[1], r[2]}
	}
	for _, d := range districts {
		key, name, slug := d[0], d[1], d[2]
		dn, ok := display[slug]
		if !ok {
			return fmt.Errorf("regions.csv: no display names for %q", slug)
		}
		t.bySlug[slug] = len(t.regions)
		t.regions = append(t.regions, Region{Slug: slug, Key: key, Name: name, NameDE: dn[0], NameEN: dn[1]})
	}
	return nil
}

func (t *tables) loadMunicipalities() error {
	rows, err := readCSV("saxony_places.csv")
	if err != nil {
		return err
	}
	extra, err := readCSV("saxony_places_extra.csv")
	if err != nil {
		return err
	}
	type ex struct{ district, osm, sorbian string }
	byAGS := map[string]ex{}
	for _, e := range extra {
		byAGS[e[0]] = ex{district: e[1], osm: e[2], sorbian: e[3]}
	}
	slugByKey := map[string]string{}
	for _, r := range t.regions {
		slugByKey[r.Key] = r.Slug
	}
	for _, r := range rows {
		if len(r) != 6 {
			return fmt.Errorf("saxony_places.csv: %d fields in %q", len(r), r)
		}
		e, ok := byAGS[r[0]]
		if !ok {
			return fmt.Errorf("saxony_places_extra.csv: no row for %s", r[0])
		}
		slug, ok := slugByKey[e.district]
		if !ok {
			return fmt.Errorf("saxony_places.csv: unknown district key %s", e.district)
		}
		lat, err1 := strconv.ParseFloat(r[4], 64)
		lon, err2 := strconv.ParseFloat(r[5], 64)
		if err1 != nil || err2 != nil {
			return fmt.Errorf("saxony_places.csv: bad coordinate for %s", r[0])
		}
		m := &Municipality{AGS: r[0], Name: r[1], Sorbian: e.sorbian, Region: slug,
			PostalCodes: strings.Fields(r[3]), Lat: lat, Lon: lon}
		t.munis = append(t.munis, m)
		for _, pc := range m.PostalCodes {
			t.byPC[pc] = append(t.byPC[pc], m)
		}
		for _, n := range namesOf(m, e.osm) {
			t.addName(n, m)
		}
	}
	return nil
}

// namesOf lists the spellings under which m is found: the official name, the
// part before a slash ("Weißwasser/O.L." → "Weißwasser"), the OSM name and
// its German and Sorbian halves ("Bautzen - Budyšin"), and a few long forms.
func namesOf(m *Municipality, osm string) []string {
	names := []string{m.Name}
	if i := strings.IndexByte(m.Name, '/'); i > 0 {
		names = append(names, m.Name[:i])
		// "Reichenbach/Oberlausitz" is also written "Reichenbach (Oberlausitz)".
		names = append(names, m.Name[:i]+" ("+m.Name[i+1:]+")")
	}
	if osm != "" {
		names = append(names, osm)
		for _, sep := range []string{" - ", " – "} {
			if de, hsb, ok := strings.Cut(osm, sep); ok {
				names = append(names, de, hsb)
			}
		}
	}
	if m.Sorbian != "" {
		names = append(names, m.Sorbian)
	}
	switch m.Name {
	case "Wehlen":
		names = append(names, "Stadt Wehlen")
	case "Reichenbach":
		names = append(names, "Reichenbach im Vogtland", "Reichenbach/Vogtland", "Reichenbach/Vogtl.")
	case "Neustadt in Sachsen":
		names = append(names, "Neustadt i. Sa.")
	case "Aue-Bad Schlema":
		names = append(names, "Aue", "Bad Schlema")
	}
	return names
}

func (t *tables) addName(name string, m *Municipality) {
	k := Fold(name)
	if k == "" {
		return
	}
	for _, have := range t.byName[k] {
		if have == m {
			return
		}
	}
	t.byName[k] = append(t.byName[k], m)
	t.addFirst(k)
}

// addFirst records the first word and the word count of a folded name, so
// Scan can skip words that start no name.
func (t *tables) addFirst(k string) {
	words := strings.Fields(k)
	t.first[words[0]] = true
	if p, ok := prefix3(words[0]); ok {
		t.pre3[p] = true
	}
	t.head[string(letterHead([]byte(words[0])))] = true
	t.maxWords = max(t.maxWords, len(words))
}

func (t *tables) loadAliases() error { return t.loadSlugs("region_aliases.csv", t.aliases, false) }

// loadParts reads the parts of the kreisfreie Städte; a part that is also
// a municipality's or district's name is a data error (that name would be lost).
func (t *tables) loadParts() error { return t.loadSlugs("city_parts.csv", t.parts, true) }

// loadSlugs reads a name,slug table into m (folded name → slug).
func (t *tables) loadSlugs(file string, m map[string]string, own bool) error {
	rows, err := readCSV(file)
	if err != nil {
		return err
	}
	for _, r := range rows {
		if _, ok := t.bySlug[r[1]]; !ok {
			return fmt.Errorf("%s: unknown slug %q", file, r[1])
		}
		k := Fold(r[0])
		if own && (t.byName[k] != nil || t.aliases[k] != "") {
			return fmt.Errorf("%s: %q is also a municipality or district name", file, r[0])
		}
		m[k] = r[1]
		t.addFirst(k)
	}
	return nil
}

// loadList reads a one-name-a-line file (# comments) and hands each folded
// name to add.
func (t *tables) loadList(name string, add func(folded string)) error {
	f, err := files.Open("data/" + name)
	if err != nil {
		return fmt.Errorf("open %s: %w", name, err)
	}
	defer f.Close()
	s := bufio.NewScanner(f)
	for s.Scan() {
		line := strings.TrimSpace(s.Text())
		if line == "" || line[0] == '#' {
			continue
		}
		add(Fold(line))
	}
	if err := s.Err(); err != nil {
		return fmt.Errorf("read %s: %w", name, err)
	}
	return nil
}

// prefix3 numbers the first three bytes of s, lower-cased, when they are
// ASCII letters (0 … 26³-1).
func prefix3(s string) (int, bool) {
	if len(s) < 3 {
		return 0, false
	}
	p := 0
	for i := 0; i < 3; i++ {
		c := s[i] | 0x20
		if c < 'a' || c > 'z' {
			return 0, false
		}
		p = p*26 + int(c-'a')
	}
	return p, true
}

// letterHead returns the leading letters of a folded word ("aue-bad" →
// "aue", "st." → "st").
func letterHead(b []byte) []byte {
	for i := 0; i < len(b); {
		r, size := utf8.DecodeRune(b[i:])
		if !unicode.IsLetter(r) {
			return b[:i]
		}
		i += size
	}
	return b
}
