package feedback

import "github.com/osallisuus/osallisuus/internal/scrub"

// Markers that stand in place of what scrubbing removes.
const (
	MarkIdentityCode = scrub.MarkIdentityCode
	MarkPhone        = scrub.MarkPhone
	MarkEmail        = scrub.MarkEmail
	MarkIBAN         = scrub.MarkIBAN
)

// Scrub removes personal data from free text before it is stored (FB-2):
// Finnish personal identity codes (checksum-validated, every century sign
// in use: + - A B C D E F U V W X Y, in either case), phone numbers in
// Finnish and international forms, e-mail addresses and IBANs (mod-97
// validated). It returns the scrubbed text and how many things it
// removed; the original is never kept. Dates, times, amounts, postal
// codes and years are left alone. The kernel scrubs every free text it
// seals with the same rules (PRIV-2).
func Scrub(text string) (string, int) { return scrub.Scrub(text) }

// ValidIdentityCode reports whether s is a Finnish personal identity code
// with a valid date and check character, in either case.
func ValidIdentityCode(s string) bool { return scrub.ValidIdentityCode(s) }
