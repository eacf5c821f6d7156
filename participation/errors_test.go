package participation_test

import (
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/stretchr/testify/assert"

	p "github.com/osallisuus/osallisuus/participation"
)

// An error message quotes at most 40 characters of an input value, cut
// between characters, while the library's own words stay whole.
func TestErrorMessagesQuoteInputShortly(t *testing.T) {
	long := strings.Repeat("ä", 5000)
	prose := "name the service management that answers the panel (PANEL-4), please"
	err := p.Invalid("name", "%q is not a name; %s", long, prose)
	msg := p.ErrorMessage(err)
	assert.True(t, utf8.ValidString(msg))
	assert.Contains(t, msg, `"`+strings.Repeat("ä", 40)+`…"`)
	assert.NotContains(t, msg, strings.Repeat("ä", 41))
	assert.Contains(t, msg, prose, "words under %%s are the library's own and stay whole")

	short := p.Errorf(p.ECONFLICT, "%q and %5.2f%% and %q", "lyhyt", 1.5, long)
	assert.Equal(t, `"lyhyt" and  1.50% and "`+strings.Repeat("ä", 40)+`…"`, short.Message)
}
