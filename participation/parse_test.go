package participation_test

import (
	"testing"

	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/participation/journaltest"
)

// FuzzParseEvent: journal lines never panic the parser, and whatever it
// accepts is exactly the canonical form of what it returns.
func FuzzParseEvent(f *testing.F) {
	for _, e := range journaltest.Chain(3, 2) {
		f.Add(string(e.AppendJSON(nil)))
	}
	f.Add(`{"seq":1}`)
	f.Add(`{"Seq":1,"id":"","time":"","type":"x","actor":{"role":"x"},"data":{},"prev":"","hash":""}`)
	f.Fuzz(func(t *testing.T, line string) {
		e, err := p.ParseEvent([]byte(line))
		if err != nil {
			return
		}
		if got := string(e.AppendJSON(nil)); got != line {
			t.Fatalf("accepted a line that is not canonical:\n%s\n%s", line, got)
		}
	})
}
