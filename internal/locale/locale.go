// Package locale holds the public UI's languages: the message files (one
// per language, go-i18n JSON with CLDR plural forms), the writing direction,
// the choice of language from ?lang= and Accept-Language, and dates and
// times formatted from CLDR data (go-playground/locales, generated from
// CLDR; no hand-made month tables).
//
// Event content is not translated: it stays in the language it was
// written in. Only the words around it are.
package locale

import (
	"embed"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/go-playground/locales"
	"github.com/go-playground/locales/ar"
	"github.com/go-playground/locales/de"
	"github.com/go-playground/locales/en_GB"
	"github.com/go-playground/locales/fa"
	"github.com/go-playground/locales/ru"
	"github.com/go-playground/locales/tr"
	"github.com/go-playground/locales/uk"
	"github.com/go-playground/locales/vi"
	"github.com/nicksnyder/go-i18n/v2/i18n"
	"golang.org/x/text/language"
)

//go:embed messages/*.json
var files embed.FS

// Locale is one language of the UI.
type Locale struct {
	Code string // BCP 47: de, en, ar, …
	Name string // the language's name in itself, for the switcher
	RTL  bool   // written right to left (ar, fa)

	text  map[string]string // messages without plural forms, resolved once
	loc   *i18n.Localizer
	dates locales.Translator
}

// Default is the language of a visitor who asks for none we speak.
const Default = "de"

var all = []*Locale{
	{Code: "de", Name: "Deutsch", dates: de.New()},
	{Code: "en", Name: "English", dates: en_GB.New()},
	{Code: "ar", Name: "العربية", RTL: true, dates: ar.New()},
	{Code: "uk", Name: "Українська", dates: uk.New()},
	{Code: "ru", Name: "Русский", dates: ru.New()},
	{Code: "fa", Name: "فارسی", RTL: true, dates: fa.New()},
	{Code: "tr", Name: "Türkçe", dates: tr.New()},
	{Code: "vi", Name: "Tiếng Việt", dates: vi.New()},
}

var (
	byCode  = map[string]*Locale{}
	matcher language.Matcher
	bundle  *i18n.Bundle
)

func init() {
	if err := load(); err != nil {
		panic(err) // the files are embedded: a broken one fails every test at once
	}
}

func load() error {
	bundle = i18n.NewBundle(language.German)
	bundle.RegisterUnmarshalFunc("json", json.Unmarshal)
	tags := make([]language.Tag, len(all))
	for i, l := range all {
		tags[i] = language.MustParse(l.Code)
		if _, err := bundle.LoadMessageFileFS(files, "messages/"+l.Code+".json"); err != nil {
			return fmt.Errorf("locale: %w", err)
		}
		byCode[l.Code] = l
	}
	matcher = language.NewMatcher(tags)
	keys, err := Keys(Default)
	if err != nil {
		return err
	}
	for _, l := range all {
		l.loc = i18n.NewLocalizer(bundle, l.Code)
		l.text = map[string]string{}
		plural, err := pluralKeys(l.Code)
		if err != nil {
			return err
		}
		for _, k := range keys {
			if plural[k] {
				continue
			}
			s, err := l.loc.Localize(&i18n.LocalizeConfig{MessageID: k})
			if err != nil {
				return fmt.Errorf("locale %s: %w", l.Code, err)
			}
			l.text[k] = s
		}
	}
	return nil
}

// All returns the languages in the switcher's order (German first).
func All() []*Locale { return all }

// Get returns the language with code, or German.
func Get(code string) *Locale {
	if l, ok := byCode[code]; ok {
		return l
	}
	return byCode[Default]
}

// Supported reports whether code is one of ours.
func Supported(code string) bool {
	_, ok := byCode[code]
	return ok
}

// Choose picks the language of a request: ?lang= when it names one of ours
// (or a regional variant: "ar-SY"), else the best of Accept-Language, else
// German.
func Choose(query, acceptLanguage string) string {
	if query != "" {
		if base, _, _ := strings.Cut(strings.ToLower(query), "-"); Supported(base) {
			return base
		}
	}
	if len(acceptLanguage) > 512 { // a header this long is no browser's
		return Default
	}
	tags, _, err := language.ParseAcceptLanguage(acceptLanguage)
	if err != nil || len(tags) == 0 {
		return Default
	}
	_, i, conf := matcher.Match(tags...)
	if conf == language.No {
		return Default
	}
	return all[i].Code
}

// Dir is the writing direction for the html dir attribute.
func (l *Locale) Dir() string {
	if l.RTL {
		return "rtl"
	}
	return "ltr"
}

// T returns the message key (the key itself when missing, so a forgotten
// text shows up in review rather than as an empty label; the key test
// keeps that from shipping).
func (l *Locale) T(key string) string {
	if s, ok := l.text[key]; ok {
		return s
	}
	return key
}

// N returns the message key for a count, in the plural form the
// language's CLDR rules choose for it (Arabic has six).
func (l *Locale) N(key string, n int) string {
	s, err := l.loc.Localize(&i18n.LocalizeConfig{MessageID: key, PluralCount: n, TemplateData: map[string]any{"Count": n}})
	if err != nil {
		return fmt.Sprintf("%d %s", n, key)
	}
	return s
}

// Day is a date in the language's full form: weekday, day, month, year.
func (l *Locale) Day(t time.Time) string { return l.dates.FmtDateFull(t) }

// Date is a date in the language's long form, without the weekday.
func (l *Locale) Date(t time.Time) string { return l.dates.FmtDateLong(t) }

// Time is a time of day in the language's short form.
func (l *Locale) Time(t time.Time) string { return l.dates.FmtTimeShort(t) }

// Messages returns the messages whose keys start with prefix, without the
// prefix: the widget's words, sent to the browser.
func (l *Locale) Messages(prefix string) map[string]string {
	out := map[string]string{}
	for k, v := range l.text {
		if strings.HasPrefix(k, prefix) {
			out[strings.TrimPrefix(k, prefix)] = v
		}
	}
	return out
}
