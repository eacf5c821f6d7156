package participation

// Lang is a language tag for labels and readings: fi, sv or en. Data such
// as survey questions may carry other tags (the Sámi languages se, smn,
// sms); labels of the library's own enums exist in the three below.
type Lang string

// The languages every label of the library is written in.
const (
	Finnish Lang = "fi"
	Swedish Lang = "sv"
	English Lang = "en"
)

// Langs lists the label languages, Finnish first.
var Langs = []Lang{Finnish, Swedish, English}

// Labels holds one text in the three label languages.
type Labels struct {
	Fi string `json:"fi"`
	Sv string `json:"sv"`
	En string `json:"en"`
}

// In returns the text in lang, falling back to Finnish for any other tag.
func (l Labels) In(lang Lang) string {
	switch lang {
	case Swedish:
		return l.Sv
	case English:
		return l.En
	default:
		return l.Fi
	}
}

// Labeled is implemented by every enum of the library.
type Labeled interface {
	Label(lang Lang) string
}

// EnumLabels is a table of labels for the values of a string enum; the
// zero value of the map type is an empty table. Domain packages build
// their enums' Label methods on it.
type EnumLabels[T ~string] map[T]Labels

// Label returns the label of v in lang, or v itself when v is unknown.
func (t EnumLabels[T]) Label(v T, lang Lang) string {
	if l, ok := t[v]; ok {
		return l.In(lang)
	}
	return string(v)
}

// Has reports whether v is a value of the enum.
func (t EnumLabels[T]) Has(v T) bool {
	_, ok := t[v]
	return ok
}
