package api

import (
	p "github.com/osallisuus/osallisuus/participation"
)

// A person's own side of the outbox (LOOP-1): their contact preference,
// the messages the loop wrote for them, and a contribution of their own
// to follow round the loop. Both edges serve these; the browser's page
// shows them as each role's inbox, as that role's person.

// inboxView is a person's contact preference (nil when they left none)
// and the messages written for them, oldest first.
type inboxView struct {
	Contact  *p.Contact   `json:"contact"`
	Messages []*p.Message `json:"messages"`
}

func init() {
	// contact.set sets a person's contact preference: the caller's own,
	// or, for staff, a client's (recorded as set for them).
	method("contact.set", func(a *App, in p.ContactInput) (Null, error) {
		return Null{}, a.store.SetContact(a.ctx(), a.actor(p.ActionContactSet), in)
	})
	method("contact.clear", func(a *App, in struct{ Person p.ID }) (Null, error) {
		return Null{}, a.store.ClearContact(a.ctx(), a.actor(p.ActionContactClear), in.Person)
	})
	// loop.submit brings a named caller's own contribution into the loop
	// (PRIV-3: as themselves, with the origin client); the library's
	// policy decides who may.
	method("loop.submit", func(a *App, in struct {
		Title, Unit, Service string
		Level                p.Level
	}) (*p.Contribution, error) {
		if in.Level == "" {
			in.Level = p.LevelFeedback
		}
		return a.store.Submit(a.ctx(), a.actor(p.ActionSubmit), p.ContributionInput{Source: p.Source{Module: "api", Kind: "own"}, Level: in.Level, Origin: p.OriginClient, Unit: in.Unit, Service: in.Service, Title: in.Title})
	})
	// contact is the named caller's own contact preference and messages.
	method("contact", func(a *App, _ none) (*inboxView, error) { return a.inbox() })
}

// inbox reads the caller's (in the demo, the page's role's person's)
// contact preference and messages.
func (a *App) inbox() (*inboxView, error) {
	me := a.me()
	if me.ID.IsZero() {
		return nil, p.Errorf(p.EFORBIDDEN, "an anonymous caller has no inbox; sign in")
	}
	v := a.store.View()
	c, ok, err := p.ContactOf(v, me.ID)
	if err != nil {
		return nil, err
	}
	out := &inboxView{Messages: []*p.Message{}}
	if ok {
		out.Contact = c
	}
	ms, err := p.MessagesOf(v, me.ID)
	if ms != nil {
		out.Messages = ms
	}
	return out, err
}
