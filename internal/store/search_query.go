package store

import (
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// SearchSpec is one search of events as SQL runs it: the conditions every
// part of a search shares (visibility, dates, text, filter-only facets)
// and the faceted ones, which the facet counts leave out one at a time.
// internal/search translates its Filter into it; the SQL is built here
// and nowhere else.
type SearchSpec struct {
	// IncludeUnpublished also finds pending and rejected events (never
	// merged ones); otherwise only PublicSQL's.
	IncludeUnpublished bool
	// From keeps events that have not ended before it, To those that
	// start before it.
	From, To *time.Time
	// Filters are the conditions of filter-only facets (the source): shared
	// by every part of the search, never counted.
	Filters []FacetCond
	// Words must each match as a prefix (german or simple configuration);
	// Fuzzy adds titles similar to them (typos).
	Words []string
	Fuzzy bool
	// Facets are the faceted conditions, in the order their counts come
	// back.
	Facets []FacetCond
}

// FacetColumn says where a facet's values are, as an SQL expression on the
// events alias e: Column for at most one value per event (text, NULL for
// none), Values for a text[], or Related for values in other rows (a query
// of (event id, value) pairs such as SourcesOfEvents). The expressions are
// declarations of internal/search's facet registry, never user input.
type FacetColumn struct {
	Column  string
	Values  string
	Related string
}

// FacetCond is one facet of a search: where its values are and the wanted
// ones (alternatives; none: it does not filter).
type FacetCond struct {
	FacetColumn
	Want []string
}

// SearchOrder is the order of search keys.
type SearchOrder uint8

const (
	ByStart     SearchOrder = iota // start, then id
	ByStartDesc                    // latest first
	ByRank                         // text rank, then start and id
)

// SearchKey is one hit of a search: its position in the order (start, id
// and, by rank, the rank) and when the event ends.
type SearchKey struct {
	ID    int64
	Start time.Time
	Rank  float32
	End   time.Time
}

// searchQuery is the one builder of search SQL: every value is a numbered
// parameter it adds itself (arg), nothing is spliced into the text but the
// registry's column expressions.
type searchQuery struct {
	args   []any
	facets []FacetCond
	// base holds the shared conditions, joined with AND.
	base []string
	// facet holds the faceted conditions in the order of facets ("true"
	// when the facet does not filter).
	facet []string
	// rank is the relevance expression ("0::real" without text).
	rank string
}

func (q *searchQuery) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// execArgs runs the query as an unnamed statement, planned for its actual
// values each time. A cached prepared statement switches to a generic plan
// after five runs, and a generic plan cannot see how common the searched
// words or how wide the date range are: measured, it made a typical search
// ten times slower.
func (q *searchQuery) execArgs() []any {
	return append([]any{pgx.QueryExecModeExec}, q.args...)
}

// newSearchQuery translates a spec.
func newSearchQuery(s SearchSpec) *searchQuery {
	q := &searchQuery{facets: s.Facets, facet: make([]string, len(s.Facets)), rank: "0::real"}
	if s.IncludeUnpublished {
		q.base = append(q.base, "e.merged_into IS NULL")
	} else {
		q.base = append(q.base, PublicSQL)
	}
	if s.From != nil {
		q.base = append(q.base, "tp_event_end(e.start_at, e.end_at, e.all_day) >= "+q.arg(*s.From))
	}
	if s.To != nil {
		q.base = append(q.base, "e.start_at < "+q.arg(*s.To))
	}
	for _, fc := range s.Filters {
		if len(fc.Want) > 0 {
			q.base = append(q.base, fc.where(q.arg(fc.Want)))
		}
	}
	if len(s.Words) > 0 {
		q.textQuery(s.Words, s.Fuzzy)
	}
	for i, fc := range s.Facets {
		q.facet[i] = "true"
		if len(fc.Want) > 0 {
			q.facet[i] = fc.where(q.arg(fc.Want))
		}
	}
	return q
}

// where is the condition "has any of the values in the text[] parameter
// p": = ANY for one value (an index on the column applies), && for a list
// (a GIN index applies), EXISTS for related rows (planned as a semi-join).
func (fc FacetColumn) where(p string) string {
	switch {
	case fc.Column != "":
		return fc.Column + " = ANY(" + p + "::text[])"
	case fc.Related != "":
		return "EXISTS (SELECT 1 FROM (" + fc.Related + ") r(event_id, value) WHERE r.event_id = e.id AND r.value = ANY(" + p + "::text[]))"
	}
	return fc.Values + " && " + p + "::text[]"
}

// expr is the facet's value expression as grouped on.
func (fc FacetColumn) expr() string {
	if fc.Column != "" {
		return fc.Column
	}
	return fc.ValuesSQL()
}

// ValuesSQL is a many-value facet's values as text[] on the alias e.
func (fc FacetColumn) ValuesSQL() string {
	if fc.Related != "" {
		return "ARRAY(SELECT DISTINCT r.value FROM (" + fc.Related + ") r(event_id, value) WHERE r.event_id = e.id)"
	}
	return fc.Values
}

// FacetSelectList is ", v0, v1, …": each facet's values on the alias e,
// a one-value facet as text ("" for none), others as text[] ('{}' for
// none), for scanning into a string or a []string.
func FacetSelectList(cols []FacetColumn) string {
	var b strings.Builder
	for _, fc := range cols {
		if fc.Column != "" {
			b.WriteString(", coalesce(" + fc.Column + ", '')")
		} else {
			b.WriteString(", coalesce(" + fc.ValuesSQL() + ", '{}')")
		}
	}
	return b.String()
}

// textQuery matches every word as a prefix, stemmed (german) or as written
// (simple), accents folded like the document. A word that is a German stop
// word ("und", "für") is dropped rather than required (a query of stop words
// only matches nothing). quote_literal makes each word one quoted lexeme, so
// no input is read as tsquery syntax. The expression is written inline, not
// in a CTE: built from parameters only, the planner evaluates it once and
// can use the GIN index on search_doc.
func (q *searchQuery) textQuery(words []string, fuzzy bool) {
	var terms []string
	for _, w := range words {
		p := q.arg(w)
		g := "to_tsquery('german', quote_literal(tp_unaccent(" + p + "::text)) || ':*')"
		s := "to_tsquery('simple', quote_literal(tp_unaccent(" + p + "::text)) || ':*')"
		terms = append(terms, "CASE WHEN numnode("+g+") = 0 THEN ''::tsquery ELSE "+g+" || "+s+" END")
	}
	tsq := "(" + strings.Join(terms, " && ") + ")"
	match := "e.search_doc @@ " + tsq
	q.rank = "ts_rank_cd(e.search_doc, " + tsq + ")"
	if fuzzy {
		text := q.arg(strings.Join(words, " "))
		fold := "tp_unaccent(lower(e.title))"
		match = "(" + match + " OR " + text + "::text <% " + fold + ")"
		q.rank = "(" + q.rank + " + word_similarity(" + text + "::text, " + fold + "))"
	}
	q.base = append(q.base, match)
}

// where is the shared conditions.
func (q *searchQuery) where() string { return strings.Join(q.base, " AND ") }

// countsSQL counts the total and each facet within the other filters, over
// one scan of the rows matching the shared conditions. A row's kind is
// "total", "matched" or the facet's index.
func (q *searchQuery) countsSQL() string {
	cols := make([]string, 0, 2*len(q.facets))
	all := make([]string, 0, len(q.facets)+1)
	for i, fc := range q.facets {
		n := strconv.Itoa(i)
		cols = append(cols, fc.expr()+" AS v"+n, q.facet[i]+" AS ok"+n)
		all = append(all, "ok"+n)
	}
	others := func(skip int) string {
		w := []string{"true"}
		for i, ok := range all {
			if i != skip {
				w = append(w, ok)
			}
		}
		return strings.Join(w, " AND ")
	}
	var b strings.Builder
	b.WriteString("WITH base AS (SELECT " + strings.Join(cols, ", ") + " FROM events e WHERE " + q.where() + `)
	SELECT 'total', '', count(*) FROM base WHERE ` + others(-1) + `
	UNION ALL
	SELECT 'matched', '', count(*) FROM base`)
	for i, fc := range q.facets {
		n := strconv.Itoa(i)
		if fc.Column != "" {
			b.WriteString("\n\tUNION ALL\n\tSELECT '" + n + "', v" + n + ", count(*) FROM base WHERE " + others(i) + " AND v" + n + " IS NOT NULL GROUP BY v" + n)
		} else {
			b.WriteString("\n\tUNION ALL\n\tSELECT '" + n + "', x, count(*) FROM base, unnest(base.v" + n + ") x WHERE " + others(i) + " GROUP BY x")
		}
	}
	return b.String()
}

// rowsSQL selects when each event matching the shared conditions ends and
// its values of every facet (FacetSelectList).
func (q *searchQuery) rowsSQL() string {
	cols := make([]FacetColumn, len(q.facets))
	for i, fc := range q.facets {
		cols[i] = fc.FacetColumn
	}
	return `SELECT tp_event_end(e.start_at, e.end_at, e.all_day)` + FacetSelectList(cols) + `
		FROM events e WHERE ` + q.where()
}

// matchesSQL counts the events matching the shared conditions, up to
// atMost.
func (q *searchQuery) matchesSQL(atMost int) string {
	return `SELECT count(*) FROM (SELECT 1 FROM events e WHERE ` + q.where() + ` LIMIT ` + strconv.Itoa(atMost) + `) m`
}

// keysSQL selects the next limit keys after c in order o: id, start, rank
// and when the event ends.
func (q *searchQuery) keysSQL(o SearchOrder, c *SearchKey, limit int) string {
	conds := append(append([]string{}, q.base...), q.facet...)
	var order string
	switch o {
	case ByStartDesc:
		order = "e.start_at DESC, e.id DESC"
		if c != nil {
			conds = append(conds, "(e.start_at, e.id) < ("+q.arg(c.Start)+"::timestamptz, "+q.arg(c.ID)+"::bigint)")
		}
	case ByRank:
		order = "rank DESC, e.start_at, e.id"
		if c != nil {
			r, s, id := q.arg(c.Rank), q.arg(c.Start), q.arg(c.ID)
			conds = append(conds, "("+q.rank+" < "+r+"::real OR ("+q.rank+" = "+r+"::real AND (e.start_at, e.id) > ("+s+"::timestamptz, "+id+"::bigint)))")
		}
	default:
		order = "e.start_at, e.id"
		if c != nil {
			conds = append(conds, "(e.start_at, e.id) > ("+q.arg(c.Start)+"::timestamptz, "+q.arg(c.ID)+"::bigint)")
		}
	}
	// Only relevance order needs the rank; date-ordered keys carry none.
	rank := "0::real"
	if o == ByRank {
		rank = q.rank
	}
	return `SELECT e.id, e.start_at, ` + rank + ` AS rank, tp_event_end(e.start_at, e.end_at, e.all_day) FROM events e
		WHERE ` + strings.Join(conds, " AND ") + `
		ORDER BY ` + order + ` LIMIT ` + strconv.Itoa(limit)
}
