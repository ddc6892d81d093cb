package search_test

import (
	"context"
	"fmt"
	"testing"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
	"github.com/treffpunkt/treffpunkt/internal/pgtest"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/search/benchdata"
)

// BenchmarkSearchCold: a typical search (text + region + topic + three
// months, first 20, with facets) that no cache has seen, over 20,000
// synthetic events, answered in SQL and from the in-memory index, in one
// run so the two compare as a ratio. Every iteration asks a different
// search (its date range ends a minute later). Also: building the index.
func BenchmarkSearchCold(b *testing.B) {
	ctx := context.Background()
	pool := pgtest.New(b)
	ref := time.Date(2026, 6, 1, 0, 0, 0, 0, event.Berlin)
	if err := benchdata.Load(ctx, pool, benchdata.Generate(20_000, 1, ref)); err != nil {
		b.Fatal(err)
	}
	if _, err := pool.Exec(ctx, `VACUUM ANALYZE events`); err != nil {
		b.Fatal(err)
	}
	texts := []string{"Workshop", "Gesundheit", "Anerkennung", "Rassismus", "Verein", "Beratung", "Sprachcafé", "Förder"}
	topics := []string{"training", "health", "work_recognition", "antidiscrimination", "funding", "counselling", "culture_media", "participation_politics"}
	filter := func(i int) search.Filter {
		to := ref.AddDate(0, 3, 0).Add(time.Duration(i) * time.Minute)
		return search.Filter{Query: texts[i%len(texts)], Regions: []string{event.Regions[i%len(event.Regions)]},
			Topics: []string{topics[(i/len(texts))%len(topics)]}, From: &ref, To: &to}
	}
	mem := search.NewPostgres(pool).WithMemoryIndex(ctx, pool, nil, time.Hour)
	b.Run("build index", func(b *testing.B) {
		for b.Loop() {
			if err := search.NewPostgres(pool).WithMemoryIndex(ctx, pool, nil, time.Hour).WarmUp(ctx); err != nil {
				b.Fatal(err)
			}
		}
	})
	if err := mem.WarmUp(ctx); err != nil {
		b.Fatal(err)
	}
	for _, s := range []struct {
		name string
		s    *search.Postgres
	}{{"sql", search.NewPostgres(pool).WithoutCache()}, {"memory", mem}} {
		b.Run(s.name, func(b *testing.B) {
			i := 0
			for b.Loop() {
				i++
				res, err := s.s.Search(ctx, filter(i), search.Page{First: 20}, search.StartAsc)
				if err != nil {
					b.Fatal(err)
				}
				if i == 1 && len(res.Facets.Regions) == 0 {
					b.Fatal(fmt.Sprintf("no facets: %+v", res))
				}
			}
		})
	}
}
