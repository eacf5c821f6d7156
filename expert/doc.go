// Package expert implements experience experts (kokemusasiantuntija),
// lived-experience participants (kokemustoimija) and developer clients
// (kehittäjäasiakas): their backgrounds under consent, training,
// assignments with hours and fees, fair matching, and the pathway from
// participant to work.
//
// A person is registered only under a recorded consent that names its
// purpose; their name, backgrounds, areas and contact details are sealed
// under their own key (EXP-1, EXP-3). [Service.WithdrawConsent] destroys
// that key in the same command: the data is gone from every replay and
// export, the person is never matched again, and the journal still
// verifies. Training is recorded as courses; an assignment may require a
// trained expert (EXP-2).
//
// Assignments go requested → offered → accepted → completed (with hours
// and travel) → paid, or cancelled with a reason; each step is an event,
// and each assignment sits on a floor of the house of participation
// (EXP-4, PART-1). [Service.Match] ranks the experts a request could go
// to, with the reasons, and spreads work: among equals, the one with
// fewer assignments around the date first (EXP-5). [Totals] and
// [WritePayroll] sum hours, fees and travel per expert (EXP-7), and
// [PathwayReport] counts who moved along the pathway in a period (EXP-6).
//
//	store, _ := participation.Open(ctx, &participation.Config{Modules: []participation.Module{expert.Module(nil)}})
//	experts := expert.New(store)
package expert
