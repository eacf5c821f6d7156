// Package participation is the kernel of osallisuus, a library for client
// participation (asiakasosallisuus) in Finnish social and health services.
//
// It holds what every other package stands on: ids, actors and roles, the
// levels of THL's house of participation, typed errors, the clock, the
// event journal with its hash chain, the store that modules plug into, the
// vault for personal data, and the contribution loop with its integrity
// indicators.
//
// # One write path
//
// A [Store] is opened over a [Journal] and replays it. Every change is a
// command run by [Store.Exec]: the command reads the current state through
// a [Tx], checks its rules, and emits events with [Tx.Emit]. Each event is
// applied to the memdb tables at once, in the same transaction; the
// transaction commits only after the journal has accepted the events. A
// command that fails — a broken rule, a panic, a journal that refuses —
// leaves tables, journal and change feed exactly as they were.
//
//	s, err := participation.Open(ctx, &participation.Config{
//		Journal: journal,             // nil: in memory
//		Modules: []participation.Module{panel.Module()},
//	})
//
// Reads take a snapshot with [Store.View], which never blocks writers.
// Module queries take a [Reader], so the same query runs inside a command
// and outside one.
//
// # Journal and hash chain
//
// Each [Event] carries its sequence number, id, time, actor, JSON payload
// and the SHA-256 of its predecessor. [Verify] walks the chain and names
// the first broken link in a [CorruptError]. [MemoryJournal] is the
// default; [FileJournal] writes lines of JSON with a [SyncPolicy] and cuts
// off the torn tail a crash leaves. Every implementation passes the suite
// in package journaltest. Integrators follow committed events with
// [Store.Subscribe].
//
// # Personal data
//
// Names, contact details and lived-experience backgrounds are sealed with
// [Tx.Seal] under a per-person key kept in a [KeyStore] outside the
// journal. [Store.EraseSubject] destroys the key: the data is gone from
// every replay, while the journal and its hash chain stay intact.
//
// Free text written by or about a named person — a goal and its notes, a
// log entry, a contribution's title in someone's own words — is scrubbed
// and sealed the same way with [SealText] (PRIV-2). Every text field of
// every event is classified in the modules' field tables ([FieldRule],
// [Store.Fields]); after erasure, readers see [ErasedText] where the
// person's text stood.
//
// # The contribution loop
//
// Every input a client gives becomes a [Contribution] that moves through
// received, acknowledged, under consideration, decided, implemented and
// reported back ([AdvanceContribution]), each step recording who, when and
// why. Deadlines come from a [LoopPolicy]; [FindOverdue] lists what is
// late; [ContributionsOf] is a participant's own list; [LoopIndicators]
// computes the integrity indicators that expose pseudo-participation.
//
// # Telling participants
//
// A person who leaves a contact preference ([Store.SetContact]) is told
// of the changes they took part in: an acknowledgement, a decision, a
// response, an answered statement, a closed process, an offered
// assignment each write a [Message] for them in the same command, in
// their language, sealed under their key ([Notify], LOOP-1). The
// integration drains them with an [Outbox]: [Outbox.Next], [Outbox.Ack]
// and [Outbox.Fail], at least once, with retries and dead letters.
//
// # Co-development, goals and the house
//
// A co-development [Process] goes from planning to evaluation with its
// participants, log and linked contributions, and closes only with a
// results summary that answers all of them ([Store.CloseProcess],
// PART-3). A client's own [Goal] is written and replanned only by the
// client ([Store.WriteGoal], PART-4). Every module records activity on
// the floors of the house ([RecordActivity]); [HouseProfile] shows which
// floors are lived in (PART-6), and [PseudoParticipation] flags units and
// panels whose inputs go unanswered or without effect.
//
// # Family members
//
// A family member takes part in a client's service only under the
// client's consent, with scopes and an expiry: [Store.GrantFamilyConsent],
// [Store.TakePart], [FamilyConsentFor] (PART-5).
//
// # Errors and roles
//
// Every error is an [*Error] with a code ([EINVALID], [ENOTFOUND],
// [ECONFLICT], [EFORBIDDEN], …): use [ErrorCode] and [ErrorMessage]. Every
// command names an [Actor], and the role [Policy] decides whether its
// [Role] may run the command's [Action] (PART-7).
package participation
