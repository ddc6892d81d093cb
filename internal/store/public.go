package store

// PublicSQL is the condition "publicly visible" on the events alias e:
// tp_public (migration 00092) is the one SQL definition, used by every
// public query. It is inlined, so the partial indexes still apply.
const PublicSQL = "tp_public(e.review, e.merged_into)"

// Public reports whether an event is publicly visible, as tp_public says
// (for events already loaded: the search index may lag the database).
func (e Event) Public() bool { return e.Review == "published" && e.MergedInto == nil }
