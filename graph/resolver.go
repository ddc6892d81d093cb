package graph

import (
	"time"

	"github.com/treffpunkt/treffpunkt/internal/review"
	"github.com/treffpunkt/treffpunkt/internal/search"
	"github.com/treffpunkt/treffpunkt/internal/store"
)

// Resolver holds the dependencies of the resolvers; each resolver body
// delegates to internal/search or internal/store.
type Resolver struct {
	DB       store.DB
	Searcher search.Searcher
	Now      func() time.Time
	// Review runs the staff mutations; nil refuses them.
	Review *review.Service
}
