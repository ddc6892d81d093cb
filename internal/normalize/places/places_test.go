package places

import (
	"testing"
)

type want struct {
	venue, street, pc, city, region string
	online, outside                 bool
}

func check(t *testing.T, in string, got Result, w want) {
	t.Helper()
	if got.Venue != w.venue || got.Street != w.street || got.PostalCode != w.pc || got.City != w.city ||
		got.Region != w.region || got.Online != w.online || got.Outside != w.outside {
		t.Errorf("%q\n got venue=%q street=%q pc=%q city=%q region=%q online=%v outside=%v\nwant venue=%q street=%q pc=%q city=%q region=%q online=%v outside=%v",
			in, got.Venue, got.Street, got.PostalCode, got.City, got.Region, got.Online, got.Outside,
			w.venue, w.street, w.pc, w.city, w.region, w.online, w.outside)
	}
}

func TestParse(t *testing.T) {
	tests := []struct {
		in string
		want
	}{
		// seed 003 "Ort:" lines
		{"Haus der Stadtmission - Demmeringstraße 18 - 04177 Leipzig",
			want{venue: "Haus der Stadtmission", street: "Demmeringstraße 18", pc: "04177", city: "Leipzig", region: "leipzig"}},
		{"DP4 – Zentrum für Engagement (Alte Messe/Deutscher Platz 4, 04103 Leipzig)",
			want{venue: "DP4 – Zentrum für Engagement", street: "Alte Messe/Deutscher Platz 4", pc: "04103", city: "Leipzig", region: "leipzig"}},
		{"DP4 – Zentrum für Engagement (Alte Messe/Deutscher Platz 4, 04103 Leipzig) - UND ONLINE MÖGLICH ÜBER ZOOM",
			want{venue: "DP4 – Zentrum für Engagement", street: "Alte Messe/Deutscher Platz 4", pc: "04103", city: "Leipzig", region: "leipzig", online: true}},
		{"WERK 2 – Kulturfabrik Leipzig e.V. – HALLE A - Kochstraße 132, 04277 Leipzig",
			want{venue: "WERK 2 – Kulturfabrik Leipzig e.V. – HALLE A", street: "Kochstraße 132", pc: "04277", city: "Leipzig", region: "leipzig"}},
		{"Kulturzentrum „Goldne Sonne“ (Fürstenplatz 5 in 08289 Schneeberg)",
			want{venue: "Kulturzentrum „Goldne Sonne“", street: "Fürstenplatz 5", pc: "08289", city: "Schneeberg", region: "erzgebirgskreis"}},
		{"Online", want{online: true}},
		{"ONLINE (Link erhalten Sie nach Anmeldung)", want{online: true}},
		{"OnlineWas bedeutet Selbstfürsorge eigentlich? Mit welchen Methodiken", want{online: true}},
		{"im riesa efau Dresden", want{venue: "riesa efau", city: "Dresden", region: "dresden"}},
		{"online (Zoom)", want{online: true}},
		// other shapes
		{"Stadtteilzentrum, Straße des 18. Oktober 10a, 04103 Leipzig",
			want{venue: "Stadtteilzentrum", street: "Straße des 18. Oktober 10a", pc: "04103", city: "Leipzig", region: "leipzig"}},
		{"Steinhaus Bautzen, Steinstraße 37, 02625 Bautzen",
			want{venue: "Steinhaus Bautzen", street: "Steinstraße 37", pc: "02625", city: "Bautzen", region: "bautzen"}},
		{"Serbski dom, Póstowe naměsto 2, Budyšin", want{venue: "Serbski dom", street: "Póstowe naměsto 2", city: "Budyšin", region: "bautzen"}},
		{"Chemnitz", want{city: "Chemnitz", region: "chemnitz"}},
		{"Am Markt 1, 09599 Freiberg", want{street: "Am Markt 1", pc: "09599", city: "Freiberg", region: "mittelsachsen"}},
		{"Karl-Liebknecht-Str. 12, 04107 Leipzig", want{street: "Karl-Liebknecht-Str. 12", pc: "04107", city: "Leipzig", region: "leipzig"}},
		{"Werkstatt, 09573 Leubsdorf", want{venue: "Werkstatt", pc: "09573", city: "Leubsdorf", region: "mittelsachsen"}},
		{"Haus der Demokratie, Greifswalder Straße 4, 10405 Berlin",
			want{venue: "Haus der Demokratie", street: "Greifswalder Straße 4", pc: "10405", city: "Berlin", outside: true}},
		{"Halle (Saale)", want{city: "Halle (Saale)", outside: true}},
		{"Volkshochschule, 06108 Halle (Saale)", want{venue: "Volkshochschule", pc: "06108", city: "Halle (Saale)", outside: true}},
		{"Raum 2.14, Haus 3", want{venue: "Raum 2.14, Haus 3"}},
		{"", want{}},
	}
	for _, tt := range tests {
		check(t, tt.in, Parse(tt.in), tt.want)
	}
}

