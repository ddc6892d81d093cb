package places

import (
	"sort"
	"strings"

	"github.com/treffpunkt/treffpunkt/internal/normalize/gazetteer"
)

// Guess is the region a text points at without a precise address.
type Guess struct {
	Region     string  // slug, "" when none or ambiguous
	Outside    bool    // the text points outside Saxony
	Confidence float64 // 0..1
	Score      float64 // weight of the evidence for Region (or Outside)
	// District: the evidence names the district as a whole ("im Landkreis
	// Meißen", "Region Leipzig", "Integrationsarbeit Mittelsachsen") and
	// no town in it as where something happens ("in Riesa", "nach Görlitz").
	District bool
}

// Weights of the evidence for a region. Written down so staff can see why a
// text got its region: an explicit "Region Leipzig" or "Landkreis Bautzen"
// outweighs "in Chemnitz", which outweighs a bare mention of a city in an
// organisation's name ("Kulturbüro Dresden").
const (
	weightRegionWord  = 6 // Region/Landkreis/LK/Raum X
	weightLandscape   = 5 // Vogtland, Erzgebirge, Sächsische Schweiz
	weightPreposition = 3 // in X
	weightFrom        = 2 // aus X
	weightBare        = 1 // X anywhere
	weightAdjective   = 1 // Leipziger, Dresdner
)

var regionWords = map[string]bool{"region": true, "landkreis": true, "landkreises": true, "landkreisen": true,
	"lk": true, "kreis": true, "raum": true, "großraum": true, "stadt": true, "landeshauptstadt": true,
	"stadtgebiet": true, "regionen": true, "umgebung": true}

// districtWords turn "Leipzig" into the district around it.
var districtWords = map[string]bool{"landkreis": true, "landkreises": true, "landkreisen": true, "lk": true, "kreis": true}

func isRegionWord(w string) bool { return regionWords[w] }

// adjectives of the larger towns as used in announcements ("Leipziger
// Migrantenorganisationen"): they point at the town.
var adjectives = map[string]string{"Leipziger": "leipzig", "Dresdner": "dresden", "Chemnitzer": "chemnitz",
	"Zwickauer": "zwickau", "Plauener": "vogtlandkreis", "Görlitzer": "goerlitz", "Bautzener": "bautzen",
	"Bautzner": "bautzen", "Meißner": "meissen", "Freiberger": "mittelsachsen", "Pirnaer": "saechsische-schweiz-osterzgebirge",
	"Erzgebirgische": "erzgebirgskreis", "Vogtländische": "vogtlandkreis"}

// RegionIn weighs every place name in text and returns the strongest region.
// Two regions with equal strong evidence ("in den Landkreisen Meißen und
// Mittelsachsen") give no region.
func RegionIn(text string) Guess {
	if len(text) > maxText {
		text = text[:maxText]
	}
	return guessRegion(text, scanNames(text))
}

func guessRegion(text string, hits []gazetteer.Hit) Guess {
	scores := map[string]float64{}
	// district: evidence names the region as a whole district; where: a
	// town in it is named as where something happens ("nach Görlitz")
	district, where := map[string]bool{}, map[string]bool{}
	const outside = "\x00outside"
	for _, h := range hits {
		before := text[max(0, h.Start-40):h.Start]
		w := lastWord(before)
		switch {
		case h.Outside:
			scores[outside] += weightOf(w, weightBare)
		case h.Part:
			// "in Löbtau" says "in Dresden"
			scores[h.Region] += weightOf(w, weightBare)
			if w == "in" || w == "nach" {
				where[h.Region] = true
			}
		case h.Region != "":
			scores[h.Region] += weightLandscape
			if districtWords[w] || w == "region" || districtName(text[h.Start:h.End]) {
				district[h.Region] = true
			}
		case h.Weak && !regionWords[w]:
			// a common word or a place elsewhere: no evidence on its own
		default:
			slug := h.Munis[0].Region
			if !gazetteer.SameRegion(h.Munis) {
				continue
			}
			if districtWords[w] && slug == "leipzig" {
				slug = "landkreis-leipzig"
			}
			scores[slug] += weightOf(w, weightBare)
			switch {
			case districtWords[w] || w == "region":
				district[slug] = true
			case w == "in" || w == "nach":
				where[slug] = true
			}
		}
	}
	eachCapitalised(text, func(word, rest string) {
		if len(word) < 6 || !strings.Contains(word, "er") {
			return
		}
		stem := adjectiveStem(word)
		slug := adjectives[stem]
		if slug == "" {
			slug = townAdjective(stem)
		}
		if slug != "" && !streetAfter(rest) {
			scores[slug] += weightAdjective
		}
	})
	var all []scored
	for k, v := range scores {
		all = append(all, scored{k, v})
	}
	if len(all) == 0 {
		return Guess{}
	}
	sort.Slice(all, func(i, j int) bool { return all[i].v > all[j].v || all[i].v == all[j].v && all[i].k < all[j].k })
	best := all[0]
	if len(all) > 1 && (all[1].v == best.v || all[1].v >= weightLandscape && all[1].v >= 0.75*best.v) {
		// several regions with strong evidence: the text is about all of them
		return Guess{Confidence: 0.2, Score: best.v}
	}
	g := Guess{Score: best.v, Confidence: confidenceOf(best.v, all)}
	if best.k == outside {
		g.Outside = true
	} else {
		g.Region, g.District = best.k, district[best.k] && !where[best.k]
	}
	return g
}

