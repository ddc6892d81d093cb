package calendar

import (
	"bufio"
	"slices"
	"unicode/utf8"

	ics "github.com/arran4/golang-ical"
)

// propWriter writes properties byte for byte as the library's
// BaseProperty.SerializeTo does with icsConfig, into one reused buffer.
// The library builds a string per property and another per folded line:
// in a feed of 10,000 events that is over 300,000 allocations.
// TestPropWriterMatchesLibrary keeps the two identical.
type propWriter struct {
	buf  []byte
	keys []string
}

// vevent writes one VEVENT with the given properties.
func (pw *propWriter) vevent(w *bufio.Writer, props []ics.IANAProperty) error {
	w.WriteString("BEGIN:VEVENT\r\n")
	for i := range props {
		pw.prop(w, &props[i].BaseProperty)
	}
	_, err := w.WriteString("END:VEVENT\r\n")
	return err
}

// prop writes one property, folded to icsConfig.MaxLength octets.
func (pw *propWriter) prop(w *bufio.Writer, p *ics.BaseProperty) {
	b := append(pw.buf[:0], p.IANAToken...)
	pw.keys = pw.keys[:0]
	for k := range p.ICalParameters {
		pw.keys = append(pw.keys, k)
	}
	slices.Sort(pw.keys)
	for _, k := range pw.keys {
		b = append(b, ';')
		b = append(b, k...)
		b = append(b, '=')
		for i, v := range p.ICalParameters[k] {
			if i > 0 {
				b = append(b, ',')
			}
			if ics.Parameter(k).IsQuoted() {
				b = append(b, '"')
				b = appendEscaped(b, v, `"\`)
				b = append(b, '"')
			} else {
				b = appendEscaped(b, v, `,";:\'`)
			}
		}
	}
	b = append(b, ':')
	if p.GetValueType() == ics.ValueDataTypeText {
		b = appendText(b, p.Value)
	} else {
		b = append(b, p.Value...)
	}
	pw.buf = b
	max := icsConfig.MaxLength
	if len(b) > max {
		l := foldAt(max, b)
		w.Write(b[:l])
		w.WriteString("\r\n")
		b = b[l:]
		for len(b) > max-1 {
			l := foldAt(max-1, b)
			w.WriteByte(' ')
			w.Write(b[:l])
			w.WriteString("\r\n")
			b = b[l:]
		}
		w.WriteByte(' ')
	}
	w.Write(b)
	w.WriteString("\r\n")
}

// appendEscaped appends s with a backslash before each byte in special
// (all ASCII).
func appendEscaped(b []byte, s, special string) []byte {
	for i := 0; i < len(s); i++ {
		for j := 0; j < len(special); j++ {
			if s[i] == special[j] {
				b = append(b, '\\')
				break
			}
		}
		b = append(b, s[i])
	}
	return b
}

// appendText appends s escaped as ics.ToText does: \\, \n, \; and \,.
func appendText(b []byte, s string) []byte {
	for i := 0; i < len(s); i++ {
		switch c := s[i]; c {
		case '\\', ';', ',':
			b = append(b, '\\', c)
		case '\n':
			b = append(b, '\\', 'n')
		default:
			b = append(b, c)
		}
	}
	return b
}

// foldAt is the library's trimUT8StringUpTo: the length of the first line
// of at most max bytes, ending before the last space or '<' in it, or
// after the character following a '>', when there is one past the start.
func foldAt(max int, s []byte) int {
	length, boundary := 0, -1
	var last rune
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRune(s[i:])
		if r == ' ' || r == '<' {
			boundary = i
		} else if last == '>' {
			boundary = i
		}
		last = r
		if length+utf8.RuneLen(r) > max {
			break
		}
		length += utf8.RuneLen(r)
		i += size
	}
	if boundary > 0 {
		return boundary
	}
	return length
}
