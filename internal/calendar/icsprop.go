package calendar

import (
	"strconv"
	"time"
	"unicode/utf8"
	"unsafe"
)

// The VEVENTs of a feed are encoded here straight into one reused buffer,
// byte for byte as arran4/golang-ical serialises the same properties with
// icsConfig (TestEncoderMatchesLibrary compares the two). The library
// builds a map per property, a string per property and another per folded
// line: in a feed of 10,000 events that was most of the writing time.

// foldMax is the longest content line in octets (RFC 5545 3.1).
const foldMax = 75

// textClass sorts the bytes of a TEXT value: 0 copied as is, 1 escaped
// with a backslash (\ ; ,), 2 a line feed (escaped as \n), 3 a control
// character or 0xC2, which may lead a C1 control (U+0080–U+009F).
var textClass = func() (t [256]uint8) {
	for c := 0; c < 0x20; c++ {
		t[c] = 3
	}
	t[0x7f], t[0xc2] = 3, 3
	t['\\'], t[';'], t[','] = 1, 1, 1
	t['\n'] = 2
	return t
}()

// appendText appends s as a TEXT value: cleaned as icsText does (valid
// UTF-8, no control characters but LF) and escaped as ics.ToText does
// (\\, \n, \; and \,). Clean text, nearly all of it, is copied in runs
// without allocating.
func appendText(b []byte, s string) []byte {
	if !utf8.ValidString(s) || hasControl(s) {
		s = icsText(s)
	}
	return appendEscaped(b, s)
}

// hasControl reports whether s holds a character icsText would change
// (class 3 of textClass; U+00A0–U+00BF start with 0xc2 too and are kept).
func hasControl(s string) bool {
	for i := 0; i < len(s); i++ {
		if textClass[s[i]] == 3 && !(s[i] == 0xc2 && i+1 < len(s) && s[i+1] >= 0xa0) {
			return true
		}
	}
	return false
}

// appendEscaped escapes text that icsText has already cleaned.
func appendEscaped(b []byte, s string) []byte {
	last := 0
	for i := 0; i < len(s); i++ {
		switch textClass[s[i]] {
		case 1:
			b = append(b, s[last:i]...)
			b = append(b, '\\', s[i])
		case 2:
			b = append(b, s[last:i]...)
			b = append(b, '\\', 'n')
		default:
			continue
		}
		last = i + 1
	}
	return append(b, s[last:]...)
}

// appendFolded appends one content line with its CRLF, folded as the
// library folds: lines of at most foldMax octets, continuation lines
// starting with a space.
func appendFolded(b, line []byte) []byte {
	if len(line) > foldMax {
		n := foldAt(foldMax, line)
		b = append(b, line[:n]...)
		b = append(b, '\r', '\n')
		line = line[n:]
		for len(line) > foldMax-1 {
			n := foldAt(foldMax-1, line)
			b = append(b, ' ')
			b = append(b, line[:n]...)
			b = append(b, '\r', '\n')
			line = line[n:]
		}
		b = append(b, ' ')
	}
	b = append(b, line...)
	return append(b, '\r', '\n')
}

// foldAt is the library's trimUT8StringUpTo: the length of the first line
// of at most max bytes, ending before the last space or '<' in it, or
// after the character following a '>', when there is one past the start;
// never inside a UTF-8 sequence. ASCII is taken a byte at a time without
// decoding.
func foldAt(max int, s []byte) int {
	length, boundary := 0, -1
	var last byte // the previous character if ASCII; only '>' matters
	for i := 0; i < len(s); {
		c, size, n := s[i], 1, 1
		if c >= utf8.RuneSelf {
			r, sz := utf8.DecodeRune(s[i:])
			// RuneLen, not the size: an invalid byte counts as the
			// three of U+FFFD, as in the library.
			size, n, c = sz, utf8.RuneLen(r), 0
		}
		if c == ' ' || c == '<' || last == '>' {
			boundary = i
		}
		last = c
		if length+n > max {
			break
		}
		length += n
		i += size
	}
	if boundary > 0 {
		return boundary
	}
	return length
}

