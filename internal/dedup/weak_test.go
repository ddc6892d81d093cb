package dedup

import "testing"

// conf sets the normaliser's confidence of a field.
func conf(field string, c float64) func(*Record) {
	return func(r *Record) {
		if r.Draft.Confidence == nil {
			r.Draft.Confidence = map[string]float64{}
		}
		r.Draft.Confidence[field] = c
	}
}

// guessedTitle: the page gave no title and the normaliser took the first
// line of its text (confidence 0.6), on real pages often the site's menu.
var guessedTitle = conf("title", 0.6)

// Two reports of one run: reworded, so few word sequences are shared,
// but the same things are named.
const (
	runNews = "Nach zwei Jahren Pause findet der Internationale Frauenlauf wieder am Stadtteich in Borna statt. " +
		"Eingeladen sind alle Läuferinnen, ob Anfängerin oder Sportskanone. Veranstalter sind der Wegweiser " +
		"Verein und die Gleichstellungsbeauftragte des Landkreises; die Strecken sind drei und sechs Kilometer lang."
	runBlog = "Endlich wieder: der Internationale Frauenlauf am Stadtteich. Nach der Pause laufen Frauen aus " +
		"Borna und Umgebung auf Strecken von drei oder sechs Kilometern, eingeladen vom Wegweiser Verein und " +
		"der Gleichstellungsbeauftragten. Anmeldung am Start."
	readingNews = "Die Stadtbibliothek lädt zu einer Lesung mit der Autorin ihres neuen Romans über eine Kindheit " +
		"an der Ostsee ein. Im Anschluss signiert sie Bücher; der Förderverein bietet Kaffee und Kuchen an."
)

// TestWeakTitleText: when a title was guessed from the page text, the two
// whole texts stand in for it; titles the sources gave are compared as
// before (regression: the corpus's menu-line titles made nearly every
// cross-post "Titel zu verschieden").
func TestWeakTitleText(t *testing.T) {
	day := at(5, 7, 0, 0)
	tests := []struct {
		name string
		a, b Record
		want Verdict
	}{
		{"menu lines as titles, one report with a time",
			rec("lvz", "", "Direkt zum Inhalt springen", at(5, 7, 10, 0), desc(runNews), place("", "", "Borna", "landkreis-leipzig"), guessedTitle),
			rec("nts", "", "Lade Veranstaltungen", day, allDay, desc(runBlog), place("", "", "", "landkreis-leipzig"), guessedTitle),
			Same},
		{"one guessed title, one given",
			rec("lvz", "", "Landkreis Leipzig/Borna", day, allDay, desc(runNews), guessedTitle),
			rec("nts", "", "3. Internationaler Frauenlauf", day, allDay, desc(runBlog)),
			Same},
		{"the same texts under titles the sources gave",
			rec("lvz", "", "Wo echte Frauenpower gefragt ist", day, allDay, desc(runNews)),
			rec("nts", "", "Saisonstart am Teich", day, allDay, desc(runBlog)),
			Different},
		{"guessed titles, other events of the day",
			rec("lvz", "", "Direkt zum Inhalt springen", day, allDay, desc(runNews), guessedTitle),
			rec("bib", "", "Lade Veranstaltungen", day, allDay, desc(readingNews), guessedTitle),
			Different},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantVerdict(t, tt.a, tt.b, tt.want)
			// Index's quick scoring and blocking come to the same verdict.
			ix := NewIndex()
			a := tt.a
			a.ID = 1
			ix.Add(a)
			if _, _, ok := ix.Match(tt.b); ok != (tt.want == Same) {
				t.Errorf("Index.Match ok = %v, want %v", ok, tt.want == Same)
			}
		})
	}
}

// wantVerdict checks Compare's verdict both ways round.
func wantVerdict(t *testing.T, a, b Record, want Verdict) {
	t.Helper()
	ev := Compare(a, b)
	if ev.Verdict != want {
		t.Errorf("verdict %v, want %v: %v", ev.Verdict, want, ev.Reasons)
	}
	if back := Compare(b, a); back.Verdict != ev.Verdict {
		t.Errorf("not symmetric: %v / %v", ev.Verdict, back.Verdict)
	}
}

