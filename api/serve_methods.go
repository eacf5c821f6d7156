//go:build !(js && wasm)

package api

import (
	"github.com/osallisuus/osallisuus/feedback"
	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

// Methods an integrator needs that the demo's page does not offer; left
// out of the browser's module, like the rest of the service side. Each
// is made as the caller, so the role policy decides.
func init() {
	method("panel.raiseTopic", func(a *App, in struct {
		Panel              p.ID
		Title, Description string
	}) (*panel.Topic, error) {
		return a.panels.RaiseTopic(a.ctx(), a.actor(panel.ActionRaiseTopic), panel.TopicInput{Panel: in.Panel, Title: in.Title, Description: in.Description})
	})
	method("feedback.retireDevice", func(a *App, in struct{ Device p.ID }) (Null, error) {
		return Null{}, a.fb.RetireDevice(a.ctx(), a.actor(feedback.ActionRetireDevice), in.Device)
	})
	method("codev.join", func(a *App, in struct {
		Process p.ID
		Person  p.ID
		Role    p.ProcessRole
	}) (Null, error) {
		return Null{}, a.store.JoinProcess(a.ctx(), a.actor(p.ActionProcessJoin), in.Process, p.Participant{Person: in.Person, Role: in.Role})
	})
	method("codev.link", func(a *App, in struct{ Process, Contribution p.ID }) (Null, error) {
		return Null{}, a.store.LinkContribution(a.ctx(), a.actor(p.ActionProcessLink), in.Process, in.Contribution)
	})
	// subject.erase erases a person (PRIV-2): their key is destroyed,
	// and with it every sealed field and free text of theirs.
	method("subject.erase", func(a *App, in struct {
		Subject p.ID
		Reason  string
	}) (Null, error) {
		return Null{}, a.store.EraseSubject(a.ctx(), a.actor(p.ActionErase), in.Subject, in.Reason)
	})
}
