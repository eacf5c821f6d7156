package participation

import (
	"context"
	"encoding/json"
	"slices"
	"strings"
	"time"

	"github.com/hashicorp/go-memdb"
)

// The outbox (LOOP-1): a change that a named participant should hear of
// writes a message for them in the same command as the change, in their
// language, if they have left a contact preference. An integrator drains
// the messages ([Outbox]) and delivers them by e-mail, text message,
// letter or the client portal; delivery is at least once, acknowledged,
// retried with backoff and dead-lettered after too many failures, and
// every step is an event. Erasing a person drops their contact and their
// messages.

// Actions of contact preferences and of the outbox (PART-7, LOOP-1).
const (
	// ActionContactSet sets a person's contact preference: a person for
	// themselves, staff for a client (recorded as such).
	ActionContactSet Action = "contact.set"
	// ActionContactClear clears it; the person's pending messages go.
	ActionContactClear Action = "contact.clear"
	// ActionOutboxNext takes due messages for delivery (read only).
	ActionOutboxNext Action = "outbox.next"
	// ActionOutboxAck records that a message was delivered.
	ActionOutboxAck Action = "outbox.ack"
	// ActionOutboxFail records a failed delivery attempt.
	ActionOutboxFail Action = "outbox.fail"
	// ActionOutboxRequeue puts a dead letter back in the queue.
	ActionOutboxRequeue Action = "outbox.requeue"
)

// Tables of the outbox.
const (
	tableContacts = "contacts"
	tableMessages = "outbox_messages"
)

// Limits of the outbox.
const (
	MaxAddressLen    = 200  // runes in a contact address
	MaxFailReasonLen = 500  // runes in a delivery failure's reason
	MaxOutboxBatch   = 1000 // messages one Next returns at most
)

// Channel is how a person wants to be told (LOOP-1).
type Channel string

// The channels.
const (
	ChannelEmail  Channel = "email"
	ChannelSMS    Channel = "sms"
	ChannelLetter Channel = "letter"
	ChannelPortal Channel = "portal"
)

// Channels lists the channels.
var Channels = []Channel{ChannelEmail, ChannelSMS, ChannelLetter, ChannelPortal}

var channelLabels = EnumLabels[Channel]{
	ChannelEmail:  {Fi: "Sähköposti", Sv: "E-post", En: "E-mail"},
	ChannelSMS:    {Fi: "Tekstiviesti", Sv: "Textmeddelande", En: "Text message"},
	ChannelLetter: {Fi: "Kirje", Sv: "Brev", En: "Letter"},
	ChannelPortal: {Fi: "Asiointipalvelu", Sv: "E-tjänst", En: "Client portal"},
}

// Label returns the channel's name in lang.
func (c Channel) Label(lang Lang) string { return channelLabels.Label(c, lang) }

// Valid reports whether c is a channel.
func (c Channel) Valid() bool { return channelLabels.Has(c) }

// MessageKind says what change a message tells of (LOOP-1).
type MessageKind string

// The kinds of messages, one for each change a participant hears of.
const (
	MessageAcknowledged      MessageKind = "acknowledged"
	MessageDecided           MessageKind = "decided"
	MessageReportedBack      MessageKind = "reported_back"
	MessageStatementAnswered MessageKind = "statement_answered"
	MessageProcessClosed     MessageKind = "process_closed"
	MessageAssignmentOffered MessageKind = "assignment_offered"
)

// MessageKinds lists the kinds of messages.
var MessageKinds = []MessageKind{MessageAcknowledged, MessageDecided, MessageReportedBack, MessageStatementAnswered, MessageProcessClosed, MessageAssignmentOffered}

// messageKindLabels are also the messages' titles.
var messageKindLabels = EnumLabels[MessageKind]{
	MessageAcknowledged:      {Fi: "Osallistumisesi on kuitattu", Sv: "Ditt deltagande har kvitterats", En: "Your contribution was acknowledged"},
	MessageDecided:           {Fi: "Päätös osallistumisestasi", Sv: "Beslut om ditt deltagande", En: "A decision on your contribution"},
	MessageReportedBack:      {Fi: "Vastaus osallistumiseesi", Sv: "Svar på ditt deltagande", En: "A response to your contribution"},
	MessageStatementAnswered: {Fi: "Raadin kannanottoon on vastattu", Sv: "Panelens ställningstagande har besvarats", En: "The panel's statement was answered"},
	MessageProcessClosed:     {Fi: "Yhteiskehittäminen on päättynyt", Sv: "Samutvecklingen har avslutats", En: "The co-development process has closed"},
	MessageAssignmentOffered: {Fi: "Sinulle tarjotaan tehtävää", Sv: "Du erbjuds ett uppdrag", En: "You are offered an assignment"},
}

