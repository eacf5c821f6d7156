// Package feedback implements client feedback: anonymous e-forms (the
// social reporting form), feedback devices in service points, surveys,
// and feedback given in person in community counselling (FB-3).
//
// Nothing in an anonymous item can hold a person: no name, no address,
// no device user, no session, and its time is kept to the hour (FB-1).
// Free text is scrubbed of identity codes, phone numbers, e-mail
// addresses and IBANs before it is stored, and only the number of
// redactions is kept with it ([Scrub], FB-2).
//
// Devices show a 4-point smiley scale with an optional follow-up
// question; a repeat press within the interval (5 s by default) counts
// once, and the repeats are counted as filtered ([Service.Press],
// [Service.PressBatch] for devices that were offline, FB-4). A sender may
// take a receipt code that later shows what became of the feedback and
// nothing else ([LookupReceipt], FB-6), or ask for a reply: the contact
// is sealed apart from the item and erased once the reply is recorded
// ([Service.Reply], FB-7). Either makes the item a contribution in the
// loop; so does a theme raised often.
//
// Surveys take scale, choice, free-text and 0–10 recommendation
// questions, and can take the shape of THL's national client feedback
// ([NationalQuestions], FB-8).
//
// Items are kept in a compact store with aggregates by day and month,
// service, channel and theme, so that [Service.Report] — a social report
// grouped under the three tasks of section 7 of the Social Welfare Act
// (FB-9) — reads aggregates and never scans items. Every number a report
// or survey result shows comes from a [Table] suppressed so that no cell
// under K (5) shows, and no hidden one can be worked out from what is
// shown — not by subtracting from a total, nor by combining the rows,
// columns and totals of the tables published together ([SuppressLinked],
// [Recoverable], FB-5).
//
//	store, _ := participation.Open(ctx, &participation.Config{
//		Modules: []participation.Module{feedback.Module(nil)},
//	})
//	fb := feedback.New(store)
//	res, err := fb.Submit(ctx, participation.Anonymous, feedback.Submission{…})
package feedback
