package normalize

import (
	"net/url"
	"strings"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/normalize/gazetteer"
	"github.com/treffpunkt/treffpunkt/internal/normalize/places"
)

// placeInfo is where one group of dates happens.
type placeInfo struct {
	place      places.Result
	online     event.OnlineMode
	attendance event.OnlineMode // from a structured source, "" when none
	onlineConf float64
	regionConf float64
	warnings   []string
}

// Evidence needed for a region named in the text (see places.RegionIn's
// weights): "in X" or "Region X" for an on-site event, whose bare mentions
// of a town (often the organiser's name) lose against the source's default
// region; an online event has no venue and no default, so any naming of a
// Saxon place ("Dresdner Migrant*innenorganisationen") gives its region.
const (
	regionNeedOnSite = 3
	regionNeedOnline = 1
)

// structuredPlace reads item.Location (JSON-LD, iCal), else the place field
// of an html source, and item.Attendance.
func (j *job) structuredPlace() *placeInfo {
	var w placeInfo
	given := false
	if l := j.it.Location; l != nil && (l.Venue != "" || l.Street != "" || l.PostalCode != "" || l.City != "" || l.Text != "") {
		w.place = places.FromParts(l.Venue, l.Street, l.PostalCode, l.City)
		if l.Text != "" {
			t := places.Parse(l.Text)
			fill(&w.place, t)
		}
		if l.Lat != nil && l.Lon != nil {
			w.place.Lat, w.place.Lon = l.Lat, l.Lon
		}
		given = true
	} else if strings.TrimSpace(j.it.Place) != "" {
		w.place = places.Parse(j.it.Place)
		given = w.place.Found() || w.place.Online
	}
	w.place.Labelled = true
	switch a := strings.ToLower(j.it.Attendance); {
	case strings.Contains(a, "mixed"):
		w.attendance = event.OnlineHybrid
	case strings.Contains(a, "online"):
		w.attendance = event.OnlineYes
	case strings.Contains(a, "offline"):
		w.attendance = event.OnlineNo
	}
	if !given && w.attendance == "" {
		return nil
	}
	return &w
}

// fill completes r with what t knows and r does not.
func fill(r *places.Result, t places.Result) {
	if r.Venue == "" {
		r.Venue = t.Venue
	}
	if r.Street == "" {
		r.Street = t.Street
	}
	if r.PostalCode == "" && r.City == "" {
		r.PostalCode, r.City, r.Region, r.Lat, r.Lon = t.PostalCode, t.City, t.Region, t.Lat, t.Lon
		r.Outside, r.Confidence = t.Outside, t.Confidence
	}
	r.Online = r.Online || t.Online
}

// where decides place, format and region of one group of dates.
func (j *job) where(g group, multi bool) placeInfo {
	var w placeInfo
	var sig onlineSignal
	if multi {
		sig = detectOnline(g.ownLow)
	} else {
		sig = onlineFrom(g.ownLow, j.read.format) // own is the whole text, already read
	}
	if j.structPlace != nil {
		w.place, w.attendance = j.structPlace.place, j.structPlace.attendance
	}
	own := places.Read(g.own)
	texts := []*places.Text{own}
	if !multi {
		j.text1 = own // own is the whole text
	} else {
		texts = append(texts, j.common(g))
	}
	if !w.place.Found() && !w.place.Online {
		w.place = own.Place()
		if multi && !w.place.Found() && !w.place.Online && !sig.online {
			w.place = j.common(g).Place()
		}
	}
	if multi && !sig.online && !w.place.Online {
		sig = detectOnline(g.commonLow)
	}
	j.decideOnline(&w, sig)
	timed := len(g.occs) > 0 && !g.occs[0].AllDay
	j.decideRegion(&w, texts, timed, func() places.Guess { return j.nearDate(g) })
	return w
}

// nearDateBytes is how far after its date a place counts as the date's own
// ("7. Februar 2017, 15 Uhr\nBorna, Markt", "Do. 01.08.2024 19:00 / Grimma",
// "22.08.2020 ab 19:00 Uhr in Dreiskau-Muckern").
const nearDateBytes = 160

// nearDate reads the place names written in the line of the group's first
// date and right after it: listings and calendar pages put the town there,
// while the rest of the page names organisers, districts and other places.
func (j *job) nearDate(g group) places.Guess {
	if !j.inText || len(g.occs) == 0 {
		return places.Guess{}
	}
	sp := g.occs[0].Span
	if sp[0] < 0 || sp[1] > len(j.text) || sp[0] > sp[1] {
		return places.Guess{}
	}
	// the date's own line first, then each following line within nearDateBytes
	from := strings.LastIndexByte(j.text[:sp[0]], '\n') + 1
	limit := min(len(j.text), sp[1]+nearDateBytes)
	at := sp[1]
	for n := 0; n < 6 && from < limit; n++ {
		to := limit
		if nl := strings.IndexByte(j.text[at:limit], '\n'); nl >= 0 {
			to = at + nl
		}
		for to < len(j.text) && to > from && j.text[to]&0xC0 == 0x80 {
			to++
		}
		if g := places.Read(j.text[from:to]).Region(); g.Region != "" || g.Outside {
			return g
		}
		from, at = to+1, to+1
	}
	return places.Guess{}
}

// common reads the text outside all date parts; the same for every group,
// so it is read once.
func (j *job) common(g group) *places.Text {
	if j.commonText == nil {
		j.commonText = places.Read(g.common)
	}
	return j.commonText
}

