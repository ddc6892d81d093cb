// Package dedup decides whether two announcements from different sources are
// the same event, the same series on another date, or unrelated; merges the
// drafts of one event; expands explicit recurrences; and learns per-site
// boilerplate paragraphs.
//
// Everything here is pure and in memory: the store does the same blocking in
// SQL and calls Compare/BestMatch on the candidates it found, and Index does
// the blocking itself for incremental matching and the benchmarks.
//
// How a pair is judged (see compare.go, thresholds and the figures they give
// on testdata/pairs.json are in README.md):
//
//  1. Hard rules. Different start days are never Same, unless one record is
//     a multi-day event of at most MaxSpanDays whose span contains the
//     other's start day; start times more than an hour apart are never Same;
//     both on site with different cities, postal codes or regions are never
//     Same; a title that shares almost nothing with the other one is never
//     Same unless the description is largely the same text.
//  2. Score. Title (token set and character trigrams after removing dates,
//     times, stop words, the record's own city; abbreviations and synonyms
//     from aliases.txt as their canonical word; generic words such as
//     "Workshop" down-weighted; the other text's words count only for titles
//     that share a word or a compound part), start time, place and organiser
//     give a base score; description shingles can only raise it, because
//     re-posts are usually reworded.
//  3. Series. When the hard rules forbid Same, the same organiser with a
//     near-identical title (or a shared description and a related title) is a
//     SeriesSibling: its own event, linked by SeriesKey.
package dedup