// TestMidnightIsNoTime: a start at 00:00 that is not all-day is a date
// read without its time, not a start seven hours before the other's
// (regression: "Beginn mehr als eine Stunde auseinander (17:00 / 00:00)").
func TestMidnightIsNoTime(t *testing.T) {
	a := rec("dd", "", "Lesung „Exit Racism. Rassismuskritisch denken lernen“", at(12, 10, 17, 0))
	b := rec("kirche", "", "EXIT RACISM. Rassismuskritisch denken lernen", at(12, 10, 0, 0))
	p := score(prepare(a), prepare(b), false)
	if p.timeConflict || p.time != 0.5 || p.verdict != Same {
		t.Errorf("time %v conflict %v verdict %v, want 0.5, none, same", p.time, p.timeConflict, p.verdict)
	}
	late := rec("kirche", "", "EXIT RACISM. Rassismuskritisch denken lernen", at(12, 10, 0, 30))
	if p := score(prepare(a), prepare(late), false); !p.timeConflict {
		t.Errorf("00:30 against 17:00 is no conflict")
	}
}

// TestWeakPlaceConflict: a city the normaliser guessed with little
// confidence does not contradict the other's; alike titles still join
// the two, other titles do not (regression: "verschiedene Orte (pirna /
// berlin)" where "Berlin" came from a sentence about a programme).
func TestWeakPlaceConflict(t *testing.T) {
	pirna := rec("sz", "", "Zum 20. Mal lädt das Begegnungscafé ein", at(1, 14, 14, 30),
		place("", "", "Pirna", "saechsische-schweiz-osterzgebirge"))
	tests := []struct {
		name  string
		other Record
		want  Verdict
	}{
		{"guessed city, alike title",
			rec("kirche", "", "Kleines Jubiläum: zum 20. Mal lädt das Begegnungscafé ein", at(1, 14, 14, 30), place("", "", "Berlin", ""), conf("place", 0)),
			Same},
		{"stated city, alike title",
			rec("kirche", "", "Kleines Jubiläum: zum 20. Mal lädt das Begegnungscafé ein", at(1, 14, 14, 30), place("", "", "Berlin", ""), conf("place", 0.9)),
			Different},
		{"guessed city, other title",
			rec("kirche", "", "Sprechstunde Aufenthaltsrecht", at(1, 14, 14, 30), place("", "", "Berlin", ""), conf("place", 0)),
			Different},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if ev := Compare(pirna, tt.other); ev.Verdict != tt.want {
				t.Errorf("verdict %v, want %v: %v", ev.Verdict, tt.want, ev.Reasons)
			}
		})
	}
}

// TestWeakOrganizers: with a guessed title, two organisers the
// normaliser found in the texts (confidence < 1) that differ are no
// evidence against (0.5, unknown); organisers the sources stated still
// are (0). Regression: a city's discussion and the parish page hosting it.
func TestWeakOrganizers(t *testing.T) {
	org := func(name string, c float64) func(*Record) {
		return func(r *Record) {
			r.Organizer, r.Draft.Organizer = name, name
			conf("organizer", c)(r)
		}
	}
	for _, tt := range []struct {
		name string
		c    float64
		want float64
	}{
		{"organisers read from the texts", 0.8, 0.5},
		{"organisers the sources stated", 1, 0},
	} {
		t.Run(tt.name, func(t *testing.T) {
			a := rec("stadt", "", "Direkt zum Inhalt springen", at(2, 8, 19, 0), desc(runNews), guessedTitle, org("Stadt Borna", tt.c))
			b := rec("verein", "", "Lade Veranstaltungen", at(2, 8, 0, 0), allDay, desc(runBlog), guessedTitle, org("Kirchgemeinde St. Marien", tt.c))
			if ev := Compare(a, b); ev.Parts["organizer"] != tt.want {
				t.Errorf("organizer %v, want %v: %v", ev.Parts["organizer"], tt.want, ev.Reasons)
			}
		})
	}
}

