package search

import (
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"

	"github.com/treffpunkt/treffpunkt/internal/store"
)

// pgQuery builds the SQL of one search: the conditions every part shares
// (visibility, dates, online, sources, text) and the faceted ones (one per
// facet of the set), which the facet counts leave out one at a time.
type pgQuery struct {
	args []any
	fs   FacetSet
	// base holds the shared conditions, joined with AND.
	base []string
	// facet holds the faceted conditions in the order of fs ("true" when
	// the filter has none).
	facet []string
	// rank is the relevance expression ("0::real" without text).
	rank string
}

func (q *pgQuery) arg(v any) string {
	q.args = append(q.args, v)
	return "$" + strconv.Itoa(len(q.args))
}

// execArgs runs the query as an unnamed statement, planned for its actual
// values each time. A cached prepared statement switches to a generic plan
// after five runs, and a generic plan cannot see how common the searched
// words or how wide the date range are: measured, it made a typical search
// ten times slower.
func (q *pgQuery) execArgs() []any {
	return append([]any{pgx.QueryExecModeExec}, q.args...)
}

// newPGQuery translates a validated filter. fuzzy adds typo-tolerant title
// matches to the full-text ones.
func newPGQuery(fs FacetSet, f Filter, fuzzy bool) *pgQuery {
	q := &pgQuery{fs: fs, facet: make([]string, len(fs)), rank: "0::real"}
	if f.IncludeUnpublished {
		q.base = append(q.base, "e.merged_into IS NULL")
	} else {
		q.base = append(q.base, store.PublicSQL)
	}
	if f.From != nil {
		q.base = append(q.base, "tp_event_end(e.start_at, e.end_at, e.all_day) >= "+q.arg(*f.From))
	}
	if f.To != nil {
		q.base = append(q.base, "e.start_at < "+q.arg(*f.To))
	}
	switch f.Online {
	case "yes":
		q.base = append(q.base, "e.online IN ('yes', 'hybrid')")
	case "no":
		q.base = append(q.base, "e.online IN ('no', 'hybrid')")
	case "hybrid":
		q.base = append(q.base, "e.online = 'hybrid'")
	}
	if len(f.Sources) > 0 {
		q.base = append(q.base, `EXISTS (SELECT 1 FROM event_items ei JOIN items i ON i.id = ei.item_id
			WHERE ei.event_id = e.id AND i.source_id = ANY(`+q.arg(f.Sources)+`))`)
	}
	if words := Words(f.Query); len(words) > 0 {
		q.textQuery(words, fuzzy)
	}
	for i, fc := range fs {
		q.facet[i] = "true"
		if vals := fc.Get(&f); len(vals) > 0 {
			q.facet[i] = fc.whereSQL(q.arg(vals))
		}
	}
	return q
}

// textQuery matches every word as a prefix, stemmed (german) or as written
// (simple), accents folded like the document. A word that is a German stop
// word ("und", "für") is dropped rather than required (a query of stop words
// only matches nothing). quote_literal makes each word one quoted lexeme, so
// no input is read as tsquery syntax. The expression is written inline, not
// in a CTE: built from parameters only, the planner evaluates it once and
// can use the GIN index on search_doc.
func (q *pgQuery) textQuery(words []string, fuzzy bool) {
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

// facetSQL counts the total and each facet within the other filters, over
// one scan of the rows matching the shared conditions. A row's kind is
// "total", "matched" or the facet's index in the set.
func (q *pgQuery) facetSQL() string {
	cols := make([]string, 0, 2*len(q.fs))
	all := make([]string, 0, len(q.fs)+1)
	for i, fc := range q.fs {
		n := strconv.Itoa(i)
		v := fc.Values
		if fc.Column != "" {
			v = fc.Column
		}
		cols = append(cols, v+" AS v"+n, q.facet[i]+" AS ok"+n)
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
	b.WriteString("WITH base AS (SELECT " + strings.Join(cols, ", ") + " FROM events e WHERE " + strings.Join(q.base, " AND ") + `)
	SELECT 'total', '', count(*) FROM base WHERE ` + others(-1) + `
	UNION ALL
	SELECT 'matched', '', count(*) FROM base`)
	for i, fc := range q.fs {
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
// its values of every facet (facetScan; the count cache counts them in
// memory).
func (q *pgQuery) rowsSQL() string {
	return `SELECT tp_event_end(e.start_at, e.end_at, e.all_day)` + q.fs.selectList() + `
		FROM events e WHERE ` + strings.Join(q.base, " AND ")
}

// pageSQL selects the next limit rows after c in order o: id, start, rank
// and when the event ends.
func (q *pgQuery) pageSQL(o Order, c *cursor, limit int) string {
	conds := append(append([]string{}, q.base...), q.facet...)
	var order string
	switch o {
	case StartDesc:
		order = "e.start_at DESC, e.id DESC"
		if c != nil {
			conds = append(conds, "(e.start_at, e.id) < ("+q.arg(c.Start)+"::timestamptz, "+q.arg(c.ID)+"::bigint)")
		}
	case Relevance:
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
	// Only relevance order needs the rank; date-ordered cursors carry none.
	rank := "0::real"
	if o == Relevance {
		rank = q.rank
	}
	return `SELECT e.id, e.start_at, ` + rank + ` AS rank, tp_event_end(e.start_at, e.end_at, e.all_day) FROM events e
		WHERE ` + strings.Join(conds, " AND ") + `
		ORDER BY ` + order + ` LIMIT ` + strconv.Itoa(limit)
}
