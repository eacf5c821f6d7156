package participation

import (
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
)

// TestMessageTemplates renders every kind of message in every language,
// with and without a title and each optional part, and checks that
// nothing of the template is left unfilled and that the languages differ
// (LOOP-1).
func TestMessageTemplates(t *testing.T) {
	someone, writer := ID{1}, ID{2}
	for _, kind := range MessageKinds {
		for _, withTitle := range []bool{true, false} {
			n := Notice{Kind: kind, Decision: PartlyAdopted, Reason: "Syy", Text: "Teksti"}
			var c *Contribution
			switch kind {
			case MessageAcknowledged, MessageDecided, MessageReportedBack, MessageStatementAnswered:
				c = &Contribution{Title: "Otsikko"}
				if !withTitle {
					c.TitleBy = writer // someone else's words: not quoted
				}
			default:
				if withTitle {
					n.Title = Labels{Fi: "Otsikko", Sv: "Otsikko", En: "Otsikko"}
				}
			}
			bodies := map[string]Lang{}
			for _, lang := range Langs {
				m := render(n, c, someone, lang)
				assert.Equal(t, lang, m.Lang)
				assert.Equal(t, kind.Label(lang), m.Title)
				assert.NotContains(t, m.Body, "{ref}", "%s %s", kind, lang)
				assert.NotContains(t, m.Body, "%!", "%s %s: a format verb left", kind, lang)
				assert.NotContains(t, m.Body, "%s", "%s %s", kind, lang)
				assert.Equal(t, withTitle, strings.Contains(m.Body, "Otsikko"), "%s %s: the title only when it may be quoted: %q", kind, lang, m.Body)
				assert.Contains(t, m.Body, PartlyAdopted.Label(lang))
				assert.Contains(t, m.Body, "Syy")
				assert.Contains(t, m.Body, "Teksti")
				_, dup := bodies[m.Body]
				assert.False(t, dup, "%s: %s reads as another language", kind, lang)
				bodies[m.Body] = lang
			}
		}
	}
}

// TestOutboxLabels: every value of the outbox's enums has a label in
// fi, sv and en.
func TestOutboxLabels(t *testing.T) {
	var all []Labeled
	for _, v := range Channels {
		all = append(all, v)
	}
	for _, v := range MessageKinds {
		all = append(all, v)
	}
	for _, v := range MessageStates {
		all = append(all, v)
	}
	for _, v := range all {
		seen := map[string]bool{}
		for _, l := range Langs {
			assert.NotEmpty(t, v.Label(l), "%v in %s", v, l)
			seen[v.Label(l)] = true
		}
		assert.Greater(t, len(seen), 1, "%v is labelled in more than one language", v)
	}
	assert.Len(t, Channels, len(channelLabels))
	assert.Len(t, MessageKinds, len(messageKindLabels))
	assert.Len(t, MessageStates, len(messageStateLabels))
	assert.Len(t, messageTemplates, len(MessageKinds), "a template for every kind")
}
