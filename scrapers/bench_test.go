package scrapers

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/http"
	"net/http/httptest"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/source"
)

// benchSite serves a WordPress-like event list of n detail pages, perPage
// links per list page, with ETags as WordPress behind a cache sends them.
func benchSite(tb testing.TB, n, perPage int) *httptest.Server {
	tb.Helper()
	pages := map[string][]byte{}
	tags := map[string]string{}
	add := func(path, body string) {
		pages[path] = []byte(body)
		sum := sha256.Sum256([]byte(body))
		tags[path] = `"` + hex.EncodeToString(sum[:8]) + `"`
	}
	const text = `<p>Die "Werkstatt der Migrant*innenorganisationen (MOs) aus Leipzig" ist ein neuer Ort zum Treffen, Austauschen, Kennenlernen und Unterstützen.</p>
<p>Jeden ersten Mittwoch im Monat gibt es nachmittags einen Offenen Treff - als Treffpunkt der Migrant*innen-Organisationen - zum Austausch zu aktuellen Themen.</p>
<p>Außerdem ist jeden Monat eine thematische Veranstaltung oder Fortbildung geplant, unter anderem zu Fördermöglichkeiten.</p>
<p>Aktuell finden die Offenen Treffs noch online statt - nach Anmeldung erhalten Sie einen Link zur Teilnahme.</p>`
	lists := (n + perPage - 1) / perPage
	for l := range lists {
		var b strings.Builder
		b.WriteString(`<!DOCTYPE html><html lang="de-DE"><head><meta charset="UTF-8"><title>Veranstaltungen</title></head><body><main>`)
		for i := l * perPage; i < min(n, (l+1)*perPage); i++ {
			fmt.Fprintf(&b, `<article class="post"><h2 class="entry-title"><a href="/2021/05/%02d/treffen-%d/">Offener Treff %d</a></h2><p>Weiterlesen</p></article>`, 1+i%28, i, i)
		}
		if l+1 < lists {
			fmt.Fprintf(&b, `<a class="next page-numbers" href="/veranstaltungen/page/%d/">Weiter</a>`, l+2)
		}
		b.WriteString(`</main></body></html>`)
		path := "/veranstaltungen/"
		if l > 0 {
			path = fmt.Sprintf("/veranstaltungen/page/%d/", l+1)
		}
		add(path, b.String())
	}
	for i := range n {
		add(fmt.Sprintf("/2021/05/%02d/treffen-%d/", 1+i%28, i), fmt.Sprintf(`<!DOCTYPE html>
<html lang="de-DE"><head><meta charset="UTF-8"><title>Offener Treff %d</title>
<meta property="article:published_time" content="2021-05-%02dT09:12:44+00:00" />
<link rel="stylesheet" href="/wp-content/themes/twentyseventeen/style.css" /></head>
<body class="single"><header class="site-header"><nav><ul><li><a href="/">Start</a></li><li><a href="/veranstaltungen/">Veranstaltungen</a></li></ul></nav></header>
<main><article id="post-%d"><header class="entry-header"><h1 class="entry-title">Offener Treff der Werkstatt Nr. %d</h1></header>
<div class="entry-content">%s
<div class="event-meta"><p class="event-date"><strong>Datum:</strong> %d. Juni 2021, 15:00 Uhr</p><p class="event-place"><strong>Ort:</strong> WERK 2 – Kulturfabrik Leipzig e.V. – HALLE A - Kochstraße 132, 04277 Leipzig</p></div>
</div></article></main>
<footer class="site-footer"><p>Zwischenraum ist eine Radiosendung, die versucht migrantische Lebenswelten sichtbarer zu machen.</p></footer></body></html>`,
			i, 1+i%28, i, i, text, 1+i%28))
	}
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, ok := pages[r.URL.Path]
		if !ok {
			http.NotFound(w, r)
			return
		}
		w.Header().Set("ETag", tags[r.URL.Path])
		if r.Header.Get("If-None-Match") == tags[r.URL.Path] {
			w.WriteHeader(http.StatusNotModified)
			return
		}
		w.Header().Set("Content-Type", "text/html; charset=UTF-8")
		w.Write(body)
	}))
	tb.Cleanup(srv.Close)
	return srv
}

