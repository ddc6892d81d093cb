package search

import (
	"strconv"
	"strings"

	"github.com/jackc/pgx/v5"
)

// pgQuery builds the SQL of one search: the conditions every part shares
// (visibility, dates, online, sources, text) and the three faceted ones
// (region, language, topic), which the facet counts leave out one at a time.
type pgQuery struct {
	args []any
	// base holds the shared conditions, joined with AND.
	base []string
	// region, language and topic are the faceted conditions ("true" when
	// the filter has none).
	region, language, topic string
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
func newPGQuery(f Filter, fuzzy bool) *pgQuery {
	q := &pgQuery{region: "true", language: "true", topic: "true", rank: "0::real"}
	if !f.IncludeUnpublished {
		q.base = append(q.base, "e.review = 'published'")
	}
	q.base = append(q.base, "e.merged_into IS NULL")
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
	if len(f.Regions) > 0 {
		q.region = "e.region = ANY(" + q.arg(f.Regions) + ")"
	}
	if len(f.Languages) > 0 {
		q.language = "e.languages && " + q.arg(f.Languages) + "::text[]"
	}
	if len(f.Topics) > 0 {
		q.topic = "e.topics && " + q.arg(f.Topics) + "::text[]"
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
// one scan of the rows matching the shared conditions.
func (q *pgQuery) facetSQL() string {
	return `WITH base AS (
		SELECT e.region, e.languages, e.topics, ` + q.region + ` AS r_ok, ` + q.language + ` AS l_ok, ` + q.topic + ` AS t_ok
		FROM events e
		WHERE ` + strings.Join(q.base, " AND ") + `)
	SELECT 'total', '', count(*) FROM base WHERE r_ok AND l_ok AND t_ok
	UNION ALL
	SELECT 'matched', '', count(*) FROM base
	UNION ALL
	SELECT 'region', region, count(*) FROM base WHERE l_ok AND t_ok AND region IS NOT NULL GROUP BY region
	UNION ALL
	SELECT 'language', l, count(*) FROM base, unnest(base.languages) l WHERE r_ok AND t_ok GROUP BY l
	UNION ALL
	SELECT 'topic', t, count(*) FROM base, unnest(base.topics) t WHERE r_ok AND l_ok GROUP BY t`
}

// rowsSQL selects the facet fields of every event matching the shared
// conditions (the count cache counts them in memory).
func (q *pgQuery) rowsSQL() string {
	return `SELECT tp_event_end(e.start_at, e.end_at, e.all_day), coalesce(e.region, ''), e.languages, e.topics
		FROM events e WHERE ` + strings.Join(q.base, " AND ")
}

// pageSQL selects the next limit rows after c in order o: id, start, rank
// and when the event ends.
func (q *pgQuery) pageSQL(o Order, c *cursor, limit int) string {
	conds := append(append([]string{}, q.base...), q.region, q.language, q.topic)
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