func TestFind(t *testing.T) {
	tests := []struct {
		in string
		want
	}{
		{"Am Freitag, dem 3. September 2021 sind von 13 bis 19 Uhr ehren- und hauptamtlich Engagierte sowie alle am Thema Interessierten in das Kulturzentrum „Goldne Sonne“ (Fürstenplatz 5 in 08289 Schneeberg) zum 11. Fachtag Ehrenamt eingeladen.",
			want{venue: "Kulturzentrum „Goldne Sonne“", street: "Fürstenplatz 5", pc: "08289", city: "Schneeberg", region: "erzgebirgskreis"}},
		{"wir laden Sie und euch herzlich zur AG Migrant*innenorganisationen am Montag, 13. September 2021 ein. Das Treffen findet im Werk 2 in Leipzig-Connewitz statt.",
			want{venue: "Werk 2", city: "Leipzig", region: "leipzig"}},
		{"Einleitung\nDatum:\nOrt: DP4 – Zentrum für Engagement (Alte Messe/Deutscher Platz 4, 04103 Leipzig)\nWie soll es weitergehen?",
			want{venue: "DP4 – Zentrum für Engagement", street: "Alte Messe/Deutscher Platz 4", pc: "04103", city: "Leipzig", region: "leipzig"}},
		{"Kontakt: Hamida Taamiri, 01575 5520787, hamida.taamiri@pokubi-sachsen.de", want{}},
		{"Die Tagung findet in Halle (Saale) statt.", want{city: "Halle (Saale)", outside: true}},
		{"Wir treffen uns im Interkulturellen Garten, Naumannstraße 12, 01809 Heidenau.",
			want{venue: "Interkulturellen Garten", street: "Naumannstraße 12", pc: "01809", city: "Heidenau", region: "saechsische-schweiz-osterzgebirge"}},
		{"Die Beratung findet im Landkreis Bautzen statt.", want{}},
		// an organiser's or contact's address is not the venue
		{"Die Konferenz findet in Chemnitz statt.\nInfo: Förderverein Tolerantes Sachsen e. V., Domplatz 5, 04808 Wurzen",
			want{city: "Chemnitz", region: "chemnitz"}},
		{"Kontakt: Verein e. V., Hauptstraße 3, 01067 Dresden", want{}},
		// a line of its own naming the town first, then the spot
		{"Kundgebung\n7. Mai, 15 Uhr\nWurzen, Markt / Ecke Bahnhofstraße\nGrußwort: Anna Beispiel, Mitarbeiterin im Team Dresden",
			want{venue: "Markt / Ecke Bahnhofstraße", city: "Wurzen", region: "landkreis-leipzig"}},
		{"Lesung\nGrimma, Stadtbibliothek\n", want{venue: "Stadtbibliothek", city: "Grimma", region: "landkreis-leipzig"}},
		{"Dresden, den 3. Mai 2024\nLiebe Mitglieder, wir laden ein.", want{}},
		// where a band comes from is not where it plays
		{"In der Fußgängerzone spielt die Gruppe „Trommelwirbel“ aus Berlin für Kinder.", want{}},
		// a town in brackets after a district name is a remark, not the venue's town
		{"Podium mit den Kandidaten im Wahlkreis 12 (Dresden 4) am Abend.", want{}},
	}
	for _, tt := range tests {
		check(t, tt.in, Find(tt.in), tt.want)
	}
}