// Label returns the kind's name in lang, which is also the title of a
// message of that kind.
func (k MessageKind) Label(lang Lang) string { return messageKindLabels.Label(k, lang) }

// Valid reports whether k is a kind of message.
func (k MessageKind) Valid() bool { return messageKindLabels.Has(k) }

// MessageState is where a message stands: pending until it is delivered,
// or dead-lettered after too many failed attempts.
type MessageState string

// The states of a message.
const (
	MessagePending   MessageState = "pending"
	MessageDelivered MessageState = "delivered"
	MessageDead      MessageState = "dead"
)

// MessageStates lists the states of a message.
var MessageStates = []MessageState{MessagePending, MessageDelivered, MessageDead}

var messageStateLabels = EnumLabels[MessageState]{
	MessagePending:   {Fi: "Odottaa lähetystä", Sv: "Väntar på sändning", En: "Pending"},
	MessageDelivered: {Fi: "Toimitettu", Sv: "Levererat", En: "Delivered"},
	MessageDead:      {Fi: "Toimitus epäonnistui", Sv: "Leveransen misslyckades", En: "Dead-lettered"},
}

// Label returns the state's name in lang.
func (s MessageState) Label(lang Lang) string { return messageStateLabels.Label(s, lang) }

// Contact is a person's contact preference: where and in which language
// they want to hear of the changes they took part in. It is sealed under
// the person's key in the journal; erasing the person removes it.
type Contact struct {
	Person  ID      `json:"person"`
	Channel Channel `json:"channel"`
	Address string  `json:"address"`
	Lang    Lang    `json:"lang"`
	// RecordedBy is the role of the worker who set it for the person;
	// empty when the person set it themselves.
	RecordedBy Role      `json:"recordedBy,omitempty"`
	SetAt      time.Time `json:"setAt"`
}

// Message is one message of the outbox. Its title and body are written
// from templates in the recipient's language when the change happens,
// and sealed under the recipient's key.
type Message struct {
	// ID is the message's id and its idempotency key: it stays the same
	// over every attempt and every restart.
	ID        ID          `json:"id"`
	Recipient ID          `json:"recipient"`
	Kind      MessageKind `json:"kind"`
	// Ref is what the message is about: the contribution, statement,
	// process or assignment.
	Ref ID `json:"ref"`
	// Cause is the id of the event that made the message, written in
	// the same command.
	Cause    ID           `json:"cause"`
	Lang     Lang         `json:"lang"`
	Title    string       `json:"title"`
	Body     string       `json:"body"`
	State    MessageState `json:"state"`
	QueuedAt time.Time    `json:"queuedAt"`
	// DueAt is when the next attempt is due; zero once the message is
	// delivered or dead-lettered.
	DueAt       time.Time `json:"dueAt,omitzero"`
	Attempts    int       `json:"attempts,omitempty"`
	LastError   string    `json:"lastError,omitempty"`
	DeliveredAt time.Time `json:"deliveredAt,omitzero"`
}

func (m *Message) clone() *Message { cp := *m; return &cp }