// appendStamp appends t in UTC as a DATE-TIME (20060102T150405Z).
func appendStamp(b []byte, t time.Time) []byte {
	return append(appendDate(b, t.UTC(), true), 'Z')
}

// appendDate appends t's wall clock as an iCalendar DATE (20060102) or,
// with clock, a DATE-TIME without zone (20060102T150405): what t.Format
// does for these layouts at a fraction of the cost, which counts 30,000
// times in a feed of 10,000 events.
func appendDate(b []byte, t time.Time, clock bool) []byte {
	y, m, d := t.Date()
	b = appendDigits(b, y, 4)
	b = appendDigits(b, int(m), 2)
	b = appendDigits(b, d, 2)
	if !clock {
		return b
	}
	hh, mm, ss := t.Clock()
	b = append(b, 'T')
	b = appendDigits(b, hh, 2)
	b = appendDigits(b, mm, 2)
	return appendDigits(b, ss, 2)
}

func appendDigits(b []byte, v, n int) []byte {
	var d [4]byte
	for j := n - 1; j >= 0; j-- {
		d[j] = byte('0' + v%10)
		v /= 10
	}
	return append(b, d[:n]...)
}

// propEncoder encodes the properties of one component into out. line and
// val are scratch space reused for every property: the unfolded content
// line and a value assembled from parts.
type propEncoder struct {
	out, line, val []byte
}

// raw adds a property whose value needs no escaping (dates, numbers,
// URIs, recurrence rules). name may carry parameters ("DTSTART;VALUE=DATE").
func (pe *propEncoder) raw(name, value string) {
	l := append(pe.line[:0], name...)
	l = append(l, ':')
	l = append(l, value...)
	pe.end(l)
}

// text adds a TEXT property: value is cleaned and escaped.
func (pe *propEncoder) text(name, value string) {
	l := append(pe.line[:0], name...)
	l = append(l, ':')
	pe.end(appendText(l, value))
}

// textVal adds a TEXT property with the value assembled in pe.val; with
// optional, none when the cleaned value is empty.
func (pe *propEncoder) textVal(name string, optional bool) {
	l := append(pe.line[:0], name...)
	l = append(l, ':')
	n := len(l)
	// The value is only read while the line is built; pe.val is not
	// touched meanwhile, so viewing it as a string without a copy is safe.
	l = appendText(l, unsafe.String(unsafe.SliceData(pe.val), len(pe.val)))
	if optional && len(l) == n {
		pe.line = l
		return
	}
	pe.end(l)
}

// stamp adds a property with a UTC DATE-TIME.
func (pe *propEncoder) stamp(name string, t time.Time) {
	l := append(pe.line[:0], name...)
	l = append(l, ':')
	pe.end(appendStamp(l, t))
}

// date adds a DATE (clock false) or local DATE-TIME property.
func (pe *propEncoder) date(name string, t time.Time, clock bool) {
	l := append(pe.line[:0], name...)
	l = append(l, ':')
	pe.end(appendDate(l, t, clock))
}

// int adds an INTEGER property.
func (pe *propEncoder) int(name string, v int) {
	l := append(pe.line[:0], name...)
	l = append(l, ':')
	pe.end(strconv.AppendInt(l, int64(v), 10))
}

// eventURL adds the URL of an event's page: base followed by its id.
func (pe *propEncoder) eventURL(base string, id int64) {
	l := append(pe.line[:0], "URL:"...)
	l = append(l, base...)
	pe.end(strconv.AppendInt(l, id, 10))
}

// geo adds a GEO property.
func (pe *propEncoder) geo(lat, lon float64) {
	l := append(pe.line[:0], "GEO:"...)
	l = strconv.AppendFloat(l, lat, 'f', 6, 64)
	l = append(l, ';')
	pe.end(strconv.AppendFloat(l, lon, 'f', 6, 64))
}

func (pe *propEncoder) end(l []byte) {
	pe.line = l
	pe.out = appendFolded(pe.out, l)
}
