package gazetteer

import (
	"strings"
	"testing"
	"time"
)

func TestTablesComplete(t *testing.T) {
	if n := len(Municipalities()); n != 418 {
		t.Errorf("municipalities = %d, want 418", n)
	}
	if n := len(Regions()); n != 13 {
		t.Errorf("regions = %d, want 13", n)
	}
	shared := 0
	for pc, ms := range data().byPC {
		if len(ms) > 1 {
			shared++
		}
		if len(pc) != 5 {
			t.Errorf("postcode %q", pc)
		}
	}
	if shared != 83 {
		t.Errorf("postcodes shared by several municipalities = %d, want 83 (data/README.md)", shared)
	}
	sorbian := 0
	for _, m := range Municipalities() {
		if m.Sorbian != "" {
			sorbian++
		}
		if _, ok := RegionBySlug(m.Region); !ok {
			t.Errorf("%s: region %q", m.Name, m.Region)
		}
	}
	if sorbian != 42 {
		t.Errorf("Sorbian names = %d, want 42", sorbian)
	}
}

func TestFold(t *testing.T) {
	for in, want := range map[string]string{
		"Görlitz":                   "goerlitz",
		"Goerlitz":                  "goerlitz",
		"Meißen":                    "meissen",
		"Budyšin":                   "budysin",
		"Weißwasser / O.L.":         "weisswasser/o.l.",
		"Sächsische  Schweiz – Ost": "saechsische schweiz-ost",
		"Bad  Düben":                "bad dueben",
	} {
		if got := Fold(in); got != want {
			t.Errorf("Fold(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestResolve(t *testing.T) {
	tests := []struct {
		pc, city, want, region string
	}{
		{"04177", "Leipzig", "Leipzig", "leipzig"},
		{"08289", "Schneeberg", "Schneeberg", "erzgebirgskreis"},
		{"04103", "", "Leipzig", "leipzig"},
		{"", "Budyšin", "Bautzen", "bautzen"},
		{"", "Wojerecy", "Hoyerswerda", "bautzen"},
		{"", "Leipzig-Connewitz", "Leipzig", "leipzig"},
		{"", "Dresden-Neustadt", "Dresden", "dresden"},
		{"", "Görlitz", "Görlitz", "goerlitz"},
		{"", "Weißwasser", "Weißwasser/O.L.", "goerlitz"},
		{"", "Reichenbach im Vogtland", "Reichenbach", "vogtlandkreis"},
		// 09573 is shared by Erzgebirgskreis and Mittelsachsen: the name decides.
		{"09573", "Leubsdorf", "Leubsdorf", "mittelsachsen"},
		{"09573", "Gornau", "Gornau", "erzgebirgskreis"},
	}
	for _, tt := range tests {
		m, ok := Resolve(tt.pc, tt.city)
		if !ok || m.Name != tt.want || m.Region != tt.region {
			got := "<none>"
			if ok {
				got = m.Name + "/" + m.Region
			}
			t.Errorf("Resolve(%q, %q) = %s, want %s/%s", tt.pc, tt.city, got, tt.want, tt.region)
		}
	}
	for _, tt := range [][2]string{{"10115", "Berlin"}, {"06108", "Halle (Saale)"}, {"", "Erfurt"}, {"", "Musterstadt"}} {
		if m, ok := Resolve(tt[0], tt[1]); ok {
			t.Errorf("Resolve(%q, %q) = %s, want none", tt[0], tt[1], m.Name)
		}
	}
}

func TestScan(t *testing.T) {
	tests := []struct {
		text string
		want []string // "name=region", "name=outside", "name=weak:region"
	}{
		{"Das Treffen findet im Werk 2 in Leipzig-Connewitz statt.", []string{"Leipzig-Connewitz=leipzig"}},
		{"06.11.: im riesa efau Dresden", []string{"Dresden=dresden"}},
		{"Beratung in Budyšin und Wojerecy", []string{"Budyšin=bautzen", "Wojerecy=bautzen"}},
		{"Region Leipzig – online (Zoom) und im Landkreis Bautzen", []string{"Leipzig=leipzig", "Bautzen=bautzen"}},
		{"in den Landkreisen Meißen, Mittelsachsen und Sächsische Schweiz/Osterzgebirge",
			[]string{"Meißen=meissen", "Mittelsachsen=mittelsachsen", "Sächsische Schweiz/Osterzgebirge=saechsische-schweiz-osterzgebirge"}},
		{"die in Mecklenburg-Vorpommern, Sachsen-Anhalt, Sachsen, Brandenburg oder Thüringen leben",
			[]string{"Mecklenburg-Vorpommern=outside", "Sachsen-Anhalt=outside", "Brandenburg=outside", "Thüringen=outside"}},
		{"Tagung in Halle (Saale) und Berlin.", []string{"Halle (Saale)=outside", "Berlin=outside"}},
		{"Wanderung in den Bergen bei Bad Schandau.", []string{"Bergen=weak:vogtlandkreis", "Bad Schandau=saechsische-schweiz-osterzgebirge"}},
		{"Kulturbüro Dresden, Deutsch-Russisches Hilfswerk", []string{"Dresden=dresden"}},
		{"VERANSTALTUNG IN CHEMNITZ", []string{"CHEMNITZ=chemnitz"}},
		{"Treffpunkt Aue, Schöneck/Vogtl. und St. Egidien", []string{"Aue=erzgebirgskreis", "Schöneck/Vogtl.=vogtlandkreis", "St. Egidien=zwickau"}},
	}
	for _, tt := range tests {
		var got []string
		Scan(tt.text, func(h Hit) {
			s := tt.text[h.Start:h.End] + "="
			switch {
			case h.Outside:
				s += "outside"
			case h.Region != "":
				s += h.Region
			default:
				if h.Weak {
					s += "weak:"
				}
				s += h.Munis[0].Region
			}
			got = append(got, s)
		})
		if strings.Join(got, "|") != strings.Join(tt.want, "|") {
			t.Errorf("Scan(%q)\n got %q\nwant %q", tt.text, got, tt.want)
		}
	}
}

func TestScanLongNames(t *testing.T) {
	text := "Fahrt nach Frankfurt am Main, dann Schönau-Berzdorf auf dem Eigen."
	var got []string
	Scan(text, func(h Hit) { got = append(got, text[h.Start:h.End]) })
	if strings.Join(got, "|") != "Frankfurt am Main|Schönau-Berzdorf auf dem Eigen" {
		t.Errorf("got %q", got)
	}
}

func TestScanTerminates(t *testing.T) {
	// upper-case symbols that are no letters once stopped the scan from advancing
	for _, s := range []string{"Ⓐ", "Ⅻ Leipzig", "aⒶb Ⓩ"} {
		done := make(chan bool)
		go func() { Scan(s, func(Hit) {}); done <- true }()
		select {
		case <-done:
		case <-time.After(2 * time.Second):
			t.Fatalf("Scan(%q) does not return", s)
		}
	}
}

func TestScanCityParts(t *testing.T) {
	tests := []struct{ text, name, region string }{
		{"Treffen in Löbtau am Montag", "Löbtau", "dresden"},
		{"Spaziergang am Weißer Hirsch", "Weißer Hirsch", "dresden"},
		{"Fest in Anger-Crottendorf", "Anger-Crottendorf", "leipzig"},
		{"Café auf dem Kaßberg.", "Kaßberg", "chemnitz"},
	}
	for _, tt := range tests {
		var got []Hit
		Scan(tt.text, func(h Hit) { got = append(got, h) })
		if len(got) != 1 || !got[0].Part || got[0].Region != tt.region || tt.text[got[0].Start:got[0].End] != tt.name {
			t.Errorf("Scan(%q) = %+v, want the city part %q of %s", tt.text, got, tt.name, tt.region)
		}
	}
}