// districtName reports the official name of a district written alone
// ("Mittelsachsen", "Vogtlandkreis"), unlike a landscape ("Vogtland",
// "Erzgebirge") that also names shops, papers and clubs.
func districtName(name string) bool {
	return strings.HasSuffix(name, "kreis") || strings.HasSuffix(name, "sachsen") || strings.Contains(name, "Osterzgebirge")
}

type scored struct {
	k string
	v float64
}

// townAdjective reads the adjective of any Saxon town ("Wurzener Markt",
// "Bornaer Innenstadt", "Kamenzer Rathaus"): the name plus "er". Names that
// are also common words do not count.
func townAdjective(stem string) string {
	base, ok := strings.CutSuffix(stem, "er")
	if !ok || len(base) < 4 || strings.ContainsAny(base, "-/*:") {
		return ""
	}
	return gazetteer.TownRegion(base)
}

// adjectiveStem strips quotes, punctuation and gender endings:
// "Leipziger*innen," → "Leipziger", "Dresdnerinnen" → "Dresdner".
func adjectiveStem(w string) string {
	w = strings.Trim(w, "„“\"'(),.;:!?")
	for _, suf := range []string{"*innen", ":innen", "_innen", "/innen", "Innen", "innen", "in"} {
		if s, ok := strings.CutSuffix(w, suf); ok && len(s) > 4 && strings.HasSuffix(s, "er") {
			return s
		}
	}
	return w
}

func weightOf(before string, bare float64) float64 {
	switch {
	case regionWords[before]:
		return weightRegionWord
	case before == "in" || before == "nach" || before == "im":
		return weightPreposition
	case before == "aus":
		return weightFrom
	}
	return bare
}

// confidenceOf grows with the evidence and shrinks when a runner-up is close.
func confidenceOf(best float64, all []scored) float64 {
	c := 0.4
	switch {
	case best >= weightRegionWord:
		c = 0.85
	case best >= weightPreposition:
		c = 0.7
	case best >= 2:
		c = 0.55
	}
	if len(all) > 1 && all[1].v >= best/2 {
		c -= 0.2
	}
	return c
}

// streetWords name a street after a town adjective: streets are named for
// the town they lead to ("Tharandter Straße" in Dresden, "Leipziger Str." in
// Chemnitz), so the adjective says nothing about where the event is.
var streetWords = []string{"Straße", "Strasse", "Str.", "Str ", "Weg", "Allee", "Chaussee", "Landstraße", "Ring", "Platz", "Damm"}

// streetAfter reports a street word at the start of rest, the text after
// an adjective.
func streetAfter(rest string) bool {
	rest = strings.TrimLeft(rest, " ")
	for _, w := range streetWords {
		if strings.HasPrefix(rest, w) {
			return true
		}
	}
	return false
}

// eachCapitalised calls fn with every space-separated word that starts with
// an upper-case ASCII letter (the adjectives of the table all do) and the
// text after it.
func eachCapitalised(text string, fn func(word, rest string)) {
	for i := 0; i < len(text); i++ {
		c := text[i]
		if c < 'A' || c > 'Z' || i > 0 && text[i-1] != ' ' && text[i-1] != '\n' && text[i-1] != '\t' &&
			text[i-1] != '(' && text[i-1] != '"' {
			continue
		}
		j := i + 1
		for j < len(text) && text[j] != ' ' && text[j] != '\n' && text[j] != '\t' {
			j++
		}
		fn(text[i:j], text[j:min(len(text), j+16)])
		i = j
	}
}
