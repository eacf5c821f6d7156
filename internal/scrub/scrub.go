// Package scrub removes personal identity codes, phone numbers, e-mail
// addresses and IBANs from free text. The feedback module scrubs
// anonymous text with it, the kernel every free text it seals (PRIV-2).
package scrub

import (
	"strings"
	"unicode"
	"unicode/utf8"
)

// Markers that stand in place of what scrubbing removes.
const (
	MarkIdentityCode = "[hetu]"
	MarkPhone        = "[puhelin]"
	MarkEmail        = "[sähköposti]"
	MarkIBAN         = "[tilinumero]"
)

// Scrub removes personal data from free text before it is stored (FB-2):
// Finnish personal identity codes (checksum-validated, every century sign
// in use: + - A B C D E F U V W X Y, in either case), phone numbers in
// Finnish and international forms, e-mail addresses and IBANs (mod-97
// validated). It returns the scrubbed text and how many things it
// removed; the original is never kept. Dates, times, amounts, postal
// codes and years are left alone. Invalid UTF-8 is replaced first.
func Scrub(text string) (string, int) {
	out, n, _ := scrub(text)
	return out, n
}

// scrub is Scrub that also counts the bytes its scanners looked at, so a
// test can tell linear work from quadratic without a clock.
func scrub(text string) (out string, n, steps int) {
	if !utf8.ValidString(text) {
		text = strings.ToValidUTF8(text, "\uFFFD")
	}
	// A replacement can set free a number that was glued to the one
	// replaced ("00100000(00)00000"), so scrub again until nothing is
	// found: scrubbed text never yields more.
	for round := 0; round < 8; round++ {
		c := 0
		for _, f := range finders {
			var k int
			text, k = scrubWith(text, f.find, f.mark, &steps)
			c += k
		}
		n += c
		if c == 0 {
			break
		}
	}
	return text, n, steps
}

// finders are the scanners in the order they run, with their markers.
var finders = []struct {
	find func(s string, i int) (end, reach int)
	mark string
}{
	{findEmail, MarkEmail}, {findIBAN, MarkIBAN}, {findIdentityCode, MarkIdentityCode}, {findPhone, MarkPhone},
}

