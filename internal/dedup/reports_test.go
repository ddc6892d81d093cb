package dedup

import "testing"

// TestReports: a blog post that retitles an event ("Unser Tipp: Wer hilft
// beim Papierkram?") and names its organiser and venue only in its text,
// at the same minute, is that event; the same post under other conditions
// is not.
func TestReports(t *testing.T) {
	const org = "Sächsischer Flüchtlingsrat"
	zw := place("Zentralwerk", "01127", "Dresden", "dresden")
	own := rec("sfr", org, "Workshop: Asylverfahren verstehen – Grundlagen für Ehrenamtliche", at(6, 9, 14, 0), zw,
		desc("Ehrenamtliche begleiten Geflüchtete zu Behörden und Anhörungen. Der Workshop erklärt die Schritte "+
			"des Asylverfahrens, Fristen und Bescheide und zeigt, wo Beratungsstellen weiterhelfen."))
	blogText := "Am Mittwoch erklärt der Sächsische Flüchtlingsrat im Zentralwerk Ehrenamtlichen das Asylverfahren: " +
		"Anhörungen, Bescheide, Fristen und welche Beratungsstellen weiterhelfen. Wer Geflüchtete begleitet, sollte hin."
	blog := func(opts ...func(*Record)) Record {
		return rec("blog", "", "Unser Tipp: Wer hilft beim Papierkram?", at(6, 9, 14, 0),
			append([]func(*Record){place("", "", "Dresden", "dresden"), desc(blogText)}, opts...)...)
	}
	tests := []struct {
		name string
		b    Record
		want Verdict
	}{
		{"organiser and venue named in the text, same minute", blog(), Same},
		{"half an hour later", blog(func(r *Record) { r.Draft.Start = at(6, 9, 14, 30) }), Different},
		{"organiser not named",
			blog(desc("Am Mittwoch wird im Zentralwerk erklärt, wie Anhörungen, Bescheide und Fristen im Asylverfahren laufen.")),
			Different},
		{"the blog states an organiser of its own",
			blog(func(r *Record) { r.Organizer = "Bündnis Dresden für alle" }),
			Different},
		{"another event of the organiser at the venue",
			blog(desc("Am Mittwoch feiert der Sächsische Flüchtlingsrat im Zentralwerk sein Sommerfest mit Musik, Essen und Kinderprogramm.")),
			Different},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			wantVerdict(t, own, tt.b, tt.want)
			ix := NewIndex()
			a := own
			a.ID = 1
			ix.Add(a)
			if _, _, ok := ix.Match(tt.b); ok != (tt.want == Same) {
				t.Errorf("Index.Match ok = %v, want %v", ok, tt.want == Same)
			}
		})
	}
}