// decideOnline combines the signals: a structured attendance mode wins; a
// place line that says both ("… 04103 Leipzig) - UND ONLINE MÖGLICH ÜBER
// ZOOM") is hybrid; an online signal beside an address found only in prose
// is an online event whose prose address is the organiser's, not a venue.
func (j *job) decideOnline(w *placeInfo, sig onlineSignal) {
	p := &w.place
	physical := p.Venue != "" || p.Street != "" || p.PostalCode != "" || p.City != ""
	switch {
	case w.attendance != "":
		w.online, w.onlineConf = w.attendance, 0.95
	case sig.hybrid:
		w.online, w.onlineConf = event.OnlineHybrid, 0.8
	case p.Online && physical:
		w.online, w.onlineConf = event.OnlineHybrid, 0.85
	case p.Online:
		w.online, w.onlineConf = event.OnlineYes, 0.9
	case sig.online && physical && p.Labelled:
		w.online, w.onlineConf = event.OnlineHybrid, 0.6
		w.warnings = append(w.warnings, "online: the text speaks of online participation beside a venue; taken as hybrid")
	case sig.online:
		w.online, w.onlineConf = event.OnlineYes, 0.8
	default:
		w.online, w.onlineConf = event.OnlineNo, 0.7
		if !physical {
			w.onlineConf = 0.6
		}
	}
	if w.online == event.OnlineYes && !p.Labelled {
		*p = places.Result{} // prose address of an online event: the organiser's office
	}
}

// decideRegion: the venue's district; else a region the text names; an
// online event has no region unless the text names one; an on-site event
// falls back to the source's default region, then to weak mentions.
func (j *job) decideRegion(w *placeInfo, texts []*places.Text, timed bool, nearDate func() places.Guess) {
	p := &w.place
	if p.Outside {
		p.Region, w.regionConf = "", 0.8
		return
	}
	// Without a place of its own, a town written beside the date gives the
	// region before any mention elsewhere in the page. (Letting it also
	// overrule a place read from prose helped the dev sites and cost the
	// held-out ones: not general enough.)
	if p.Region == "" && !p.Outside && w.online != event.OnlineYes {
		if near := nearDate(); near.Region != "" {
			if districtOnly(w, near, timed) {
				return
			}
			p.Region, w.regionConf = near.Region, near.Confidence
			return
		}
	}
	if p.Region != "" && w.online != event.OnlineYes {
		w.regionConf = p.Confidence
		return
	}
	need := float64(regionNeedOnSite)
	if w.online == event.OnlineYes {
		need = regionNeedOnline
	}
	if strings.TrimSpace(j.it.Title) != "" {
		texts = append(texts, places.Read(j.title))
	}
	for _, t := range texts {
		guess := t.Region()
		if guess.Score < need {
			continue
		}
		if guess.Outside {
			p.Region, w.regionConf = "", guess.Confidence
			return
		}
		if districtOnly(w, guess, timed) {
			return
		}
		if guess.Region != "" {
			p.Region, w.regionConf = guess.Region, guess.Confidence
			return
		}
	}
	if w.online == event.OnlineYes {
		p.Region, w.regionConf = "", 0.7
		return
	}
	if j.opt.DefaultRegion != "" && event.ValidRegion(j.opt.DefaultRegion) {
		p.Region, w.regionConf = j.opt.DefaultRegion, 0.6
		w.warnings = append(w.warnings, "region: none in the text; the source's default region was used")
		return
	}
	if guess := j.textRegion(); guess.Region != "" {
		p.Region, w.regionConf = guess.Region, 0.45
		w.warnings = append(w.warnings, "region: guessed from a passing mention of a place")
		return
	}
	if r := hostRegion(j.it.URL); r != "" {
		p.Region, w.regionConf = r, 0.4
		w.warnings = append(w.warnings, "region: taken from the town in the site's address")
		return
	}
	w.regionConf = 0.4
	w.warnings = append(w.warnings, "region: unknown")
}

// districtOnly leaves the region empty when the only evidence names a
// whole district and the event is one session at a clock time with no place
// of its own: a session happens in one place, and a text that names none
// and speaks of a district ("Asyl und Integration im Landkreis Leipzig",
// "5 Jahre Integrationsarbeit Mittelsachsen") names its subject. A festival
// over days across a district ("Interkulturelle Wochen im Landkreis
// Bautzen") keeps the district, and so does an online event, which has no
// place but may serve a district.
func districtOnly(w *placeInfo, g places.Guess, timed bool) bool {
	if g.Region == "" || !g.District || !timed || w.place.Found() || w.online == event.OnlineYes {
		return false
	}
	w.regionConf = 0.5
	w.warnings = append(w.warnings, "region: the text names a district as its subject and no place")
	return true
}

// hostRegion reads a Saxon town named in the host of the page's address
// ("if-leipzig.de", "crimmitschau.de", "ndk-wurzen.de"): local
// organisations name their sites after their town. Only the host counts;
// a path names whatever the page is about.
func hostRegion(raw string) string {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil || u.Host == "" {
		return ""
	}
	for part := range strings.FieldsFuncSeq(strings.ToLower(u.Hostname()), func(r rune) bool {
		return r == '.' || r == '-' || r == '_'
	}) {
		if len(part) >= 4 {
			if r := gazetteer.TownRegion(part); r != "" {
				return r
			}
		}
	}
	return ""
}

// textRegion is places.RegionIn of the whole text, computed once per item.
func (j *job) textRegion() places.Guess {
	if j.text1 == nil {
		j.text1 = places.Read(j.text)
	}
	return j.text1.Region()
}
