package store

// SearchWhere is the shared conditions of a search and their arguments.
func SearchWhere(s SearchSpec) (string, []any) {
	q := newSearchQuery(s)
	return q.where(), q.args
}