// One festival announced in English and in German (invented texts): they
// share the names, not the words.
const (
	festEN = "On Saturday the Kulturhaus Grünau opens its doors for the Nachbarschaftsfest Wurzelwerk. " +
		"Families from Syria, Eritrea and Leipzig cook together, the band Kalimba Kollektiv plays, and there " +
		"will be games for children and a flea market with the Verein Brückenschlag."
	festDE = "Am Samstag öffnet das Kulturhaus Grünau zum Nachbarschaftsfest Wurzelwerk. Nachbarinnen und " +
		"Nachbarn aus aller Welt kochen gemeinsam, eine Kapelle spielt, dazu gibt es Spiele für die Kleinen, " +
		"einen Flohmarkt, Kaffee und Kuchen, eine Tombola, Gespräche am Lagerfeuer und ein Tanzcafé am Abend."
	talkEN = "The city library invites everyone to a talk with a writer about her new novel on growing up " +
		"by the sea. Afterwards she signs books and the friends of the library serve coffee and cake."
)

// TestOtherLanguage: two pages of one event in two languages share only
// names and numbers; with the same start time those stand in for the
// titles (regression: the English and German pages of one conference
// were "Titel zu verschieden"). Without the same start, or with other
// names, they stay apart.
func TestOtherLanguage(t *testing.T) {
	tests := []struct {
		name string
		a, b Record
		want Verdict
	}{
		{"English and German page, same start",
			rec("en", "", "Jump to main content", at(6, 13, 15, 0), desc(festEN), guessedTitle),
			rec("de", "", "Aktuelles", at(6, 13, 15, 0), desc(festDE), guessedTitle),
			Same},
		{"two German pages sharing as little",
			rec("de1", "", "Jump to main content", at(6, 13, 15, 0), desc(readingNews), guessedTitle),
			rec("de", "", "Aktuelles", at(6, 13, 15, 0), desc(festDE), guessedTitle),
			Different},
		{"other event in English, same start",
			rec("en", "", "Jump to main content", at(6, 13, 15, 0), desc(talkEN), guessedTitle),
			rec("de", "", "Aktuelles", at(6, 13, 15, 0), desc(festDE), guessedTitle),
			Different},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantVerdict(t, tt.a, tt.b, tt.want)
		})
	}
	// The shared names count as full title evidence only across languages
	// at the same start (textFullCross), not from the share alone.
	en := rec("en", "", "Jump to main content", at(6, 13, 15, 0), desc(festEN), guessedTitle)
	de := rec("de", "", "Aktuelles", at(6, 13, 15, 0), desc(festDE), guessedTitle)
	if p := score(prepare(en), prepare(de), false); p.title != 1 {
		t.Errorf("title %.2f across languages at the same start, want 1", p.title)
	}
	de.Draft.Start = at(6, 13, 16, 0)
	if p := score(prepare(en), prepare(de), false); p.title >= 1 {
		t.Errorf("title %.2f across languages an hour apart, want the share alone", p.title)
	}
}

// TestTranslation: a site's pages of one event in two languages may be
// matched; its other pages, the same page and other sites' pages are not
// translations.
func TestTranslation(t *testing.T) {
	page := func(src, url, text string) Record {
		r := rec(src, "", "Jump to main content", at(6, 13, 15, 0), desc(text), guessedTitle)
		r.URL = url
		return r
	}
	tests := []struct {
		name string
		a, b Record
		want bool
	}{
		{"English and German page of one site", page("s", "/en/fest", festEN), page("s", "/fest", festDE), true},
		{"two German pages of one site", page("s", "/lesung", readingNews), page("s", "/fest", festDE), false},
		{"two sites", page("s", "/en/fest", festEN), page("t", "/fest", festDE), false},
		{"one page", page("s", "/fest", festEN), page("s", "/fest", festDE), false},
		{"a bilingual page", page("s", "/en/fest", festEN), page("s", "/fest", festDE+" "+talkEN+" "+festEN), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := Translation(tt.a, tt.b); got != tt.want {
				t.Errorf("Translation = %v, want %v", got, tt.want)
			}
			if got := Translation(tt.b, tt.a); got != tt.want {
				t.Errorf("not symmetric")
			}
		})
	}
}
