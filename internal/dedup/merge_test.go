package dedup

import (
	"reflect"
	"slices"
	"testing"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

func boolp(b bool) *bool { return &b }

// fachtag returns the three announcements of the 11. Fachtag Ehrenamt (seed
// 003): the organiser's own page, a network calendar and a blog.
func fachtag() (ownPage, network, blog Record) {
	ownPage = rec("ehrenamt-erzgebirge", "Ehrenamtsbüro Erzgebirgskreis", "11. Fachtag Ehrenamt", at(9, 3, 13, 0), own,
		end(at(9, 3, 19, 0)), place("Kulturzentrum „Goldne Sonne“", "08289", "Schneeberg", "erzgebirgskreis"),
		desc("Am Freitag, dem 3. September 2021 sind von 13 bis 19 Uhr ehren- und hauptamtlich Engagierte eingeladen."))
	ownPage.Draft.Place.Street = "Fürstenplatz 5"
	ownPage.Draft.Languages = []string{"de"}

	network = rec("nts", "Ehrenamtsbüro Erzgebirgskreis", "Fachtag Ehrenamt 2021 in Schneeberg", at(9, 3, 13, 0),
		place("Goldne Sonne", "", "Schneeberg", "erzgebirgskreis"),
		desc("Vereinsrecht, Fundraising und Social Media: Der Fachtag Ehrenamt bietet Workshops für ehren- und hauptamtlich Engagierte im Erzgebirge. Die Teilnahme ist kostenfrei, eine Anmeldung ist bis zum 27. August erforderlich. In Workshops werden u.a. das Vereinsrecht und aktuelle Bestimmungen für 2021 thematisiert."))
	network.Draft.CostFree = boolp(true)
	network.Draft.RegistrationRequired = boolp(true)
	network.Draft.Topics = []string{"ehrenamt"}
	network.Draft.Languages = []string{"de", "en"}

	blog = rec("buntes-erzgebirge", "", "Einladung: 11. Sächsischer Fachtag Ehrenamt im Erzgebirge", at(9, 3, 13, 30),
		place("Kulturzentrum Goldne Sonne", "08289", "Schneeberg", "erzgebirgskreis"),
		desc("Auch wir sind beim Fachtag Ehrenamt dabei!"))
	return ownPage, network, blog
}

func TestMergeOwnSiteWins(t *testing.T) {
	ownPage, network, blog := fachtag()
	got := Merge([]Record{blog, network, ownPage})
	if got.Title != "11. Fachtag Ehrenamt" || got.Description != ownPage.Draft.Description {
		t.Errorf("title/description from %q, want the organiser's page", got.Title)
	}
	if !got.Start.Equal(at(9, 3, 13, 0)) || !got.End.Equal(at(9, 3, 19, 0)) {
		t.Errorf("time %v–%v, want the organiser's 13–19 Uhr", got.Start, got.End)
	}
	if got.Place.Venue != "Kulturzentrum „Goldne Sonne“" || got.Place.Street != "Fürstenplatz 5" {
		t.Errorf("place %+v, want the organiser's", got.Place)
	}
	// Fields the organiser's page lacks come from the others.
	if got.CostFree == nil || !*got.CostFree || got.RegistrationRequired == nil || !*got.RegistrationRequired {
		t.Error("cost and registration from the network calendar missing")
	}
	if !slices.Equal(got.Languages, []string{"de", "en"}) || !slices.Equal(got.Topics, []string{"ehrenamt"}) {
		t.Errorf("languages %v topics %v, want the union", got.Languages, got.Topics)
	}
	if got.Organizer != "" {
		t.Errorf("organizer %q invented", got.Organizer)
	}
}

func TestMergeMostCompleteWithoutOwnSite(t *testing.T) {
	_, network, blog := fachtag()
	got := Merge([]Record{blog, network})
	if got.Title != network.Draft.Title {
		t.Errorf("title %q, want the more complete network entry's", got.Title)
	}
	if got.Place.PostalCode != "08289" {
		t.Errorf("postal code %q, want it filled from the blog", got.Place.PostalCode)
	}
}

func TestMergeDeterministic(t *testing.T) {
	ownPage, network, blog := fachtag()
	want := Merge([]Record{ownPage, network, blog})
	perms := [][]Record{{blog, network, ownPage}, {network, ownPage, blog}, {network, blog, ownPage}}
	for _, p := range perms {
		if got := Merge(p); !reflect.DeepEqual(got, want) {
			t.Errorf("merge depends on input order:\n%+v\n%+v", got, want)
		}
	}
	// Two equally complete entries without own site: decided by source id.
	a := rec("adb", "", "Runder Tisch Gender Pay Gap", at(5, 27, 16, 0))
	b := rec("nts", "", "Gender Pay Gap: Runder Tisch", at(5, 27, 16, 0))
	if Merge([]Record{b, a}).Title != a.Draft.Title || Merge([]Record{a, b}).Title != a.Draft.Title {
		t.Error("tie not broken by source id")
	}
}

func TestMergeTimeAndPlace(t *testing.T) {
	// The organiser's calendar only knows the day; a re-post knows the time.
	day := rec("damigra", "DaMigra", "Runder Tisch: Migration und Gender Pay Gap", at(5, 27, 0, 0), own, allDay,
		online(event.OnlineYes))
	timed := rec("adb", "DaMigra", "Gender Pay Gap und Migration", at(5, 27, 16, 0), end(at(5, 27, 18, 0)),
		online(event.OnlineYes))
	got := Merge([]Record{day, timed})
	if got.AllDay || !got.Start.Equal(at(5, 27, 16, 0)) || !got.End.Equal(at(5, 27, 18, 0)) {
		t.Errorf("start %v end %v all-day %v, want 16–18 Uhr from the re-post", got.Start, got.End, got.AllDay)
	}
	if got.Title != day.Draft.Title {
		t.Errorf("title %q, want the organiser's", got.Title)
	}

	// A venue from another city never fills the winner's place.
	ownPage := rec("dsm", dsm, "Workshop", at(12, 4, 10, 0), own, place("", "", "Dresden", "dresden"))
	wrong := rec("x", dsm, "Workshop", at(12, 4, 10, 0), place("Haus Leipzig", "04103", "Leipzig", "leipzig"))
	right := rec("y", dsm, "Workshop", at(12, 4, 10, 0), place("Haus der Begegnung", "01127", "Dresden", "dresden"))
	if got := Merge([]Record{ownPage, wrong, right}).Place; got.Venue != "Haus der Begegnung" || got.PostalCode != "01127" {
		t.Errorf("place %+v, want the Dresden venue", got)
	}
}

func TestMergeStatus(t *testing.T) {
	a := rec("nts", "", "Fachtag Ehrenamt", at(9, 3, 13, 0), desc("Ausführliche Beschreibung des Fachtags."))
	a.Draft.Status = event.StatusScheduled
	b := rec("blog", "", "Fachtag Ehrenamt", at(9, 3, 13, 0))
	b.Draft.Status = event.StatusCancelled
	got := Merge([]Record{a, b})
	if got.Status != event.StatusCancelled || len(got.Warnings) == 0 {
		t.Errorf("status %q warnings %v: a reported cancellation must show without the organiser's site", got.Status, got.Warnings)
	}
	o := rec("own", "", "Fachtag Ehrenamt", at(9, 3, 13, 0), own)
	o.Draft.Status = event.StatusScheduled
	if got := Merge([]Record{b, o}); got.Status != event.StatusScheduled {
		t.Errorf("status %q, the organiser's own site is final", got.Status)
	}
}

func TestMergeDoesNotAlias(t *testing.T) {
	ownPage, network, _ := fachtag()
	got := Merge([]Record{ownPage, network})
	got.Languages[0] = "xx"
	*got.CostFree = false
	if ownPage.Draft.Languages[0] != "de" || !*network.Draft.CostFree {
		t.Error("merged draft shares memory with an input")
	}
	if !reflect.DeepEqual(Merge(nil), event.Draft{}) {
		t.Error("Merge(nil) must be the zero draft")
	}
}

// TestMergeDisputedOwnSite: a calendar that states itself as organiser of
// a re-posted DSM panel (its text says "Der DSM diskutiert") does not win
// the merge over the DSM's own page (the offline mirror, 18.11.2021).
func TestMergeDisputedOwnSite(t *testing.T) {
	adb := rec("adb-sachsen", "Antidiskriminierungsbüro Sachsen e.V.", "Podium: Förderkürzungen und ihre Folgen für Migrant*innenorganisationen",
		at(11, 18, 18, 0), own, end(at(11, 18, 20, 0)), online(event.OnlineYes),
		desc("Die Kürzungen bei der Richtlinie „Integrative Maßnahmen“ und der Kommunalpauschale treffen vor allem kleine Organisationen. Der DSM diskutiert im Rahmen seiner Reihe „Migration – Macht – Gesellschaft“."))
	adb.Draft.Topics = []string{"foerderung"}
	adb.Draft.Languages = []string{"de"}
	adb.Draft.Place.Region = "leipzig"
	dsmPage := rec("dsm-sachsen", dsm+" e. V.", "Podiumsdiskussion: Förderkürzungen – welche Strukturen stehen auf dem Spiel?",
		at(11, 18, 18, 0), own, end(at(11, 18, 20, 0)), online(event.OnlineYes),
		desc("Eine Veranstaltung des Dachverbandes sächsischer Migrantenorganisationen (DSM) - im Rahmen der Veranstaltungsreihe „Migration – Macht – Gesellschaft“."))
	saqsen := rec("saqsen", dsm+" (DSM)", "Migration – Macht – Gesellschaft: Was steht mit den Förderkürzungen auf dem Spiel?",
		at(11, 18, 18, 0), end(at(11, 18, 20, 0)), online(event.OnlineYes), desc(dsmPage.Draft.Description))
	for _, r := range []*Record{&adb, &dsmPage, &saqsen} {
		r.Draft.Organizer = r.Organizer // as the normaliser drafts it
	}
	for _, rs := range [][]Record{{adb, dsmPage}, {dsmPage, adb}, {adb, saqsen, dsmPage}} {
		got := Merge(rs)
		if got.Title != dsmPage.Draft.Title || got.Organizer != dsmPage.Draft.Organizer {
			t.Errorf("merge of %d: title %q by %q, want the DSM's page", len(rs), got.Title, got.Organizer)
		}
	}
	// Two own sites that support each other equally keep the old rule.
	other := dsmPage
	other.SourceID, other.Organizer, other.Draft.Title = "zz", "Netzwerk Tolerantes Sachsen", "Förderkürzungen"
	other.Draft.Description = ""
	if got := Merge([]Record{other, dsmPage}); got.Title != dsmPage.Draft.Title {
		t.Errorf("tie: title %q, want the more complete record's", got.Title)
	}
}
