package locale

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
)

// raw reads a language's message file as it is written: each key a string
// or an object of plural forms.
func raw(code string) (map[string]json.RawMessage, error) {
	b, err := files.ReadFile("messages/" + code + ".json")
	if err != nil {
		return nil, fmt.Errorf("locale %s: %w", code, err)
	}
	var m map[string]json.RawMessage
	if err := json.Unmarshal(b, &m); err != nil {
		return nil, fmt.Errorf("locale %s: %w", code, err)
	}
	return m, nil
}

// Keys returns the message keys of a language's file, sorted.
func Keys(code string) ([]string, error) {
	m, err := raw(code)
	if err != nil {
		return nil, err
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	slices.Sort(keys)
	return keys, nil
}

// pluralKeys returns the keys written with plural forms.
func pluralKeys(code string) (map[string]bool, error) {
	m, err := raw(code)
	if err != nil {
		return nil, err
	}
	out := map[string]bool{}
	for k, v := range m {
		if len(v) > 0 && v[0] == '{' {
			out[k] = true
		}
	}
	return out, nil
}

// PluralForms returns, per plural key of a language's file, the forms
// written and the forms CLDR says the language needs.
func PluralForms(code string) (written, needed map[string][]string, err error) {
	m, err := raw(code)
	if err != nil {
		return nil, nil, err
	}
	var need []string // CLDR's cardinal plural categories of the language
	for _, f := range Get(code).dates.PluralsCardinal() {
		need = append(need, strings.ToLower(f.String()))
	}
	slices.Sort(need)
	written, needed = map[string][]string{}, map[string][]string{}
	for k, v := range m {
		if len(v) == 0 || v[0] != '{' {
			continue
		}
		var forms map[string]string
		if err := json.Unmarshal(v, &forms); err != nil {
			return nil, nil, fmt.Errorf("locale %s: %s: %w", code, k, err)
		}
		for f := range forms {
			written[k] = append(written[k], f)
		}
		slices.Sort(written[k])
		needed[k] = need
	}
	return written, needed, nil
}
