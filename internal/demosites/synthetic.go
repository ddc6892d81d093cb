package demosites

import (
	"fmt"
	"html"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// SyntheticPerPage is the number of announcements on each list page of the
// synthetic site.
const SyntheticPerPage = 50

// SyntheticPrefix is where Synthetic serves its pages.
const SyntheticPrefix = "/synthetic/"

// Synthetic serves a generated site for the crawl benchmark: list pages of
// SyntheticPerPage announcements (/synthetic/, /synthetic/seite/2/, …)
// linking n detail pages (/synthetic/veranstaltung/1/ … n) in the TYPO3
// markup of the SAQsen mirror, so the saqsen selectors fit. Page i is built
// from a random source seeded with i: the same n gives the same bytes on
// every run, and conditional GET works as on the mirror.
func Synthetic(n int) http.Handler {
	return synthetic{n: n}
}

type synthetic struct{ n int }

// syntheticModified is the Last-Modified of every synthetic page.
var syntheticModified = time.Date(2021, 12, 1, 8, 0, 0, 0, time.UTC)

func (s synthetic) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		w.Header().Set("Allow", "GET, HEAD")
		http.Error(w, "method not allowed", http.StatusMethodNotAllowed)
		return
	}
	rest, ok := strings.CutPrefix(r.URL.Path, SyntheticPrefix)
	if !ok {
		notFound(w)
		return
	}
	var body string
	switch {
	case rest == "":
		body = s.list(1)
	case strings.HasPrefix(rest, "seite/"):
		k, ok := number(rest, "seite/")
		if !ok || k < 2 || k > s.pages() {
			notFound(w)
			return
		}
		body = s.list(k)
	case strings.HasPrefix(rest, "veranstaltung/"):
		i, ok := number(rest, "veranstaltung/")
		if !ok || i < 1 || i > s.n {
			notFound(w)
			return
		}
		body = syntheticDetail(i)
	default:
		notFound(w)
		return
	}
	newPage([]byte(body), "text/html; charset=utf-8", syntheticModified).serve(w, r)
}

// number parses "<prefix>N/".
func number(rest, prefix string) (int, bool) {
	s, ok := strings.CutSuffix(strings.TrimPrefix(rest, prefix), "/")
	if !ok {
		return 0, false
	}
	v, err := strconv.Atoi(s)
	return v, err == nil
}

func (s synthetic) pages() int { return max(1, (s.n+SyntheticPerPage-1)/SyntheticPerPage) }

func listURL(k int) string {
	if k == 1 {
		return SyntheticPrefix
	}
	return fmt.Sprintf("%sseite/%d/", SyntheticPrefix, k)
}

func (s synthetic) list(k int) string {
	var b strings.Builder
	fmt.Fprintf(&b, syntheticHead, "Veranstaltungen – Seite "+strconv.Itoa(k))
	b.WriteString("<h1>Veranstaltungen</h1>\n<div class=\"news\">\n<div class=\"news-list-view\">\n")
	for i := (k-1)*SyntheticPerPage + 1; i <= min(k*SyntheticPerPage, s.n); i++ {
		a := announce(i)
		fmt.Fprintf(&b, `<div class="article articletype-0 news-list-item">
<div class="header"><h3><a href="%sveranstaltung/%d/"><span itemprop="headline">%s</span></a></h3></div>
<div class="footer"><p><span class="news-list-date"><time datetime="%s">%s</time></span></p></div>
</div>
`, SyntheticPrefix, i, html.EscapeString(a.headline()), a.published.Format(time.DateOnly), a.published.Format("02.01.2006"))
	}
	b.WriteString("</div>\n<div class=\"page-navigation\">\n<ul class=\"f3-widget-paginator\">\n")
	if k > 1 {
		fmt.Fprintf(&b, "<li class=\"previous\"><a href=\"%s\">vorherige</a></li>\n", listURL(k-1))
	}
	fmt.Fprintf(&b, "<li class=\"current\">%d</li>\n", k)
	if k < s.pages() {
		fmt.Fprintf(&b, "<li class=\"next\"><a href=\"%s\">nächste</a></li>\n", listURL(k+1))
	}
	b.WriteString("</ul>\n</div>\n</div>\n" + syntheticFoot)
	return b.String()
}

