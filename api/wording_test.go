package api_test

import (
	"encoding/json"
	"os"
	"regexp"
	"testing"

	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/api"
	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

// flagged are phrases a Finnish reviewer found unnatural or misleading:
// quorum mixed with composition, "panos" for a client's input, "eheys"
// and Swedish "integritet" for the loop's indicators (which read as
// privacy measures).
var flagged = regexp.MustCompile(`(?i)päätösvaltainen kokoonpanoltaan|\bpano(s|ks|kse)\w*|eheysmittar|integritetsmått`)

// TestWording reads every text the page shows from the library — the
// house's indicator readings and warnings for the sample county in each
// language, the panel's composition and quorum reasons — and the page's
// own texts, and finds none of the flagged phrases.
func TestWording(t *testing.T) {
	var texts []string
	for _, lang := range []string{"fi", "sv", "en"} {
		a, err := api.Open("", "")
		require.NoError(t, err)
		b, _ := json.Marshal(map[string]string{"lang": lang})
		_, cerr := a.Call("sample", b)
		require.Nil(t, cerr)
		out, cerr := a.Call("house", nil)
		require.Nil(t, cerr)
		texts = append(texts, string(out))
		out, cerr = a.Call("labels", nil)
		require.Nil(t, cerr)
		texts = append(texts, string(out))
	}
	for _, code := range []panel.ReasonCode{panel.ReasonTooFewMembers, panel.ReasonNoChair, panel.ReasonNoSecretary, panel.ReasonTooFewServices,
		panel.ReasonTwoPositions, panel.ReasonHolderInactive, panel.ReasonNotConstituted, panel.ReasonNoQuorum, panel.ReasonNoChairPresent} {
		r := panel.Reason{Code: code, Have: 3, Need: 7, Position: panel.Chair}
		for _, l := range p.Langs {
			texts = append(texts, r.Text(l))
		}
	}
	page, err := os.ReadFile("../wasm/web/app.js")
	require.NoError(t, err)
	texts = append(texts, string(page))
	for _, s := range texts {
		if m := flagged.FindAllString(s, -1); m != nil {
			i := flagged.FindStringIndex(s)
			from, to := max(0, i[0]-80), min(len(s), i[1]+80)
			t.Errorf("flagged wording %q in …%s…", m, s[from:to])
		}
	}
}