// BenchmarkCrawl2000 crawls 2,000 detail pages behind 40 list pages on
// loopback, politeness off, parallelism 8: fetch and extract, end to end;
// then again with the validators of the first crawl, when nothing changed.
//
//	go test -run '^$' -bench Crawl2000 -benchtime 3x ./scrapers
func BenchmarkCrawl2000(b *testing.B) {
	const n = 2000
	srv := benchSite(b, n, 50)
	src := testSource(srv.URL+"/veranstaltungen/", event.KindHTML)
	src.Follow, src.Next = "h2.entry-title a", "a.next"
	src.Fields = configFields("", "h1.entry-title", ".entry-content", ".event-date", ".event-place")
	src.Parallelism = 8
	src.MaxPages = 5000
	opt := Options{AllowPrivate: true, NoPoliteness: true}

	var first, second, firstCPU, secondCPU time.Duration
	var pages, unchanged int
	for b.Loop() {
		known := map[string]Validators{}
		items := 0
		start, cpu := time.Now(), cpuTime()
		sum, err := Crawl(context.Background(), src, opt, func(p Page) {
			items += len(p.Items)
			if p.Err == nil {
				known[p.URL] = p.Validators
			}
		})
		first, firstCPU = first+time.Since(start), firstCPU+cpuTime()-cpu
		if err != nil || sum.Errors > 0 || items != n || !sum.Complete {
			b.Fatalf("first crawl: %v %+v, %d items", err, sum, items)
		}
		pages += sum.Pages

		again := opt
		again.Known = known
		start, cpu = time.Now(), cpuTime()
		sum, err = Crawl(context.Background(), src, again, func(Page) {})
		second, secondCPU = second+time.Since(start), secondCPU+cpuTime()-cpu
		if err != nil || sum.Unchanged != sum.Pages {
			b.Fatalf("second crawl: %v %+v", err, sum)
		}
		unchanged += sum.Pages
	}
	b.ReportMetric(float64(pages)/first.Seconds(), "pages/s")
	b.ReportMetric(float64(unchanged)/second.Seconds(), "unchanged-pages/s")
	b.ReportMetric(first.Seconds()/second.Seconds(), "unchanged-speedup")
	// CPU time of the whole process (crawler and test server together) does
	// not depend on what else runs on a shared machine.
	b.ReportMetric(float64(firstCPU.Microseconds())/float64(pages), "cpu-µs/page")
	b.ReportMetric(float64(secondCPU.Microseconds())/float64(unchanged), "cpu-µs/unchanged-page")
	b.ReportMetric(0, "ns/op") // one op is two crawls; the rates above are the figures
}

// cpuTime is the user+system CPU time the process has used.
func cpuTime() time.Duration {
	var ru syscall.Rusage
	if err := syscall.Getrusage(syscall.RUSAGE_SELF, &ru); err != nil {
		return 0
	}
	return time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
}

// BenchmarkCrawlAuto crawls the same 500 detail pages twice in each
// iteration, with hand-written selectors and as kind: auto (discovery,
// list inference, the main-content scorer), and reports the CPU cost of
// auto per page against the selectors.
//
//	go test -run '^$' -bench CrawlAuto -benchtime 3x ./scrapers
func BenchmarkCrawlAuto(b *testing.B) {
	const n = 500
	srv := benchSite(b, n, 50)
	sel := testSource(srv.URL+"/veranstaltungen/", event.KindHTML)
	sel.Follow, sel.Next = "h2.entry-title a", "a.next"
	sel.Fields = configFields("", "h1.entry-title", ".entry-content", ".event-date", ".event-place")
	sel.Parallelism, sel.MaxPages = 8, 5000
	auto := sel
	auto.Kind, auto.Follow, auto.Next, auto.Fields = event.KindAuto, "", "", configFields("", "", "", "", "")
	opt := Options{AllowPrivate: true, NoPoliteness: true}
	var cpu [2]time.Duration
	var pages [2]int
	for b.Loop() {
		for i, src := range []source.Source{sel, auto} {
			items := 0
			start := cpuTime()
			sum, err := Crawl(context.Background(), src, opt, func(p Page) { items += len(p.Items) })
			cpu[i] += cpuTime() - start
			if err != nil || items != n || !sum.Complete {
				b.Fatalf("%s crawl: %v %+v, %d items", src.Kind, err, sum, items)
			}
			pages[i] += sum.Pages
		}
	}
	sc, ac := float64(cpu[0].Microseconds())/float64(pages[0]), float64(cpu[1].Microseconds())/float64(pages[1])
	b.ReportMetric(sc, "cpu-µs/page-selectors")
	b.ReportMetric(ac, "cpu-µs/page-auto")
	b.ReportMetric(ac/sc, "auto/selectors")
	b.ReportMetric(0, "ns/op")
}