func syntheticDetail(i int) string {
	a := announce(i)
	var b strings.Builder
	fmt.Fprintf(&b, syntheticHead, html.EscapeString(a.headline()))
	fmt.Fprintf(&b, `<div class="news news-single">
<div class="article">
<div class="header"><h1 itemprop="headline">%s</h1></div>
<div class="footer"><p><span class="news-list-date"><time itemprop="datePublished" datetime="%s">%s</time></span></p></div>
`, html.EscapeString(a.headline()), a.published.Format(time.DateOnly), a.published.Format("02.01.2006"))
	if a.style == styleBlock {
		fmt.Fprintf(&b, "<dl class=\"event-details\">\n<dt>Datum:</dt>\n<dd class=\"event-date\">%s</dd>\n<dt>Ort:</dt>\n<dd class=\"event-place\">%s</dd>\n</dl>\n",
			html.EscapeString(a.blockDate()), html.EscapeString(a.place.String()))
	}
	b.WriteString("<div class=\"news-text-wrap\" itemprop=\"articleBody\">\n")
	for _, p := range a.body() {
		fmt.Fprintf(&b, "<p>%s</p>\n", html.EscapeString(p))
	}
	fmt.Fprintf(&b, "</div>\n<div class=\"news-backlink-wrap\"><a href=\"%s\">Zurück</a></div>\n</div>\n</div>\n", SyntheticPrefix)
	b.WriteString(syntheticFoot)
	return b.String()
}

const syntheticHead = `<!DOCTYPE html>
<html lang="de">
<head>
<meta charset="utf-8">
<meta name="generator" content="TYPO3 CMS">
<title>%s: Synthetische Partnerseite</title>
</head>
<body>
<main id="content">
`

const syntheticFoot = "</main>\n<footer><p>Synthetische Partnerseite für den Crawl-Benchmark</p></footer>\n</body>\n</html>\n"

// Where the announcement states its date.
const (
	styleBlock    = iota // "Datum:"/"Ort:" block
	styleHeadline        // "12.05.21 | Titel | Ort"
	styleBody            // only in the running text
)

type venue struct{ name, street, postal, city string }

func (v venue) String() string {
	if v.street == "" {
		return v.name
	}
	return fmt.Sprintf("%s, %s, %s %s", v.name, v.street, v.postal, v.city)
}

type announcement struct {
	title, org string
	place      venue
	start      time.Time
	minutes    int
	published  time.Time
	style      int
	series     bool // monthly meeting: same title, new date
	funded     bool // carries the funding notice every page of this site repeats
	sentences  []string
}

func announce(i int) announcement {
	rng := rand.New(rand.NewPCG(uint64(i), 0x7472656666))
	pick := func(xs []string) string { return xs[rng.IntN(len(xs))] }
	a := announcement{org: pick(synthOrgs), place: synthVenues[rng.IntN(len(synthVenues))], style: rng.IntN(3)}
	kind, topic := pick(synthKinds), pick(synthTopics)
	a.title = kind + ": " + topic
	if rng.IntN(10) == 0 {
		a.series = true
		a.title = "Offener Treff " + a.org
	}
	day := time.Date(2021, 1, 4, 0, 0, 0, 0, event.Berlin).AddDate(0, 0, rng.IntN(720))
	hour := []int{9, 10, 14, 15, 16, 17, 18, 19}[rng.IntN(8)]
	minute := []int{0, 0, 0, 30, 15}[rng.IntN(5)]
	a.start = day.Add(time.Duration(hour)*time.Hour + time.Duration(minute)*time.Minute)
	a.minutes = []int{90, 120, 120, 180, 240, 360}[rng.IntN(6)]
	a.published = day.AddDate(0, 0, -7-rng.IntN(40))
	a.funded = rng.IntN(3) == 0
	n := 2 + rng.IntN(3)
	for _, k := range rng.Perm(len(synthSentences))[:n] {
		a.sentences = append(a.sentences, strings.ReplaceAll(synthSentences[k], "{topic}", topic))
	}
	return a
}

func (a announcement) end() time.Time { return a.start.Add(time.Duration(a.minutes) * time.Minute) }

func (a announcement) headline() string {
	if a.style == styleHeadline {
		return fmt.Sprintf("%s | %s | %s", a.start.Format("02.01.06"), a.title, a.place.city)
	}
	return a.title
}

func (a announcement) blockDate() string {
	return fmt.Sprintf("%s, %s, %s - %s Uhr", weekdays[a.start.Weekday()], a.start.Format("02.01.2006"),
		a.start.Format("15:04"), a.end().Format("15:04"))
}

// body is the running text; for styleBody it is the only place that says
// when and where.
func (a announcement) body() []string {
	var out []string
	switch a.style {
	case styleBody:
		out = append(out, fmt.Sprintf("Am %s, dem %d. %s %d, laden wir von %s bis %s Uhr in %s ein.",
			weekdays[a.start.Weekday()], a.start.Day(), months[a.start.Month()-1], a.start.Year(),
			clock(a.start), clock(a.end()), a.place))
	case styleHeadline:
		out = append(out, fmt.Sprintf("Beginn: %s Uhr. Ort: %s.", a.start.Format("15:04"), a.place))
	}
	out = append(out, a.sentences...)
	if a.series {
		out = append(out, "Der Offene Treff findet jeden ersten Mittwoch im Monat statt – kommen Sie einfach vorbei.")
	}
	out = append(out, "Eine Veranstaltung von "+a.org+".")
	if a.funded {
		out = append(out, "Diese Maßnahme wird mitfinanziert durch Steuermittel auf der Grundlage des vom Sächsischen Landtag beschlossenen Haushaltes.")
	}
	return out
}

