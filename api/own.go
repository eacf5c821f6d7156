//go:build !(js && wasm)

package api

import (
	"slices"

	p "github.com/osallisuus/osallisuus/participation"
)

// A named participant's own list: what became of what they gave
// (contributions they are a contributor of). A caller reads their own
// and is refused anyone else's.
func init() {
	method("mine", func(a *App, _ none) ([]*p.Contribution, error) {
		me := a.me()
		if me.ID.IsZero() {
			return nil, p.Errorf(p.EFORBIDDEN, "an anonymous caller has no list of their own; sign in")
		}
		cs, err := p.ContributionsOf(a.store.View(), me.ID)
		if cs == nil {
			cs = []*p.Contribution{}
		}
		return cs, err
	})
	method("mine.contribution", func(a *App, in struct{ ID p.ID }) (*p.Contribution, error) {
		me := a.me()
		c, err := p.GetContribution(a.store.View(), in.ID)
		if err != nil {
			return nil, err
		}
		if !slices.Contains(c.Contributors, me.ID) || me.ID.IsZero() {
			return nil, p.Errorf(p.EFORBIDDEN, "contribution %s is not one of yours; a participant reads only their own", in.ID)
		}
		return c, nil
	})
}
