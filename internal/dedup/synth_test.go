package dedup

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// synthetic generates a realistic stream of event records for the
// benchmarks: organisers across Saxony announcing events on their own sites,
// monthly series, and about dupShare of all records being cross-posts on other
// partner sites with reworded titles, other time formats, thinner places and
// rewritten or partly copied descriptions. cluster[i] is the true event of
// record i.
type synthetic struct {
	recs    []Record
	cluster []int
}

var (
	synthFormats = []string{"Workshop", "Seminar", "Vortrag", "Infoabend", "Fachtag", "Lesung", "Gesprächsrunde",
		"Filmabend", "Austauschtreffen", "Fortbildung", "Podiumsdiskussion", "Sprachcafé", "Beratungstag", "Werkstattgespräch"}
	synthTopics = []string{"Vereinsrecht", "Fördermittelakquise", "Antirassismus", "Ehrenamt", "Demokratiebildung",
		"Empowerment", "Anerkennung ausländischer Abschlüsse", "Aufenthaltsrecht", "Wohnungssuche", "Arbeitsmarkt",
		"Gesundheit", "psychische Gesundheit", "Elternarbeit", "Mehrsprachigkeit", "Schule und Bildung", "Kita",
		"Öffentlichkeitsarbeit", "Social Media", "Website", "Buchhaltung", "Projektanträge", "Sachberichte",
		"Kommunalpolitik", "Migrantenbeirat", "Integrationsgesetz", "Teilhabe", "Diskriminierung", "Hate Speech",
		"Frauenrechte", "Jugendbeteiligung", "Sport im Verein", "interkulturelle Öffnung", "Diversität",
		"Verwaltung", "Ausbildung", "Studium", "Sprachmittlung", "Dolmetschen", "Erinnerungskultur", "Kolonialismus",
		"Klimaschutz", "Nachbarschaft", "Kulturarbeit", "Musik", "Theater", "Fotografie", "Film", "Literatur",
		"Vernetzung", "Netzwerkarbeit", "Mitgliedergewinnung", "Vorstandsarbeit", "Datenschutz", "Steuern",
		"Spendenwerbung", "Stiftungen", "Crowdfunding", "Konfliktmoderation", "Selbstfürsorge", "Rassismuskritik"}
	synthAudiences = []string{"für Vereine", "für Ehrenamtliche", "für Jugendliche", "für Frauen*", "für Eltern",
		"für Geflüchtete", "für Multiplikator*innen", "für Fachkräfte", "für Studierende", "für Initiativen", ""}
	synthSubtitles = []string{"was Vorstände wissen müssen", "Grundlagen und Praxis", "ein Erfahrungsaustausch",
		"Chancen und Hürden", "in Sachsen", "im ländlichen Raum", "für Einsteiger*innen", "Teil 2", "kompakt",
		"von der Idee zum Antrag", "gemeinsam stark", "Perspektiven aus der Praxis", "mit Übersetzung",
		"auf Arabisch und Deutsch", "auf Russisch", "auf Englisch", "mit Kinderbetreuung", "nach der Wahl",
		"zwischen Anspruch und Wirklichkeit", "Tipps und Tricks", "aus migrantischer Sicht", "Bilanz und Ausblick"}
	// synthSentences are the building blocks organisers write with; each
	// organiser uses its own few, filled with its own people and rooms.
	synthSentences = []string{
		"In diesem %s geht es um %s und %s.",
		"Wir laden alle Interessierten herzlich ein, sich über %s zu informieren.",
		"Eingeladen sind Engagierte aus Migrant*innenorganisationen, die mehr über %s erfahren möchten.",
		"%s bringt langjährige Praxis in %s mit und beantwortet Fragen.",
		"Gemeinsam sammeln wir Ideen, wie %s in der eigenen Organisation gelingen kann.",
		"Die Veranstaltung ist kostenfrei, um Anmeldung bei %s wird gebeten.",
		"Im Mittelpunkt stehen praktische Übungen zu %s.",
		"Nach einem kurzen Input von %s diskutieren wir in kleinen Gruppen über %s.",
		"Für Getränke und einen kleinen Imbiss ist gesorgt, %s freut sich auf Euch.",
		"Viele Vereine fragen uns nach %s – darum widmen wir diesem Thema einen ganzen Nachmittag.",
		"Was bedeutet %s für unsere Arbeit vor Ort?",
		"Bitte bringt eigene Fragen und Beispiele zu %s mit.",
		"Der Raum ist barrierefrei erreichbar; bei Bedarf organisiert %s eine Sprachmittlung.",
		"Im Anschluss stellt %s Materialien zu %s vor.",
		"Wir wollen voneinander lernen und uns über %s vernetzen.",
		"Die Zahl der Plätze ist begrenzt, Anmeldung bis eine Woche vorher an %s.",
	}
	synthPeople = []string{"Frau Yılmaz", "Herr Nguyen", "Amira Haddad", "Olga Petrenko", "Jonas Krüger",
		"unser Team", "die Projektleitung", "Samuel Mensah", "Lea Hoffmann", "Dr. Reza Karimi", "die Beratungsstelle",
		"Mariam Okafor", "Tomasz Nowak", "Ivana Horvat", "das Büro", "unsere Referentin"}
	synthRewrites = []string{
		"Unsere Partner laden zu einem Termin rund um %s ein, bei dem auch %s zur Sprache kommt.",
		"Wer sich für %s interessiert, sollte sich diesen Termin vormerken; auch %s wird Thema sein.",
		"Es geht um %s – und um %s. Weitere Infos beim Veranstalter.",
		"Tipp aus dem Netzwerk: %s und %s, praxisnah erklärt.",
	}
	synthCities = []struct{ city, region, postal string }{
		{"Leipzig", "leipzig", "041"}, {"Dresden", "dresden", "010"}, {"Chemnitz", "chemnitz", "091"},
		{"Zwickau", "zwickau", "080"}, {"Plauen", "vogtlandkreis", "085"}, {"Bautzen", "bautzen", "026"},
		{"Görlitz", "goerlitz", "028"}, {"Meißen", "meissen", "016"}, {"Pirna", "saechsische-schweiz-osterzgebirge", "017"},
		{"Freiberg", "mittelsachsen", "095"}, {"Annaberg-Buchholz", "erzgebirgskreis", "094"},
		{"Grimma", "landkreis-leipzig", "046"}, {"Torgau", "nordsachsen", "048"},
	}
	synthVenueKinds = []string{"Bürgerhaus", "Stadtteilzentrum", "Volkshochschule", "Soziokulturelles Zentrum",
		"Gemeindehaus", "Kulturzentrum", "Stadtbibliothek", "Rathaus", "Begegnungsstätte", "Jugendhaus"}
	synthNames = []string{"Regenbogen", "Brücke", "Mosaik", "Horizont", "Kompass", "Lindenhof", "Am Markt",
		"Westend", "Nord", "Süd", "Alte Schule", "Sonnenberg", "Kaßberg", "Plagwitz", "Neustadt", "Mitte"}
)