// clock writes 18:00 as "18" and 18:30 as "18:30", as announcements do.
func clock(t time.Time) string {
	if t.Minute() == 0 {
		return strconv.Itoa(t.Hour())
	}
	return t.Format("15:04")
}

var (
	weekdays = [...]string{"Sonntag", "Montag", "Dienstag", "Mittwoch", "Donnerstag", "Freitag", "Samstag"}
	months   = [...]string{"Januar", "Februar", "März", "April", "Mai", "Juni", "Juli", "August", "September", "Oktober", "November", "Dezember"}
)

var synthKinds = []string{"Workshop", "Infoabend", "Seminar", "Fachtag", "Gesprächsrunde", "Austauschtreffen", "Fortbildung",
	"Lesung", "Filmabend", "Sprachcafé", "Beratungstag", "Vernetzungstreffen"}

var synthTopics = []string{"Fördermittel für Vereine", "Anerkennung ausländischer Abschlüsse", "Ehrenamt und Engagement",
	"Antidiskriminierung im Alltag", "Vereinsgründung leicht gemacht", "Öffentlichkeitsarbeit für Initiativen",
	"Psychische Gesundheit", "Mehrsprachigkeit in der Familie", "Wohnungssuche in Sachsen", "Arbeitsrecht für Neuzugewanderte",
	"Selbstfürsorge im Ehrenamt", "Digitale Werkzeuge für Vereine", "Kommunalpolitik mitgestalten", "Frauen* in der Migrationsgesellschaft",
	"Jugendbeteiligung", "Rassismuskritische Bildungsarbeit"}

var synthOrgs = []string{"dem Verband binationaler Familien und Partnerschaften Leipzig", "dem Dachverband sächsischer Migrantenorganisationen",
	"dem Ausländerrat Dresden e.V.", "dem Kulturbüro Sachsen e.V.", "dem Netzwerk Tolerantes Sachsen", "der Werkstatt der Migrant*innenorganisationen",
	"dem Antidiskriminierungsbüro Sachsen", "dem Internationalen Frauencafé Chemnitz"}

var synthVenues = []venue{
	{"Werk 2 – Kulturfabrik Leipzig", "Kochstraße 132", "04277", "Leipzig"},
	{"DP4 – Zentrum für Engagement", "Deutscher Platz 4", "04103", "Leipzig"},
	{"Haus der Begegnung", "Rosenhof 14", "09111", "Chemnitz"},
	{"riesa efau Kultur Forum", "Wachsbleichstraße 4a", "01067", "Dresden"},
	{"Steinhaus Bautzen", "Steinstraße 37", "02625", "Bautzen"},
	{"Kulturzentrum Goldne Sonne", "Fürstenplatz 5", "08289", "Schneeberg"},
	{"Bürgerhaus Meißen", "Gerbergasse 10", "01662", "Meißen"},
	{"Treibhaus e.V.", "Bahnhofstraße 56", "04720", "Döbeln"},
	{"Alte Feuerwache", "Zittauer Straße 2", "02826", "Görlitz"},
	{"Malzhaus Plauen", "Alter Teich 7", "08527", "Plauen"},
	{"Soziokulturelles Zentrum Pirna", "Am Markt 3", "01796", "Pirna"},
	{"online (Zoom)", "", "", "online"},
}

var synthSentences = []string{
	"In diesem Workshop geht es um {topic}: Wir sammeln Erfahrungen, klären Fragen und entwickeln gemeinsam nächste Schritte.",
	"Die Veranstaltung richtet sich an Engagierte aus Migrant*innenorganisationen, Initiativen und Vereinen in ganz Sachsen.",
	"Eine Anmeldung ist bis eine Woche vorher per E-Mail erforderlich; die Teilnahme ist kostenfrei.",
	"Die Veranstaltung findet auf Deutsch statt, eine Übersetzung ins Arabische und Russische ist nach Absprache möglich.",
	"Kinderbetreuung kann nach vorheriger Anmeldung angeboten werden.",
	"Der Veranstaltungsort ist barrierefrei zugänglich.",
	"Wir freuen uns auf einen lebendigen Austausch zu {topic} und laden alle Interessierten herzlich ein.",
	"Im Anschluss gibt es Zeit zum Kennenlernen und Vernetzen bei Tee und Gebäck.",
	"Die Referent*innen bringen langjährige Erfahrung aus der Beratungs- und Bildungsarbeit mit.",
	"Bitte bringen Sie, wenn möglich, eigene Fragen und Beispiele aus Ihrer Vereinsarbeit mit.",
}
