package feedback

import (
	"strconv"
	"unicode/utf8"

	p "github.com/osallisuus/osallisuus/participation"
)

// The two events that come by the million encode themselves: reflection
// in encoding/json was a tenth of a submission's cost. Tests check that
// encoding/json decodes these bytes into the same values.

// AppendJSON implements participation.JSONAppender.
func (s Submitted) AppendJSON(b []byte) []byte {
	b = append(b, '{')
	if !s.Item.IsZero() {
		b = append(b, `"item":"`...)
		b = append(b, s.Item.String()...)
		b = append(b, `",`...)
	}
	b = append(b, `"channel":`...)
	b = appendJSONString(b, string(s.Channel))
	b = append(b, `,"service":`...)
	b = appendJSONString(b, s.Service)
	if len(s.Themes) > 0 {
		b = append(b, `,"themes":[`...)
		for i, t := range s.Themes {
			if i > 0 {
				b = append(b, ',')
			}
			b = appendJSONString(b, t)
		}
		b = append(b, ']')
	}
	if s.Rating != 0 {
		b = append(b, `,"rating":`...)
		b = strconv.AppendInt(b, int64(s.Rating), 10)
	}
	if s.Text != "" {
		b = append(b, `,"text":`...)
		b = appendJSONString(b, s.Text)
	}
	if s.Redactions != 0 {
		b = append(b, `,"redactions":`...)
		b = strconv.AppendInt(b, int64(s.Redactions), 10)
	}
	if s.Receipt != "" {
		b = append(b, `,"receipt":`...)
		b = appendJSONString(b, s.Receipt)
	}
	if !s.Contribution.IsZero() {
		b = append(b, `,"contribution":"`...)
		b = append(b, s.Contribution.String()...)
		b = append(b, '"')
	}
	return append(b, '}')
}

// AppendJSON implements participation.JSONAppender.
func (e Pressed) AppendJSON(b []byte) []byte {
	b = append(b, `{"device":"`...)
	b = append(b, e.Device.String()...)
	b = append(b, `","service":`...)
	b = appendJSONString(b, e.Service)
	b = append(b, `,"presses":[`...)
	for i, pr := range e.Presses {
		if i > 0 {
			b = append(b, ',')
		}
		b = append(b, `{"h":`...)
		b = strconv.AppendUint(b, uint64(pr.H), 10)
		if pr.R != 0 {
			b = append(b, `,"r":`...)
			b = strconv.AppendInt(b, int64(pr.R), 10)
		}
		if pr.A != 0 {
			b = append(b, `,"a":`...)
			b = strconv.AppendInt(b, int64(pr.A), 10)
		}
		if pr.F {
			b = append(b, `,"f":true`...)
		}
		b = append(b, '}')
	}
	return append(b, "]}"...)
}

// appendJSONString appends s as a JSON string. Invalid UTF-8 becomes
// U+FFFD, as encoding/json does.
func appendJSONString(b []byte, s string) []byte {
	b = append(b, '"')
	for i := 0; i < len(s); {
		c := s[i]
		if c < utf8.RuneSelf {
			switch {
			case c == '"' || c == '\\':
				b = append(b, '\\', c)
			case c < 0x20:
				b = append(b, `\u00`...)
				b = append(b, "0123456789abcdef"[c>>4], "0123456789abcdef"[c&0xf])
			default:
				b = append(b, c)
			}
			i++
			continue
		}
		r, size := utf8.DecodeRuneInString(s[i:])
		if r == utf8.RuneError && size == 1 {
			b = append(b, `\ufffd`...)
		} else if r == '\u2028' || r == '\u2029' {
			b = append(b, `\u202`...)
			b = append(b, "0123456789abcdef"[r&0xf])
		} else {
			b = append(b, s[i:i+size]...)
		}
		i += size
	}
	return append(b, '"')
}

var (
	_ p.JSONAppender = Submitted{}
	_ p.JSONAppender = Pressed{}
)
