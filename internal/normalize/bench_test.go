package normalize

import (
	"syscall"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// boilerplate is what partner pages put around an announcement: a project
// blurb and a funding/contact footer (from seed 003 and seed 004).
const boilerplate = "\nDie \"Werkstatt der Migrant*innenorganisationen (MOs) aus Leipzig\" ist ein Ort zum Treffen, Austauschen, Kennenlernen und Unterstützen. " +
	"Jeden Monat ist eine thematische Veranstaltung oder Fortbildung geplant, unter anderem zu Fördermöglichkeiten.\n" +
	"Ihr habt Interesse oder Fragen? Wendet euch gern an das Projektteam:\nTelefon: 0351 / 407 662 53\nNeko Panteleeva\nneko.panteleeva@kulturbuero-dresden.example\n" +
	"Diese Maßnahme wird mitfinanziert durch Steuermittel auf der Grundlage des vom Sächsischen Landtag beschlossenen Haushaltes. " +
	"Das Projekt wird gefördert im Rahmen des Landesprogramms Integrative Maßnahmen.\n"

// benchItems are dev-set announcements with their page boilerplate: 1–2 KB
// of text each, as the crawler delivers them.
func benchItems(b testing.TB) ([]event.Item, []Options, int) {
	var items []event.Item
	var opts []Options
	size := 0
	for _, c := range loadDevSet(b) {
		if len(c.Expect) == 0 {
			continue
		}
		it := c.item()
		it.Text += boilerplate
		for len(it.Text) < 1024 {
			it.Text += boilerplate
		}
		if len(it.Text) > 2048 {
			continue
		}
		items = append(items, it)
		opts = append(opts, c.opt)
		size += len(it.Text)
	}
	return items, opts, size / len(items)
}

// BenchmarkNormalize measures announcements per second for typical 1–2 KB
// texts (issue 3 target: ≥ 10,000/s per core; run with -cpu 1).
func BenchmarkNormalize(b *testing.B) {
	items, opts, avg := benchItems(b)
	b.ReportAllocs()
	b.ResetTimer()
	start, cpu := time.Now(), processCPU()
	for i := 0; i < b.N; i++ {
		k := i % len(items)
		if _, err := Normalize(items[k], opts[k]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "announcements/s")
	// The machine is shared: user CPU time (all threads, so the
	// garbage collector too) per announcement does not swing with other load
	// the way wall time does.
	b.ReportMetric(float64(processCPU()-cpu)/float64(b.N), "cpu-ns/op")
	b.ReportMetric(float64(avg), "bytes/announcement")
}

func processCPU() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano())
}

// BenchmarkNormalizeHTML adds sanitising a body given as HTML.
func BenchmarkNormalizeHTML(b *testing.B) {
	items, opts, _ := benchItems(b)
	for i := range items {
		items[i].HTML = "<div class=\"entry-content\"><p>" + items[i].Text + "</p><p><a href=\"https://example.org/anmeldung\">Anmeldung</a></p></div>"
	}
	b.ReportAllocs()
	b.ResetTimer()
	start := time.Now()
	for i := 0; i < b.N; i++ {
		k := i % len(items)
		if _, err := Normalize(items[k], opts[k]); err != nil {
			b.Fatal(err)
		}
	}
	b.ReportMetric(float64(b.N)/time.Since(start).Seconds(), "announcements/s")
}
