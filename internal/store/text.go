package store

import (
	"strings"

	"github.com/treffpunkt/treffpunkt/internal/event"
)

// validText makes s storable: PostgreSQL refuses invalid UTF-8 (a page
// with stray 0xFF bytes) and NUL characters in text and JSONB, which lost
// the whole event with a database error. Invalid bytes become U+FFFD.
func validText(s string) string {
	if strings.IndexByte(s, 0) >= 0 {
		s = strings.ReplaceAll(s, "\x00", "")
	}
	return strings.ToValidUTF8(s, "\uFFFD")
}

func validTexts(list []string) []string {
	if list == nil {
		return nil
	}
	out := make([]string, len(list))
	for i, s := range list {
		out[i] = validText(s)
	}
	return out
}

// validDraft is d with every text field storable (see validText).
func validDraft(d event.Draft) event.Draft {
	d.Title, d.Description, d.DescriptionHTML = validText(d.Title), validText(d.Description), validText(d.DescriptionHTML)
	p := &d.Place
	p.Venue, p.Street, p.PostalCode, p.City, p.Region = validText(p.Venue), validText(p.Street), validText(p.PostalCode), validText(p.City), validText(p.Region)
	d.Recurrence, d.Organizer = validText(d.Recurrence), validText(d.Organizer)
	d.Languages, d.Topics = validTexts(d.Languages), validTexts(d.Topics)
	d.Contact.Names, d.Contact.Emails, d.Contact.Phones = validTexts(d.Contact.Names), validTexts(d.Contact.Emails), validTexts(d.Contact.Phones)
	d.Audience, d.Accessibility, d.Warnings = validTexts(d.Audience), validTexts(d.Accessibility), validTexts(d.Warnings)
	return d
}