// Events of contact preferences and the outbox.
type (
	// ContactSet records a person's contact preference, sealed under
	// their key: channel, address and language.
	ContactSet struct {
		Person  ID     `json:"person"`
		Details Sealed `json:"details"`
		// RecordedBy is the role of the worker who set it for the
		// person (PRIV-3); empty when they set it themselves.
		RecordedBy Role `json:"recordedBy,omitempty"`
	}
	// ContactCleared records that a person no longer wants messages;
	// their pending messages go with it.
	ContactCleared struct {
		Person ID `json:"person"`
	}
	// MessageQueued writes a message for a recipient, in the command of
	// the change it tells of (Cause). Its language, title and body are
	// sealed under the recipient's key.
	MessageQueued struct {
		Message   ID          `json:"message"`
		Recipient ID          `json:"recipient"`
		Kind      MessageKind `json:"kind"`
		Ref       ID          `json:"ref"`
		Cause     ID          `json:"cause"`
		Content   Sealed      `json:"content"`
	}
	// MessageDeliveredEvent records the integrator's acknowledgement.
	MessageDeliveredEvent struct {
		Message ID `json:"message"`
	}
	// MessageFailed records a failed attempt and when the next one is
	// due (zero when none is: the message is then dead-lettered). The
	// reason, which may quote the address, is sealed under the
	// recipient's key.
	MessageFailed struct {
		Message ID        `json:"message"`
		Attempt int       `json:"attempt"`
		Reason  Sealed    `json:"reason,omitzero"`
		RetryAt time.Time `json:"retryAt,omitzero"`
	}
	// MessageDeadLettered records that a message is given up after
	// Attempts failed attempts.
	MessageDeadLettered struct {
		Message  ID  `json:"message"`
		Attempts int `json:"attempts"`
	}
	// MessageRequeued puts a dead letter back in the queue once the
	// cause of its failures is mended: it is due at once, with its
	// attempts counted from zero and the same idempotency key.
	MessageRequeued struct {
		Message ID `json:"message"`
	}
)

// EventType implements [EventData].
func (ContactSet) EventType() string { return "contact.set" }

// EventType implements [EventData].
func (ContactCleared) EventType() string { return "contact.cleared" }

// EventType implements [EventData].
func (MessageQueued) EventType() string { return "outbox.queued" }

// EventType implements [EventData].
func (MessageDeliveredEvent) EventType() string { return "outbox.delivered" }

// EventType implements [EventData].
func (MessageFailed) EventType() string { return "outbox.failed" }

// EventType implements [EventData].
func (MessageDeadLettered) EventType() string { return "outbox.dead_lettered" }

// EventType implements [EventData].
func (MessageRequeued) EventType() string { return "outbox.requeued" }

// contactDetails is what ContactSet seals.
type contactDetails struct {
	Channel Channel `json:"channel"`
	Address string  `json:"address"`
	Lang    Lang    `json:"lang"`
}

// messageContent is what MessageQueued seals.
type messageContent struct {
	Lang  Lang   `json:"lang"`
	Title string `json:"title"`
	Body  string `json:"body"`
}

func outboxTables() []*memdb.TableSchema {
	return []*memdb.TableSchema{
		{Name: tableContacts, Indexes: map[string]*memdb.IndexSchema{
			// id: one contact preference per person.
			"id": {Name: "id", Unique: true, Indexer: IndexID(func(c *Contact) ID { return c.Person })},
		}},
		{Name: tableMessages, Indexes: map[string]*memdb.IndexSchema{
			// id: look-up by the idempotency key; export order.
			"id": {Name: "id", Unique: true, Indexer: IndexID(func(m *Message) ID { return m.ID })},
			// recipient: a person's inbox, and erasure.
			"recipient": {Name: "recipient", Indexer: IndexID(func(m *Message) ID { return m.Recipient })},
			// due: only pending messages, by when they are due, so that
			// Next reads only what it returns or skips as leased.
			"due": {Name: "due", AllowMissing: true, Indexer: IndexTime(func(m *Message) time.Time { return m.DueAt })},
			// dead: only dead letters, so that other messages pay for no
			// index they never use.
			"dead": {Name: "dead", AllowMissing: true, Indexer: IndexString(func(m *Message) string {
				if m.State != MessageDead {
					return ""
				}
				return string(m.State)
			})},
		}},
	}
}

// openSealedJSON opens sealed JSON into v; erased is true when the
// subject's key is gone (v is then left as it was).
func openSealedJSON(tx *Tx, s Sealed, v any) (erased bool, err error) {
	if len(s.Box) == 0 {
		return true, nil // sealed after its subject was erased
	}
	b, err := tx.Vault().Open(s)
	if ErrorCode(err) == EERASED {
		return true, nil
	}
	if err != nil {
		return false, err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return false, Errorf(ECORRUPT, "sealed data of %s does not decode: %v", s.Subject, err)
	}
	return false, nil
}

func getMessage(r Reader, id ID) (*Message, error) {
	m, ok, err := Lookup[*Message](r, tableMessages, "id", id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, Errorf(ENOTFOUND, "message %s not found: it was never queued, or its recipient cleared their contact or was erased", id)
	}
	return m, nil
}

