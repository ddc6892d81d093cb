package dedup

import (
	"cmp"
	"maps"
	"slices"
	"time"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// Merge combines the drafts of one event announced by several sources into
// the canonical draft. Records are ranked: the organiser's own site first,
// then the most complete item, then by source, URL and id so the result does
// not depend on the order of rs. Each field is taken from the best-ranked
// record that has it; list fields are united. Keeping every source link is
// the caller's job: Merge only builds the fields.
func Merge(rs []Record) event.Draft {
	if len(rs) == 0 {
		return event.Draft{}
	}
	ranked := slices.Clone(rs)
	settleOwnSites(ranked)
	slices.SortStableFunc(ranked, rankRecords)
	out := cloneDraft(ranked[0].Draft)
	rest := ranked[1:]
	for _, r := range rest {
		fillDraft(&out, r.Draft)
	}
	mergeTime(&out, rest)
	mergePlace(&out, rest)
	mergeStatus(&out, ranked)
	for _, r := range rest {
		d := r.Draft
		out.Languages = union(out.Languages, d.Languages)
		out.Topics = union(out.Topics, d.Topics)
		out.Audience = union(out.Audience, d.Audience)
		out.Accessibility = union(out.Accessibility, d.Accessibility)
		out.Warnings = union(out.Warnings, d.Warnings)
		out.Contact.Names = union(out.Contact.Names, d.Contact.Names)
		out.Contact.Emails = union(out.Contact.Emails, d.Contact.Emails)
		out.Contact.Phones = union(out.Contact.Phones, d.Contact.Phones)
		for k, v := range d.Confidence {
			if _, ok := out.Confidence[k]; !ok {
				if out.Confidence == nil {
					out.Confidence = map[string]float64{}
				}
				out.Confidence[k] = v
			}
		}
	}
	return out
}

// settleOwnSites withdraws the own-site claim of records whose organiser
// the others contradict. A calendar that re-posts other people's events
// and states itself as their organiser looks like the organiser's own site
// to the pipeline ("Antidiskriminierungsbüro Sachsen" on a DSM panel whose
// text says "Der DSM diskutiert"). When claimants name different
// organisers, the one most records support (by stating it or naming it in
// their text) keeps its claim; a tie changes nothing.
func settleOwnSites(rs []Record) {
	var claimants []int
	for i, r := range rs {
		if r.OwnSite {
			claimants = append(claimants, i)
		}
	}
	if len(claimants) < 2 {
		return
	}
	fs := make([]*features, len(rs))
	for i, r := range rs {
		fs[i] = prepare(r)
	}
	support := func(c *features) int {
		n := 0
		for _, f := range fs {
			if (c.org != "" && f.org == c.org) || namedIn(c, f) {
				n++
			}
		}
		return n
	}
	best, top, tie := "", -1, false
	seen := map[string]bool{}
	for _, i := range claimants {
		c := fs[i]
		if seen[c.org] {
			continue
		}
		seen[c.org] = true
		switch n := support(c); {
		case n > top:
			best, top, tie = c.org, n, false
		case n == top:
			tie = true
		}
	}
	if tie || len(seen) < 2 {
		return
	}
	for _, i := range claimants {
		if fs[i].org != best {
			rs[i].OwnSite = false
		}
	}
}

// rankRecords orders records for merging: own site, completeness, then
// identity so equal records still sort the same way every time.
func rankRecords(a, b Record) int {
	if a.OwnSite != b.OwnSite {
		if a.OwnSite {
			return -1
		}
		return 1
	}
	if c := cmp.Compare(completeness(b.Draft), completeness(a.Draft)); c != 0 {
		return c
	}
	return cmp.Or(
		cmp.Compare(a.SourceID, b.SourceID),
		cmp.Compare(a.URL, b.URL),
		cmp.Compare(a.ID, b.ID),
		cmp.Compare(a.Draft.Title, b.Draft.Title),
	)
}

// completeness counts the fields a draft fills; a long description counts
// twice because it is what readers need most.
func completeness(d event.Draft) int {
	n := 0
	count := func(ok bool) {
		if ok {
			n++
		}
	}
	count(d.Title != "")
	count(d.Description != "")
	count(len(d.Description) > 200)
	count(!d.AllDay)
	count(!d.End.IsZero())
	count(d.Online != "")
	count(d.Place.Venue != "")
	count(d.Place.Street != "")
	count(d.Place.PostalCode != "")
	count(d.Place.City != "")
	count(d.Place.Lat != nil && d.Place.Lon != nil)
	count(len(d.Languages) > 0)
	count(len(d.Topics) > 0)
	count(d.RegistrationRequired != nil)
	count(!d.RegistrationDeadline.IsZero())
	count(d.CostFree != nil)
	count(d.Organizer != "")
	count(len(d.Contact.Names)+len(d.Contact.Emails)+len(d.Contact.Phones) > 0)
	count(len(d.Audience) > 0)
	return n
}

// fillDraft sets scalar fields of out that are empty from d.
func fillDraft(out *event.Draft, d event.Draft) {
	if out.Title == "" {
		out.Title = d.Title
	}
	if out.Description == "" && d.Description != "" {
		out.Description, out.DescriptionHTML = d.Description, d.DescriptionHTML
	}
	if out.Online == "" {
		out.Online = d.Online
	}
	if out.Recurrence == "" {
		out.Recurrence = d.Recurrence
	}
	if out.RegistrationRequired == nil && d.RegistrationRequired != nil {
		v := *d.RegistrationRequired
		out.RegistrationRequired = &v
	}
	if out.RegistrationDeadline.IsZero() {
		out.RegistrationDeadline = d.RegistrationDeadline
	}
	if out.CostFree == nil && d.CostFree != nil {
		v := *d.CostFree
		out.CostFree = &v
	}
	if out.DoorsOpen.IsZero() {
		out.DoorsOpen = d.DoorsOpen
	}
	if out.Organizer == "" {
		out.Organizer = d.Organizer
	}
}

// mergeTime: when the winner only knows the day, a record that knows the
// time of that day supplies it (and its end).
func mergeTime(out *event.Draft, rest []Record) {
	for _, r := range rest {
		d := r.Draft
		if out.AllDay && !d.AllDay && !d.Start.IsZero() && sameDay(out.Start, d.Start) && !multiDayDraft(*out) {
			out.Start, out.AllDay = d.Start, false
			if !d.End.IsZero() {
				out.End = d.End
			} else {
				out.End = time.Time{}
			}
		}
	}
	for _, r := range rest {
		d := r.Draft
		if out.End.IsZero() && !d.End.IsZero() && d.AllDay == out.AllDay && d.End.After(out.Start) {
			out.End = d.End
		}
	}
}

// mergePlace fills empty place fields from records in the same city (or
// without a city): a venue from Dresden must not land in a Leipzig address.
func mergePlace(out *event.Draft, rest []Record) {
	for _, r := range rest {
		p := r.Draft.Place
		if out.Place.City != "" && p.City != "" && !sameCity(fold(out.Place.City), fold(p.City)) {
			continue
		}
		o := &out.Place
		if o.Venue == "" {
			o.Venue = p.Venue
		}
		if o.Street == "" {
			o.Street = p.Street
		}
		if o.PostalCode == "" {
			o.PostalCode = p.PostalCode
		}
		if o.City == "" {
			o.City = p.City
		}
		if o.Region == "" {
			o.Region = p.Region
		}
		if o.Lat == nil && o.Lon == nil && p.Lat != nil && p.Lon != nil {
			lat, lon := *p.Lat, *p.Lon
			o.Lat, o.Lon = &lat, &lon
		}
	}
}

// mergeStatus keeps the winner's status, except that a cancellation or
// postponement reported by anyone overrides "scheduled" when the organiser's
// own site is not among the sources: better to warn than to send people to
// a cancelled event. The own site's word is final.
func mergeStatus(out *event.Draft, ranked []Record) {
	if ranked[0].OwnSite {
		return
	}
	for _, r := range ranked {
		if s := r.Draft.Status; s == event.StatusCancelled || s == event.StatusPostponed {
			if out.Status != s {
				out.Status = s
				out.Warnings = union(out.Warnings, []string{"status " + string(s) + " from " + r.SourceID})
			}
			return
		}
	}
	if out.Status == "" {
		for _, r := range ranked {
			if r.Draft.Status != "" {
				out.Status = r.Draft.Status
				return
			}
		}
	}
}

func multiDayDraft(d event.Draft) bool {
	return !d.End.IsZero() && !sameDay(d.Start, d.End)
}

func sameDay(a, b time.Time) bool {
	return civilDay(a.In(event.Berlin)) == civilDay(b.In(event.Berlin))
}

// union returns the sorted, de-duplicated union of a and b (nil when both
// are empty, so a merged draft serialises like a single one).
func union(a, b []string) []string {
	if len(a) == 0 && len(b) == 0 {
		return a
	}
	out := make([]string, 0, len(a)+len(b))
	out = append(out, a...)
	out = append(out, b...)
	slices.Sort(out)
	return slices.Compact(out)
}

// cloneDraft deep-copies the slices, maps and pointers of d so the merged
// draft shares nothing with the inputs.
func cloneDraft(d event.Draft) event.Draft {
	d.Languages = slices.Clone(d.Languages)
	d.Topics = slices.Clone(d.Topics)
	d.Audience = slices.Clone(d.Audience)
	d.Accessibility = slices.Clone(d.Accessibility)
	d.Warnings = slices.Clone(d.Warnings)
	d.Contact.Names = slices.Clone(d.Contact.Names)
	d.Contact.Emails = slices.Clone(d.Contact.Emails)
	d.Contact.Phones = slices.Clone(d.Contact.Phones)
	d.Confidence = maps.Clone(d.Confidence)
	if d.RegistrationRequired != nil {
		v := *d.RegistrationRequired
		d.RegistrationRequired = &v
	}
	if d.CostFree != nil {
		v := *d.CostFree
		d.CostFree = &v
	}
	if d.Place.Lat != nil {
		v := *d.Place.Lat
		d.Place.Lat = &v
	}
	if d.Place.Lon != nil {
		v := *d.Place.Lon
		d.Place.Lon = &v
	}
	return d
}