func TestRegionIn(t *testing.T) {
	tests := []struct {
		in      string
		region  string
		outside bool
	}{
		{"24.11.2021 - 17:00-19:30 Uhr - Region Leipzig – online (Zoom)", "leipzig", false},
		{"Teilprojekt im Landkreis Bautzen", "bautzen", false},
		{"Beratung im Landkreis Leipzig, Büro in Leipzig", "landkreis-leipzig", false},
		{"Liebe Aktive in den Leipziger Migrant:innenorganisationen", "leipzig", false},
		{"Wanderung im Vogtland", "vogtlandkreis", false},
		{"Alle Zwickauer/innen sind eingeladen.", "zwickau", false},
		{"Forum im Wahlkreis 24 (Leipzig Land 4)", "landkreis-leipzig", false},
		{"in den Landkreisen Meißen, Mittelsachsen und Sächsische Schweiz/Osterzgebirge", "", false},
		{"Die Konferenz findet in Berlin statt. Veranstalter: Kulturbüro Dresden", "", true},
		{"Kurs in Wojerecy", "bautzen", false},
		{"Keine Ortsangabe.", "", false},
		// the adjective of any town
		{"Treffpunkt ist der Wurzener Markt.", "landkreis-leipzig", false},
		{"Die Ausstellung ist in der Bornaer Innenstadt aufgebaut.", "landkreis-leipzig", false},
		{"Die Lehrer und Teilnehmer", "", false},
	}
	for _, tt := range tests {
		g := RegionIn(tt.in)
		if g.Region != tt.region || g.Outside != tt.outside {
			t.Errorf("RegionIn(%q) = %+v, want region %q outside %v", tt.in, g, tt.region, tt.outside)
		}
	}
}

func TestRegionName(t *testing.T) {
	de, en, ok := RegionName("saechsische-schweiz-osterzgebirge")
	if !ok || de != "Landkreis Sächsische Schweiz-Osterzgebirge" || en == "" {
		t.Errorf("RegionName = %q %q %v", de, en, ok)
	}
	if _, _, ok := RegionName("berlin"); ok {
		t.Error("RegionName(berlin) ok")
	}
	if n := len(Regions()); n != 13 {
		t.Errorf("Regions() = %d", n)
	}
}

func TestFindClauseEnds(t *testing.T) {
	tests := []struct {
		in string
		want
	}{
		// the sentence after the address does not belong to the place
		{"Mittwoch ab 17:30 Uhr im Familienzentrum Oschatz, Altmarkt 9, 04758 Oschatz. Für Familien mit Kindern. Um Anmeldung wird gebeten.",
			want{venue: "Familienzentrum Oschatz", street: "Altmarkt 9", pc: "04758", city: "Oschatz", region: "nordsachsen"}},
		{"Treffen im Gemeindehaus, Hauptstraße 1, 09356 St. Egidien. Anmeldung per Link.",
			want{venue: "Gemeindehaus", street: "Hauptstraße 1", pc: "09356", city: "St. Egidien", region: "zwickau"}},
	}
	for _, tt := range tests {
		check(t, tt.in, Find(tt.in), tt.want)
	}
	// words about joining online are no venue and make nothing online
	if r := Parse("Bürgerhaus, Markt 1, 09111 Chemnitz, Anmeldung erforderlich"); r.Online || r.Venue != "Bürgerhaus" {
		t.Errorf("Parse: %+v", r)
	}
}

// District says the evidence names a whole district and no town in it as
// where something happens.
func TestRegionInDistrict(t *testing.T) {
	tests := []struct {
		in       string
		district bool
	}{
		{"Teilprojekt im Landkreis Bautzen", true},
		{"Fünf Jahre Integrationsarbeit Mittelsachsen", true},
		{"Netzwerktreffen Region Leipzig", true},
		{"Die Messe lädt nach Görlitz ein, das größte Fest im Landkreis Görlitz.", false},
		{"Beratung im Landkreis Leipzig, Büro in Markkleeberg", false},
		{"Wanderung im Vogtland", false}, // a landscape, also the name of shops and papers
		{"Am Markt in Riesa", false},
	}
	for _, tt := range tests {
		if g := RegionIn(tt.in); g.District != tt.district {
			t.Errorf("RegionIn(%q) = %+v, want District %v", tt.in, g, tt.district)
		}
	}
}