// synthesize returns n records, deterministic for a seed.
func synthesize(n int, dupShare float64, seed uint64) *synthetic {
	rng := rand.New(rand.NewPCG(seed, seed^0x9e3779b97f4a7c15))
	s := &synthetic{recs: make([]Record, 0, n), cluster: make([]int, 0, n)}
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	orgs := make([]string, 600)
	voices := make([][]string, len(orgs)) // each organiser's own sentences
	for i := range orgs {
		orgs[i] = fmt.Sprintf("%s %s e.V.", pick([]string{"Verein", "Initiative", "Netzwerk", "Forum", "Bündnis", "Zentrum"}),
			pick(synthNames)+" "+pick(synthTopics))
		for range 5 {
			voices[i] = append(voices[i], pick(synthSentences))
		}
	}
	fill := func(tmpl string, topics []string) string {
		args := make([]any, strings.Count(tmpl, "%s"))
		for k := range args {
			switch rng.IntN(3) {
			case 0:
				args[k] = pick(synthPeople)
			default:
				args[k] = topics[rng.IntN(len(topics))]
			}
		}
		return fmt.Sprintf(tmpl, args...)
	}
	epoch := time.Date(2024, 1, 1, 0, 0, 0, 0, event.Berlin)
	type base struct {
		rec     Record
		topics  []string
		cluster int
	}
	var originals []base
	nextCluster := 0
	addOriginal := func(r Record, topics []string) {
		originals = append(originals, base{r, topics, nextCluster})
		s.recs = append(s.recs, r)
		s.cluster = append(s.cluster, nextCluster)
		nextCluster++
	}
	wantOriginals := int(float64(n) * (1 - dupShare))
	for len(s.recs) < wantOriginals {
		oi := rng.IntN(len(orgs))
		org := orgs[oi]
		topics := []string{pick(synthTopics), pick(synthTopics)}
		title := pick(synthFormats) + ": " + topics[0]
		if rng.IntN(2) == 0 {
			title += " und " + topics[1]
		}
		if rng.IntN(5) < 3 {
			title += " – " + pick(synthSubtitles)
		}
		if a := pick(synthAudiences); a != "" {
			title += " " + a
		}
		var sb strings.Builder
		for range 3 + rng.IntN(4) {
			sb.WriteString(fill(voices[oi][rng.IntN(len(voices[oi]))], topics) + " ")
		}
		day := epoch.AddDate(0, 0, rng.IntN(730))
		r := Record{SourceID: fmt.Sprintf("org-%d", rng.IntN(400)), Organizer: org, OwnSite: true,
			Draft: event.Draft{Title: title, Description: strings.TrimSpace(sb.String()), Online: event.OnlineNo}}
		hour := []int{10, 14, 15, 16, 17, 18, 19}[rng.IntN(7)]
		r.Draft.Start = day.Add(time.Duration(hour) * time.Hour)
		r.Draft.End = r.Draft.Start.Add(2 * time.Hour)
		if rng.IntN(10) == 0 {
			r.Draft.AllDay, r.Draft.Start = true, day
			r.Draft.End = day.AddDate(0, 0, rng.IntN(2))
		}
		switch x := rng.IntN(20); {
		case x < 3:
			r.Draft.Online = event.OnlineYes
		case x < 4:
			r.Draft.Online = event.OnlineHybrid
		}
		if r.Draft.Online != event.OnlineYes {
			c := synthCities[rng.IntN(len(synthCities))]
			r.Draft.Place = event.Place{
				Venue:      pick(synthVenueKinds) + " " + pick(synthNames),
				PostalCode: fmt.Sprintf("%s%02d", c.postal, rng.IntN(40)),
				City:       c.city, Region: c.region,
			}
			if rng.IntN(10) == 0 {
				r.Draft.Place.Region = ""
			}
		}
		r.URL = fmt.Sprintf("https://%s.example/%d", r.SourceID, len(s.recs))
		if rng.IntN(20) == 0 { // a monthly series: six occurrences, one cluster each
			for m := range 6 {
				occ := r
				occ.Draft.Start = r.Draft.Start.AddDate(0, m, 0)
				occ.Draft.End = r.Draft.End.AddDate(0, m, 0)
				occ.URL = fmt.Sprintf("%s/%d", r.URL, m)
				addOriginal(occ, topics)
			}
			continue
		}
		addOriginal(r, topics)
	}
	for len(s.recs) < n {
		o := originals[rng.IntN(len(originals))]
		s.recs = append(s.recs, crossPost(rng, o.rec, o.topics, len(s.recs)))
		s.cluster = append(s.cluster, o.cluster)
	}
	rng.Shuffle(len(s.recs), func(i, j int) {
		s.recs[i], s.recs[j] = s.recs[j], s.recs[i]
		s.cluster[i], s.cluster[j] = s.cluster[j], s.cluster[i]
	})
	for i := range s.recs {
		s.recs[i].ID = int64(i + 1)
	}
	return s
}

