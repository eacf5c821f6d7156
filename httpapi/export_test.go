package httpapi

import "reflect"

// AnswerHoles is where the contract could not describe an answer of
// type t: empty when it describes all of it.
func AnswerHoles(t reflect.Type) []string {
	g := newAnswers()
	g.of(t, t.String())
	return g.holes
}
