package calendar

import "github.com/treffpunkt/treffpunkt/internal/locale"

// uiText is a word of the public pages in lang (the message files of
// internal/locale).
func uiText(lang, key string) string { return locale.Get(lang).T(key) }
