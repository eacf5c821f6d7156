package api_test

import (
	"slices"
	"testing"

	"github.com/osallisuus/osallisuus/api"
)

// FuzzCall feeds the page's method calls arbitrary arguments: each is
// answered or refused with a typed error, never with internal — neither
// by a panic (which Call turns into an internal error) nor by an answer
// that does not encode. The seeds hold what the review found: trailing
// data, extreme days, a 50 MB preview, control and bidi characters,
// invalid UTF-8 and lone surrogates.
func FuzzCall(f *testing.F) {
	methods := api.Methods()
	index := func(m string) uint8 { return uint8(slices.Index(methods, m)) }
	for i := range methods {
		f.Add(uint8(i), `{}`)
	}
	f.Add(index("panel.appoint"), `{"panel":"01a20508-275f-71e4-b959-95fba6646dc8","position":"chair"}`)
	f.Add(index("feedback.submit"), `{"text":"040 123 4567","rating":7,"receipt":true}`)
	f.Add(index("feedback.report"), `[1,2,3]`)
	f.Add(index("house"), `{"days":2147483647}`)
	f.Add(index("house"), `{"days":-9223372036854775808}`)
	f.Add(index("feedback.report"), `{"days":1e400}`)
	for _, c := range strictCases {
		f.Add(index(c.method), c.arg)
	}
	a, err := api.Open("", "")
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, which uint8, arg string) {
		m := methods[int(which)%len(methods)]
		if m == "sample" {
			return // slow, and takes no argument
		}
		if _, err := a.Call(m, []byte(arg)); err != nil && err.Code == "internal" {
			t.Fatalf("%s(%s): internal error %s", m, arg, err.Message)
		}
	})
}