// scrubWith replaces every match that find reports. find returns the end
// of a match starting at i, or -1, and how far it looked; steps adds up
// the bytes looked at.
func scrubWith(text string, find func(s string, i int) (end, reach int), mark string, steps *int) (string, int) {
	var b strings.Builder
	n, last := 0, 0
	for i := 0; i < len(text); {
		end, reach := find(text, i)
		*steps += max(reach-i, 1)
		if end > i {
			b.WriteString(text[last:i])
			b.WriteString(mark)
			n++
			i, last = end, end
			continue
		}
		_, size := utf8.DecodeRuneInString(text[i:])
		i += size
	}
	if n == 0 {
		return text, 0
	}
	b.WriteString(text[last:])
	return b.String(), n
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

func isAlnum(c byte) bool { return isDigit(c) || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

// identityCheck is the alphabet of the check character of a Finnish
// personal identity code, indexed by the number mod 31.
const identityCheck = "0123456789ABCDEFHJKLMNPRSTUVWXY"

// centurySigns are the century signs in use: + for the 1800s; - and
// U–Y for the 1900s; A–F for the 2000s (the 2023 reform added B–F, U–Y).
const centurySigns = "+-ABCDEFUVWXY"

// ValidIdentityCode reports whether s is a Finnish personal identity code
// with a valid date and check character, in either case.
func ValidIdentityCode(s string) bool {
	if len(s) != 11 {
		return false
	}
	for _, i := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9} {
		if !isDigit(s[i]) {
			return false
		}
	}
	if !strings.ContainsRune(centurySigns, unicode.ToUpper(rune(s[6]))) {
		return false
	}
	day := int(s[0]-'0')*10 + int(s[1]-'0')
	month := int(s[2]-'0')*10 + int(s[3]-'0')
	if day < 1 || day > 31 || month < 1 || month > 12 {
		return false
	}
	num := 0
	for _, i := range []int{0, 1, 2, 3, 4, 5, 7, 8, 9} {
		num = num*10 + int(s[i]-'0')
	}
	return identityCheck[num%31] == byte(unicode.ToUpper(rune(s[10])))
}

// findIdentityCode matches a valid identity code at i, wherever it stands:
// a code glued to other characters is still a code.
func findIdentityCode(s string, i int) (end, reach int) {
	if i+11 > len(s) || !isDigit(s[i]) {
		return -1, i + 1
	}
	if ValidIdentityCode(s[i : i+11]) {
		return i + 11, i + 11
	}
	return -1, i + 11
}

// findEmail matches local@domain.tld at i, starting at a word boundary.
func findEmail(s string, i int) (end, reach int) {
	if i > 0 && isEmailLocal(s[i-1]) {
		return -1, i + 1
	}
	j := i
	for j < len(s) && isEmailLocal(s[j]) {
		j++
	}
	if j == i || j >= len(s) || s[j] != '@' {
		return -1, j + 1
	}
	j++
	start, dots, lastDot := j, 0, j-2
	for j < len(s) && (isAlnum(s[j]) || s[j] == '-' || s[j] == '.' || s[j] >= 0x80) {
		if s[j] == '.' {
			if j == lastDot+1 || j == start {
				break
			}
			dots++
			lastDot = j
		}
		j++
	}
	// Trim a full stop that ends the sentence.
	for j > start && s[j-1] == '.' {
		j--
	}
	reach = j + 1
	dot := strings.LastIndexByte(s[start:j], '.')
	if dots < 1 || dot < 1 || j-(start+dot)-1 < 2 {
		return -1, reach
	}
	return j, reach
}

func isEmailLocal(c byte) bool {
	return isAlnum(c) || strings.IndexByte("._%+-'", c) >= 0
}

// findIBAN matches an IBAN at i: two letters, two check digits and 11–30
// letters or digits, optionally in groups separated by single spaces,
// whose mod-97 check holds.
func findIBAN(s string, i int) (end, reach int) {
	if i > 0 && isAlnum(s[i-1]) {
		return -1, i + 1
	}
	if i+4 > len(s) || !isLetter(s[i]) || !isLetter(s[i+1]) || !isDigit(s[i+2]) || !isDigit(s[i+3]) {
		return -1, i + 4
	}
	var compact []byte
	best := -1
	j := i
	for j < len(s) && len(compact) < 34 {
		c := s[j]
		if c == ' ' && j+1 < len(s) && isAlnum(s[j+1]) && j > i {
			j++
			continue
		}
		if !isAlnum(c) {
			break
		}
		compact = append(compact, byte(unicode.ToUpper(rune(c))))
		j++
		if len(compact) >= 15 && (j == len(s) || !isAlnum(s[j])) && ibanValid(compact) {
			best = j
		}
	}
	return best, j + 1
}

func isLetter(c byte) bool { return c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' }

func ibanValid(b []byte) bool {
	rot := append(append([]byte(nil), b[4:]...), b[:4]...)
	r := 0
	for _, c := range rot {
		switch {
		case isDigit(c):
			r = (r*10 + int(c-'0')) % 97
		case c >= 'A' && c <= 'Z':
			v := int(c-'A') + 10
			r = (r*100 + v) % 97
		default:
			return false
		}
	}
	return r == 1
}

// findPhone matches a phone number at i: at a word boundary, a + and a
// country code, 00 and a country code, 0 and a non-zero digit, or an area
// code in parentheses; then digits with single spaces or hyphens between
// groups; 7 to 15 digits in all, not followed by a letter or a decimal
// part. Domestic forms: 040 123 4567, 040-1234567, (09) 123 4567;
// international: +358 40 123 4567, 00358401234567, +46 70 123 45 67.
func findPhone(s string, i int) (end, reach int) {
	if i > 0 && (isAlnum(s[i-1]) || strings.IndexByte("+.,/:-", s[i-1]) >= 0) {
		return -1, i + 1
	}
	j := i
	switch {
	case s[j] == '+':
		if j+1 >= len(s) || !isDigit(s[j+1]) || s[j+1] == '0' {
			return -1, j + 3
		}
		j++
	case s[j] == '(':
		if j+2 >= len(s) || s[j+1] != '0' || !isDigit(s[j+2]) {
			return -1, j + 3
		}
	case s[j] == '0':
		if j+1 >= len(s) || !isDigit(s[j+1]) {
			return -1, j + 3
		}
		if s[j+1] == '0' && (j+2 >= len(s) || !isDigit(s[j+2]) || s[j+2] == '0') {
			return -1, j + 3
		}
	default:
		return -1, j + 1
	}
	// Scan the groups. A group that starts with 0 or + after seven digits
	// begins the next number; past 15 digits, the last whole group that
	// made a plausible number is the match.
	digits, end, paren, good := 0, -1, false, -1
scan:
	for j < len(s) {
		switch c := s[j]; {
		case isDigit(c):
			digits++
			if digits > 15 {
				break scan
			}
			end = j + 1
		case c == '(' && !paren && digits <= 4:
			paren = true
		case c == ')' && paren:
			paren = false
			end = j + 1
		case (c == ' ' || c == '-') && end == j && j+1 < len(s) && (isDigit(s[j+1]) || s[j+1] == '('):
			if digits >= 7 && !paren {
				good = j
				if s[j+1] == '0' {
					break scan
				}
			}
		default:
			break scan
		}
		j++
	}
	reach = j + 2 // phoneEnds looks two bytes on
	if digits >= 7 && digits <= 15 && !paren && end == j && phoneEnds(s, end) {
		return end, reach
	}
	if good > 0 && phoneEnds(s, good) {
		return good, reach
	}
	return -1, reach
}

// phoneEnds reports whether a number may end at end: not glued to a
// letter or digit, and not the whole part of a decimal number.
func phoneEnds(s string, end int) bool {
	if end >= len(s) {
		return true
	}
	next := s[end]
	return !isAlnum(next) && !((next == '.' || next == ',') && end+1 < len(s) && isDigit(s[end+1]))
}