func updateMessage(tx *Tx, id ID, fn func(*Message) error) error {
	old, err := getMessage(tx, id)
	if err != nil {
		return err
	}
	m := old.clone()
	if err := fn(m); err != nil {
		return err
	}
	return tx.Insert(tableMessages, m)
}

// dropMessages deletes person's messages that keep accepts.
func dropMessages(tx *Tx, person ID, keep func(*Message) bool) error {
	ms, err := Collect[*Message](tx, tableMessages, "recipient", keep, person)
	if err != nil {
		return err
	}
	for _, m := range ms {
		if err := tx.Delete(tableMessages, m); err != nil {
			return err
		}
	}
	return nil
}

func outboxEvents() []EventType {
	return append([]EventType{
		Handle(func(tx *Tx, m EventMeta, d ContactSet) error {
			var det contactDetails
			erased, err := openSealedJSON(tx, d.Details, &det)
			if err != nil {
				return err
			}
			if erased {
				det = contactDetails{Address: ErasedText}
			}
			return tx.Insert(tableContacts, &Contact{Person: d.Person, Channel: det.Channel, Address: det.Address, Lang: det.Lang, RecordedBy: d.RecordedBy, SetAt: m.Time})
		}),
		Handle(func(tx *Tx, m EventMeta, d ContactCleared) error {
			c, ok, err := Lookup[*Contact](tx, tableContacts, "id", d.Person)
			if err != nil {
				return err
			}
			if ok {
				if err := tx.Delete(tableContacts, c); err != nil {
					return err
				}
			}
			return dropMessages(tx, d.Person, func(x *Message) bool { return x.State == MessagePending })
		}),
		Handle(func(tx *Tx, m EventMeta, d MessageQueued) error {
			var c messageContent
			erased, err := openSealedJSON(tx, d.Content, &c)
			if err != nil {
				return err
			}
			if erased {
				c = messageContent{Title: ErasedText, Body: ErasedText}
			}
			return tx.Insert(tableMessages, &Message{ID: d.Message, Recipient: d.Recipient, Kind: d.Kind, Ref: d.Ref, Cause: d.Cause,
				Lang: c.Lang, Title: c.Title, Body: c.Body, State: MessagePending, QueuedAt: m.Time, DueAt: m.Time})
		}),
	}, deliveryEvents()...)
}

// outboxFields classifies the outbox's event fields (PRIV-2).
var outboxFields = []FieldRule{
	{"contact.set", "details", FieldSealed, "the person (person)"},
	{"contact.set", "recordedBy", FieldCode, ""},
	{"outbox.queued", "kind", FieldCode, ""},
	{"outbox.queued", "content", FieldSealed, "the recipient (recipient)"},
	{"outbox.failed", "reason", FieldSealed, "the message's recipient"},
}

// outboxActions are the outbox's actions with their default roles.
func outboxActions() []ActionRule {
	people := []Role{RoleClient, RoleFamilyMember, RoleExpert, RoleDeveloperClient, RoleStaff, RoleCoordinator}
	return []ActionRule{
		{ActionContactSet, people, "set one's contact preference for messages (a person for themselves; staff for a client)"},
		{ActionContactClear, slices.Clone(people), "clear one's contact preference; pending messages go with it"},
		{ActionOutboxNext, []Role{RoleSystem}, "take due messages for delivery (the integration)"},
		{ActionOutboxAck, []Role{RoleSystem}, "record a message as delivered (the integration)"},
		{ActionOutboxFail, []Role{RoleSystem}, "record a failed delivery attempt (the integration)"},
		{ActionOutboxRequeue, []Role{RoleSystem}, "put a dead letter back in the queue once its cause is mended (the integration)"},
	}
}

// eraseOutbox drops the erased person's contact and every message to
// them: what was sealed under their key goes from the state as it goes
// from every replay.
func eraseOutbox(tx *Tx, subject ID) error {
	c, ok, err := Lookup[*Contact](tx, tableContacts, "id", subject)
	if err != nil {
		return err
	}
	if ok {
		if err := tx.Delete(tableContacts, c); err != nil {
			return err
		}
	}
	return dropMessages(tx, subject, nil)
}

// ContactInput sets a contact preference.
type ContactInput struct {
	// Person is whose preference it is; a client-side actor sets only
	// their own (zero means the actor).
	Person  ID
	Channel Channel
	// Address is the e-mail address, the phone number for text
	// messages, the postal address on one line, or the portal account.
	Address string
	// Lang is the language of the messages: fi, sv or en.
	Lang Lang
}

