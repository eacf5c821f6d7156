package participation

import (
	"fmt"
	"strings"
)

// The templates of the outbox's messages (LOOP-1), in Finnish, Swedish
// and English. A message's title is its kind's label; its body names the
// thing the change is about ({ref}), then adds the decision, the reason
// and the organisation's text where the notice has them.

// messageTemplate is one kind's text.
type messageTemplate struct {
	// body is the first sentence; {ref} stands for the thing.
	body Labels
	// ref names the thing with its title (%s); untitled without one.
	ref, untitled Labels
	// quote puts the title in quotation marks.
	quote bool
	// text labels the organisation's text (a note, a response, results).
	text Labels
}

var (
	labelDecision = Labels{Fi: "Päätös", Sv: "Beslut", En: "Decision"}
	labelReason   = Labels{Fi: "Perustelu", Sv: "Motivering", En: "Reason"}
	labelResponse = Labels{Fi: "Vastaus", Sv: "Svar", En: "Response"}
	refYours      = Labels{Fi: "Ehdotuksesi %s", Sv: "Ditt förslag %s", En: "Your contribution %s"}
	refShared     = Labels{Fi: "Ehdotus, jossa olet mukana,", Sv: "Förslaget som du är med i", En: "The contribution you are part of"}
)

var messageTemplates = map[MessageKind]messageTemplate{
	MessageAcknowledged: {
		body: Labels{Fi: "{ref} on kuitattu vastaanotetuksi, ja se otetaan käsittelyyn.", Sv: "{ref} har kvitterats som mottaget och tas upp till behandling.", En: "{ref} has been acknowledged and will be considered."},
		ref:  refYours, untitled: refShared, quote: true,
		text: Labels{Fi: "Lisätieto", Sv: "Tilläggsinformation", En: "Note"},
	},
	MessageDecided: {
		body: Labels{Fi: "{ref} on käsitelty, ja siitä on tehty päätös.", Sv: "{ref} har behandlats och ett beslut har fattats.", En: "{ref} has been considered and decided on."},
		ref:  refYours, untitled: refShared, quote: true,
		text: labelResponse,
	},
	MessageReportedBack: {
		body: Labels{Fi: "{ref} on saanut vastauksen.", Sv: "{ref} har fått ett svar.", En: "{ref} has been answered."},
		ref:  refYours, untitled: refShared, quote: true,
		text: labelResponse,
	},
	MessageStatementAnswered: {
		body:     Labels{Fi: "{ref} on saanut vastauksen.", Sv: "{ref} har fått ett svar.", En: "{ref} has been answered."},
		ref:      Labels{Fi: "Raadin kannanotto %s", Sv: "Panelens ställningstagande %s", En: "The panel's statement %s"},
		untitled: Labels{Fi: "Raadin kannanotto", Sv: "Panelens ställningstagande", En: "The panel's statement"},
		quote:    true,
		text:     labelResponse,
	},
	MessageProcessClosed: {
		body:     Labels{Fi: "{ref} on päättynyt. Kiitos osallistumisestasi.", Sv: "{ref} har avslutats. Tack för ditt deltagande.", En: "{ref} has closed. Thank you for taking part."},
		ref:      Labels{Fi: "Yhteiskehittämisprosessi %s", Sv: "Samutvecklingsprocessen %s", En: "The co-development process %s"},
		untitled: Labels{Fi: "Yhteiskehittämisprosessi, jossa olit mukana,", Sv: "Samutvecklingsprocessen som du var med i", En: "The co-development process you took part in"},
		quote:    true,
		text:     Labels{Fi: "Tulokset", Sv: "Resultat", En: "Results"},
	},
	MessageAssignmentOffered: {
		body:     Labels{Fi: "Sinulle tarjotaan kokemusasiantuntijan tehtävää: {ref}. Voit ottaa sen vastaan tai kieltäytyä.", Sv: "Du erbjuds ett uppdrag som erfarenhetsexpert: {ref}. Du kan ta emot det eller tacka nej.", En: "You are offered an assignment as an experience expert: {ref}. You may accept it or decline."},
		ref:      Labels{Fi: "%s", Sv: "%s", En: "%s"},
		untitled: Labels{Fi: "tehtävä", Sv: "uppdrag", En: "an assignment"},
		text:     Labels{Fi: "Lisätieto", Sv: "Tilläggsinformation", En: "Note"},
	},
}

// quoted puts a title in the quotation marks of lang.
func quoted(lang Lang, s string) string {
	if lang == English {
		return "“" + s + "”"
	}
	return "”" + s + "”"
}

// render writes the message of n for person in lang. A contribution's
// title is quoted only to the person whose own words it is, or when it is
// no one's own words (PRIV-2: a copy under another key would outlive the
// writer's erasure).
func render(n Notice, c *Contribution, person ID, lang Lang) messageContent {
	t := messageTemplates[n.Kind]
	title := n.Title.In(lang)
	if c != nil {
		title = ""
		if (c.TitleBy.IsZero() || c.TitleBy == person) && c.Title != ErasedText {
			title = c.Title
		}
	}
	ref := t.untitled.In(lang)
	if title != "" {
		if t.quote {
			title = quoted(lang, title)
		}
		ref = fmt.Sprintf(t.ref.In(lang), title)
	}
	var b strings.Builder
	b.WriteString(strings.Replace(t.body.In(lang), "{ref}", ref, 1))
	if n.Decision != "" {
		fmt.Fprintf(&b, "\n\n%s: %s.", labelDecision.In(lang), n.Decision.Label(lang))
	}
	if n.Reason != "" {
		fmt.Fprintf(&b, "\n%s: %s", labelReason.In(lang), n.Reason)
	}
	if n.Text != "" {
		fmt.Fprintf(&b, "\n\n%s: %s", t.text.In(lang), n.Text)
	}
	return messageContent{Lang: lang, Title: n.Kind.Label(lang), Body: b.String()}
}
