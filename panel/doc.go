// Package panel implements client panels (asiakasraati) and the
// statutory councils that counties run the same way (older people's,
// disability and youth councils, Act 611/2021 s. 32).
//
// A [Panel] has a responsible coordinator and a service management that
// answers it (PANEL-4). Members sit for terms and represent services;
// staff take part as facilitators and do not count (PANEL-1, PANEL-3).
// [Check] answers at any moment whether the panel is constituted — at
// least ten counting members, a chair and a secretary who are different
// people, members from at least two services — and, if not, every reason
// why, with the numbers ("1 member missing"). Losing a member or a
// position takes the panel out of the constituted state; the panel's
// History keeps each change with its reasons (PANEL-8).
//
// Topics come from members and from the organisation and record their
// source (PANEL-5); each also enters the contribution loop, so the share
// raised by members is an integrity indicator. Meetings have an agenda of
// open topics, attendance, and minutes written by the secretary and
// approved by the chair. [CheckMeeting] is the official-meeting rule of
// municipal bodies: the panel constituted, more than half of the members
// present, the chair or vice chair among them (PANEL-6). Only an official
// meeting adopts statements; each is sent to the answering party as a
// contribution, and the answer comes back to the panel (PANEL-7).
//
// When more people volunteer than there are seats, [Panels.DrawLot]
// draws members by stratified lot across services from a recorded seed
// (PANEL-9); [Draw] redoes any draw for an audit.
//
// Open the store with [Module] and run commands through [New]:
//
//	store, _ := participation.Open(ctx, &participation.Config{Modules: []participation.Module{panel.Module()}})
//	panels := panel.New(store)
//	x, err := panels.Create(ctx, coordinator, panel.PanelInput{…})
package panel