// SetContact sets a person's contact preference (LOOP-1): from now on
// the changes they took part in write messages for them, in their
// language. A client-side actor sets only their own; staff setting one
// for a client is recorded as such (PRIV-3). The details are sealed under
// the person's key.
func (s *Store) SetContact(ctx context.Context, actor Actor, in ContactInput) error {
	return s.Exec(ctx, actor, ActionContactSet, func(tx *Tx) error {
		person, recordedBy, err := contactPerson(actor, in.Person)
		if err != nil {
			return err
		}
		if !in.Channel.Valid() {
			return Invalid("channel", "%q is not a channel; use %s", in.Channel, channelLabels.OneOf())
		}
		if !slices.Contains(Langs, in.Lang) {
			return Invalid("lang", "%q is not a language of the messages; use fi, sv or en", in.Lang)
		}
		address, err := CheckName("address", in.Address, MaxAddressLen, true)
		if err != nil {
			return err
		}
		if err := checkAddress(in.Channel, address); err != nil {
			return err
		}
		b, err := json.Marshal(contactDetails{Channel: in.Channel, Address: address, Lang: in.Lang})
		if err != nil {
			return Internal(err, "encoding the contact")
		}
		sealed, err := tx.Seal(person, b)
		if err != nil {
			return err
		}
		return tx.Emit(ContactSet{Person: person, Details: sealed, RecordedBy: recordedBy})
	})
}

// ClearContact clears a person's contact preference; their pending
// messages are dropped with it. A client-side actor clears only their
// own.
func (s *Store) ClearContact(ctx context.Context, actor Actor, person ID) error {
	return s.Exec(ctx, actor, ActionContactClear, func(tx *Tx) error {
		person, _, err := contactPerson(actor, person)
		if err != nil {
			return err
		}
		if _, ok, err := Lookup[*Contact](tx, tableContacts, "id", person); err != nil {
			return err
		} else if !ok {
			return Errorf(ENOTFOUND, "%s has no contact preference to clear", person)
		}
		return tx.Emit(ContactCleared{Person: person})
	})
}

// contactPerson is whose contact an actor sets (PRIV-3).
func contactPerson(actor Actor, person ID) (ID, Role, error) {
	if actor.Role.IsClientSide() {
		if !person.IsZero() && person != actor.ID {
			return ID{}, "", Errorf(EFORBIDDEN, "a %s sets only their own contact preference: person may hold only the actor's own id", actor.Role)
		}
		return actor.ID, "", nil
	}
	if person.IsZero() {
		return ID{}, "", Invalid("person", "name the person whose contact preference it is")
	}
	if person == actor.ID {
		return person, "", nil
	}
	return person, actor.Role, nil
}

// checkAddress checks that an address fits its channel.
func checkAddress(ch Channel, a string) error {
	switch ch {
	case ChannelEmail:
		at := strings.LastIndexByte(a, '@')
		if at < 1 || at == len(a)-1 || strings.ContainsAny(a, " ,;<>") || !strings.Contains(a[at+1:], ".") {
			return Invalid("address", "is not an e-mail address: write it as name@example.fi")
		}
	case ChannelSMS:
		digits := 0
		for i, r := range a {
			switch {
			case r >= '0' && r <= '9':
				digits++
			case r == '+' && i == 0, r == ' ', r == '-':
			default:
				return Invalid("address", "is not a phone number: use digits, spaces, dashes and a leading +, as +358 40 123 4567")
			}
		}
		if digits < 7 || digits > 15 {
			return Invalid("address", "has %d digits; a phone number has 7 to 15", digits)
		}
	}
	return nil
}

// ContactOf returns a person's contact preference; ok is false when they
// have none.
func ContactOf(r Reader, person ID) (c *Contact, ok bool, err error) {
	return Lookup[*Contact](r, tableContacts, "id", person)
}

// MessagesOf returns the messages to a person, oldest first: their
// inbox, delivered or not.
func MessagesOf(r Reader, person ID) ([]*Message, error) {
	return Collect[*Message](r, tableMessages, "recipient", nil, person)
}

// DeadLetters returns the messages given up after too many failed
// attempts, oldest first.
func DeadLetters(r Reader) ([]*Message, error) {
	return Collect[*Message](r, tableMessages, "dead", nil, string(MessageDead))
}

