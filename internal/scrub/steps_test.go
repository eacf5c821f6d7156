package scrub

import (
	"strings"
	"testing"
)

// TestScrubLinearSteps feeds long adversarial runs and counts the bytes
// the scanners look at: scrubbing must stay linear, or a hostile e-form
// could stall the write path (FB-2). A run twice as long must cost at
// most twice as many steps (and a little), and no run more than a fixed
// number of steps per byte. Steps, not a clock, so a busy machine cannot
// decide the outcome.
func TestScrubLinearSteps(t *testing.T) {
	const perByte = 64
	for name, unit := range map[string]string{
		"zeros": "0 ", "letters": "a", "ats": "a@", "dots": "a.", "plus": "+1 ", "iban": "FI21 ",
		"parens": "(0", "digits": "1", "mail": "a@b.", "dashes": "0-", "phone": "040 123 4567 ",
		"hetu": "010203-123B", "local": "a.b-c_d%e+f'", "domain": "x@a-b.c-d.", "mixed": "0401234567a@b.fi FI2112345600000785 ",
	} {
		n := 30000 / len(unit)
		in1, in2 := strings.Repeat(unit, n), strings.Repeat(unit, 2*n)
		_, _, once := scrub(in1)
		_, _, twice := scrub(in2)
		t.Logf("%s: %d steps for %d bytes, %d for %d", name, once, len(in1), twice, len(in2))
		if twice > 2*once+1000 {
			t.Errorf("FB-2: %s: %d steps for %d bytes, %d for twice as many: not linear", name, once, len(in1), twice)
		}
		if twice > perByte*len(in2) {
			t.Errorf("FB-2: %s: %d steps for %d bytes, over %d a byte", name, twice, len(in2), perByte)
		}
	}
}

// TestScrubStepsSeeQuadraticWork checks that the count can fail: a
// scanner that looked to the end of the text from every byte would be
// caught.
func TestScrubStepsSeeQuadraticWork(t *testing.T) {
	saved := finders
	defer func() { finders = saved }()
	finders = append(finders, struct {
		find func(s string, i int) (end, reach int)
		mark string
	}{func(s string, i int) (int, int) { return -1, len(s) }, "[x]"})
	_, _, once := scrub(strings.Repeat("a", 1000))
	_, _, twice := scrub(strings.Repeat("a", 2000))
	if twice <= 2*once+1000 {
		t.Fatalf("a quadratic scanner went unseen: %d then %d steps", once, twice)
	}
}
