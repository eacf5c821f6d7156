package api_test

import (
	"testing"

	"github.com/osallisuus/osallisuus/wasm/api"
)

// FuzzCall feeds the page's method calls arbitrary arguments: each is
// answered or refused with a typed error, never by a panic (which Call
// would turn into an internal error).
func FuzzCall(f *testing.F) {
	methods := api.Methods()
	for i, m := range methods {
		f.Add(uint8(i), `{}`)
		_ = m
	}
	f.Add(uint8(0), `{"panel":"01a20508-275f-71e4-b959-95fba6646dc8","position":"chair"}`)
	f.Add(uint8(3), `{"text":"040 123 4567","rating":7,"receipt":true}`)
	f.Add(uint8(5), `[1,2,3]`)
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
