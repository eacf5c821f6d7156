//go:build !(js && wasm)

package api

import (
	"slices"

	p "github.com/osallisuus/osallisuus/participation"
)

// Who may call a method when the edge authenticates its caller (see
// [App.CallAs]). A method that changes something asks the library's role
// policy (PART-7) for its action, so the policy alone decides it; a
// method that only reads is open to the roles below, because what it
// shows is not the library's to refuse. The demo (see [App.Call]) shows
// every view to every role, as an evaluator's model.

// Open methods need no sign-in: the anonymous e-form, survey answers,
// the receipt look-up, the scrubber's preview and the labels.
var openMethods = []string{"labels", "feedback.preview", "feedback.submit", "feedback.receipt", "survey.list", "survey.answer", "accountability", "checkpoint", "consistency"}

// ownMethods read only the caller's own things (their contributions,
// goals and family consents): any named caller may call them.
var ownMethods = []string{"mine", "mine.contribution", "goal.list", "family.list", "inbox", "contact"}

// staffReaders are the roles that read the organisation's views: the
// loop's board, panels with their members, the experts, the reports, the
// house and the journal's check.
var staffReaders = []p.Role{p.RoleStaff, p.RoleCoordinator, p.RoleManager, p.RoleAdmin}

// Access says who may call a method over an edge that authenticates its
// caller.
type Access string

// The kinds of access a method has.
const (
	// AccessOpen methods need no sign-in.
	AccessOpen Access = "open"
	// AccessOwn methods read only the named caller's own things.
	AccessOwn Access = "own"
	// AccessStaff methods read the organisation's views; only
	// [StaffReaders] call them.
	AccessStaff Access = "staff"
	// AccessPolicy methods change something; the library's role policy
	// decides who may, by the action the method asks for.
	AccessPolicy Access = "policy"
)

// writes are the methods that change something; each asks the library's
// policy through its actor.
var writes = map[string]bool{}

func init() {
	for _, m := range []string{"panel.create", "panel.addMember", "panel.appoint", "panel.leave", "panel.meet", "panel.adopt", "panel.answer",
		"panel.writeMinutes", "panel.approveMinutes", "panel.drawLot",
		"feedback.registerDevices", "feedback.registerDevice", "feedback.press", "feedback.pressBatch",
		"expert.register", "expert.withdraw", "expert.request", "expert.offer", "expert.accept", "expert.complete", "expert.pay",
		"loop.advance", "loop.submit", "survey.createNational",
		"codev.start", "codev.advance", "codev.log", "codev.idea", "codev.close",
		"goal.write", "goal.replan", "goal.support", "goal.progress", "goal.reach",
		"family.grant", "family.withdraw", "family.takePart",
		"panel.raiseTopic", "feedback.retireDevice", "codev.join", "codev.link", "subject.erase",
		"contact.set", "contact.clear", "outbox.next", "outbox.ack", "outbox.fail", "outbox.dead", "outbox.requeue"} {
		writes[m] = true
	}
}

// AccessOf returns who may call method over an edge that authenticates
// its caller.
func AccessOf(method string) Access {
	switch {
	case slices.Contains(openMethods, method):
		return AccessOpen
	case slices.Contains(ownMethods, method):
		return AccessOwn
	case writes[method]:
		return AccessPolicy
	}
	return AccessStaff
}

// StaffReaders returns the roles that may call the methods of
// [AccessStaff].
func StaffReaders() []p.Role { return slices.Clone(staffReaders) }

// allowed refuses caller a method its access does not open to them.
func allowed(caller p.Actor, method string) *Error {
	switch AccessOf(method) {
	case AccessOpen, AccessPolicy:
		return nil
	case AccessOwn:
		if caller.ID.IsZero() || caller.Role == p.RoleDevice {
			return &Error{Code: p.EFORBIDDEN, Message: method + " reads a named caller's own things; sign in as a person", Role: string(caller.Role)}
		}
		return nil
	}
	if !slices.Contains(staffReaders, caller.Role) {
		roles := make([]string, len(staffReaders))
		for i, r := range staffReaders {
			roles[i] = string(r)
		}
		return &Error{Code: p.EFORBIDDEN, Message: method + " reads the organisation's views, which only its staff read", Role: string(caller.Role), Allowed: roles}
	}
	return nil
}

var accessLabels = map[Access]p.Labels{
	AccessOpen:   {Fi: "Avoin, ei kirjautumista", Sv: "Öppen, utan inloggning", En: "Open, no sign-in"},
	AccessOwn:    {Fi: "Kirjautuneen omat tiedot", Sv: "Den inloggades egna uppgifter", En: "The signed-in caller's own"},
	AccessStaff:  {Fi: "Organisaation näkymät henkilöstölle", Sv: "Organisationens vyer för personalen", En: "The organisation's views, for staff"},
	AccessPolicy: {Fi: "Muutos; roolien oikeudet ratkaisevat", Sv: "Ändring; rollernas rättigheter avgör", En: "A change; the role policy decides"},
}

// Accesses lists the kinds of access, in order.
var Accesses = []Access{AccessOpen, AccessOwn, AccessStaff, AccessPolicy}

// Label returns the access's name in lang.
func (a Access) Label(lang p.Lang) string { return accessLabels[a].In(lang) }
