package scrapers

import "testing"

func TestPublishedDate(t *testing.T) {
	const wp = "https://www.saqsen.de/2021/06/10/fachkonferenz-migrationssozialarbeit/"
	tests := []struct {
		name, url, head, body, want string
	}{
		{"article:published_time", wp,
			`<meta property="article:published_time" content="2021-05-28T09:12:44+00:00">`, ``, "2021-05-28"},
		{"article:published_time late in the evening UTC is the next day in Berlin", wp,
			`<meta property="article:published_time" content="2021-05-28T22:30:00Z">`, ``, "2021-05-29"},
		{"JSON-LD datePublished of the WebPage, not of the event", wp,
			ldScript(`{"@graph":[{"@type":"Event","name":"x","datePublished":"2020-01-01"},{"@type":"WebPage","datePublished":"2021-05-27T10:00:00+02:00"}]}`), ``, "2021-05-27"},
		{"microdata datePublished beats the CMS page date", "https://pokubi-sachsen.de/aktuelles/x.html",
			`<meta name="DC.date" content="2021-09-15">`, `<time itemprop="datePublished" datetime="2021-09-20">20.09.2021</time>`, "2021-09-20"},
		{"meta name=date", "https://example.org/x",
			`<meta name="date" content="2021-03-01">`, ``, "2021-03-01"},
		{"time in the article header", "https://example.org/x", ``,
			`<article><header><h1>Titel</h1><time datetime="2021-04-12T08:00:00+02:00">12. April</time></header><p>am <time datetime="2021-05-19">19. Mai</time></p></article>`, "2021-04-12"},
		{"event times in the body are not publication dates", "https://example.org/x", ``,
			`<article><p>am <time datetime="2021-05-19">19. Mai</time></p></article>`, ""},
		{"date in the URL path", wp, ``, ``, "2021-06-10"},
		{"impossible date in the URL path", "https://example.org/2021/02/30/x/", ``, ``, ""},
		{"garbage in the meta falls through to the URL", wp,
			`<meta property="article:published_time" content="gestern">`, ``, "2021-06-10"},
		{"nothing", "https://example.org/veranstaltungen/", ``, `<p>Am 13.10. um 18 Uhr</p>`, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			hp, err := parseHTML([]byte("<html><head>"+tt.head+"</head><body>"+tt.body+"</body></html>"), tt.url)
			if err != nil {
				t.Fatal(err)
			}
			if got := hp.publishedDate(); got != tt.want {
				t.Errorf("published %q, want %q", got, tt.want)
			}
		})
	}
}