// GetMessage returns one message by its id.
func GetMessage(r Reader, id ID) (*Message, error) { return getMessage(r, id) }

// Notice is a change that the people who took part in it should hear of
// (LOOP-1). A command gives it to [Notify] right after it emits the
// event of the change.
type Notice struct {
	Kind MessageKind
	// Ref is what the change is about: a contribution, a statement, a
	// process, an assignment.
	Ref ID
	// Recipients are the people to tell; those without a contact
	// preference are passed over, and each is told once.
	Recipients []ID
	// Contribution, when set, names the contribution whose title the
	// message quotes: only to a recipient whose own words it is, or when
	// it is no one's own words (PRIV-2).
	Contribution ID
	// Title names the thing in each language when it is not a
	// contribution: organisation text, such as a process's title.
	Title Labels
	// Decision, Reason and Text are what the organisation decided, why,
	// and its note, response or results summary (organisation text).
	Decision Decision
	Reason   string
	Text     string
}

// holdKey stages, per command, whether the loop's own messages are held
// back (see [HoldMessages]).
type holdKey struct{}

type hold struct{ n int }

func holdOf(tx *Tx) *hold { return tx.Stage(holdKey{}, func() any { return &hold{} }).(*hold) }

// HoldMessages runs fn with the messages of contribution steps held back:
// a command that takes a contribution through several steps as part of
// one change of its own (a statement answered, a process closed) tells
// each participant once, with its own [Notify] after its own event.
func HoldMessages(tx *Tx, fn func() error) error {
	h := holdOf(tx)
	h.n++
	defer func() { h.n-- }()
	return fn()
}

// Notify writes an outbox message for each recipient who has a contact
// preference, in their language, from the templates of n.Kind, sealed
// under their key: in the same command as the change, whose event must
// be the last one the command emitted (it is the message's cause).
// Nothing is written in an anonymous command: anonymous senders hear
// only through the reply they asked for.
func Notify(tx *Tx, n Notice) error {
	if tx.Anonymous() {
		return nil
	}
	if !n.Kind.Valid() {
		return Errorf(EINTERNAL, "%q is not a kind of message", n.Kind)
	}
	if len(tx.events) == 0 {
		return Errorf(EINTERNAL, "a message is written after the event of the change it tells of")
	}
	cause := tx.events[len(tx.events)-1].ID
	var c *Contribution
	if !n.Contribution.IsZero() {
		var err error
		if c, err = GetContribution(tx, n.Contribution); err != nil {
			return err
		}
	}
	var told []ID
	for _, person := range n.Recipients {
		if person.IsZero() || slices.Contains(told, person) {
			continue
		}
		told = append(told, person)
		contact, ok, err := ContactOf(tx, person)
		if err != nil {
			return err
		}
		if !ok {
			continue
		}
		content := render(n, c, person, contact.Lang)
		b, err := json.Marshal(content)
		if err != nil {
			return Internal(err, "encoding a message")
		}
		sealed, err := tx.Seal(person, b)
		if err != nil {
			return err
		}
		id, err := tx.NewID()
		if err != nil {
			return err
		}
		if err := tx.Emit(MessageQueued{Message: id, Recipient: person, Kind: n.Kind, Ref: n.Ref, Cause: cause, Content: sealed}); err != nil {
			return err
		}
	}
	return nil
}

// stepMessages are the contribution steps a contributor hears of.
var stepMessages = map[State]MessageKind{
	StateAcknowledged: MessageAcknowledged,
	StateDecided:      MessageDecided,
	StateReportedBack: MessageReportedBack,
}

// notifyStep tells a contribution's contributors of a step it just took,
// unless the command holds the loop's messages back.
func notifyStep(tx *Tx, c *Contribution, to State) error {
	kind := stepMessages[to]
	if kind == "" || len(c.Contributors) == 0 || holdOf(tx).n > 0 {
		return nil
	}
	n := Notice{Kind: kind, Ref: c.ID, Recipients: c.Contributors, Contribution: c.ID}
	switch to {
	case StateAcknowledged:
		n.Text = c.History[len(c.History)-1].Note
	case StateDecided:
		n.Decision, n.Reason = c.Decision, c.Reason
	case StateReportedBack:
		n.Decision, n.Text = c.Decision, c.Response
	}
	return Notify(tx, n)
}