// crossPost rewrites an announcement the way another partner site would.
func crossPost(rng *rand.Rand, o Record, topics []string, n int) Record {
	r := o
	r.OwnSite = false
	r.SourceID = fmt.Sprintf("partner-%d", rng.IntN(60))
	r.URL = fmt.Sprintf("https://%s.example/termine/%d", r.SourceID, n)
	if rng.IntN(3) == 0 {
		r.Organizer = ""
	}
	d := &r.Draft
	title := o.Draft.Title
	format, rest, _ := strings.Cut(title, ": ")
	switch rng.IntN(5) {
	case 0:
		d.Title = d.Start.Format("02.01.2006") + " | " + title
	case 1:
		d.Title = rest + " (" + format + ")"
	case 2:
		d.Title = "Einladung: " + title
		if d.Place.City != "" {
			d.Title += " in " + d.Place.City
		}
	case 3:
		d.Title = format + " zu " + topics[0] + " – " + strings.Fields(o.Organizer)[0]
	default:
		d.Title = strings.ToUpper(rest[:1]) + rest[1:]
	}
	switch x := rng.IntN(10); {
	case x < 3: // "14 Uhr": no end
		d.End = time.Time{}
	case x < 4 && !d.AllDay: // date only
		y, m, day := d.Start.Date()
		d.Start = time.Date(y, m, day, 0, 0, 0, 0, event.Berlin)
		d.End, d.AllDay = time.Time{}, true
	case x < 5 && !d.AllDay: // doors or a rounded time
		d.Start = d.Start.Add(30 * time.Minute)
	}
	if rng.IntN(2) == 0 {
		d.Place.Venue, d.Place.PostalCode = "", ""
	}
	sentences := strings.SplitAfter(o.Draft.Description, ". ")
	if rng.IntN(2) == 0 && len(sentences) > 2 {
		d.Description = strings.Join(sentences[:2], "") + fmt.Sprintf(synthRewrites[rng.IntN(len(synthRewrites))], topics[0], topics[1])
	} else {
		d.Description = fmt.Sprintf(synthRewrites[rng.IntN(len(synthRewrites))], topics[1], topics[0])
	}
	return r
}
