package feedback

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	p "github.com/osallisuus/osallisuus/participation"
)

// Limits on input.
const (
	MaxThemes      = 10   // themes on one item
	MaxBatch       = 5000 // presses in one device batch
	maxContactLen  = 200
	maxPointLen    = 200
	maxFutureSkew  = 10 * time.Minute
	maxPressAge    = 90 * 24 * time.Hour
	sourceModule   = "feedback"
	receiptSymbols = "23456789ABCDEFGHJKMNPQRSTVWXYZ" // no 0/O, 1/I/L, U
	receiptLen     = 20                               // 98 bits
)

// Service runs the feedback module's commands and queries on a store
// opened with [Module].
type Service struct {
	s *p.Store
	l *live
}

// New returns the feedback service over s; s must have been opened with
// [Module].
func New(s *p.Store) *Service {
	l, _ := s.State("feedback").(*live)
	return &Service{s: s, l: l}
}

func (f *Service) ready() error {
	if f.l == nil {
		return p.Errorf(p.EINTERNAL, "the store was not opened with feedback.Module")
	}
	return nil
}

// Config returns the module's configuration in force.
func (f *Service) Config() Config { return f.l.cfg }

// DefineTheme defines a theme items can carry, with its labels and the
// task of section 7 its reports fall under (FB-9).
func (f *Service) DefineTheme(ctx context.Context, actor p.Actor, t Theme) error {
	if err := f.ready(); err != nil {
		return err
	}
	return f.s.Exec(ctx, actor, ActionDefineTheme, func(tx *p.Tx) error {
		if t.Code == "" || len(t.Code) > 40 || !validKey(t.Code) {
			return p.Invalid("code", "a theme code is lower-case letters, digits and underscores, up to 40")
		}
		for _, lang := range p.Langs {
			if _, err := p.CheckName("labels."+string(lang), t.Labels.In(lang), p.MaxTitleLen, true); err != nil {
				return err
			}
		}
		if t.Task == "" {
			t.Task = TaskKnowledge
		}
		if !t.Task.Valid() {
			return p.Invalid("task", "%q is not a task; use knowledge, measures or planning", t.Task)
		}
		if _, ok, err := p.Lookup[*Theme](tx, tableThemes, "id", t.Code); err != nil {
			return err
		} else if ok {
			return p.Errorf(p.ECONFLICT, "theme %s is already defined", t.Code)
		}
		return tx.Emit(ThemeDefined{Code: t.Code, Labels: t.Labels, Task: t.Task})
	})
}

// DeviceInput registers a device.
type DeviceInput struct {
	Service  string
	Point    string
	FollowUp *FollowUp
}

// RegisterDevice registers a feedback device for a service point (FB-4).
// The device then acts with role device and its own id.
func (f *Service) RegisterDevice(ctx context.Context, actor p.Actor, in DeviceInput) (*DeviceInfo, error) {
	if err := f.ready(); err != nil {
		return nil, err
	}
	var out *DeviceInfo
	err := f.s.Exec(ctx, actor, ActionRegisterDevice, func(tx *p.Tx) error {
		var err error
		if in.Service, err = p.CheckName("service", in.Service, p.MaxCodeLen, true); err != nil {
			return err
		}
		if in.Point, err = p.CheckName("point", in.Point, maxPointLen, true); err != nil {
			return err
		}
		if in.FollowUp != nil {
			q, err := in.FollowUp.Question.validate("followUp.question", p.MaxTitleLen)
			if err != nil {
				return err
			}
			if len(in.FollowUp.Options) < 2 || len(in.FollowUp.Options) > 9 {
				return p.Invalid("followUp.options", "a follow-up question has 2 to 9 options")
			}
			fu := &FollowUp{Question: q}
			for _, o := range in.FollowUp.Options {
				t, err := o.validate("followUp.options", p.MaxTitleLen)
				if err != nil {
					return err
				}
				fu.Options = append(fu.Options, t)
			}
			in.FollowUp = fu
		}
		id, err := tx.NewID()
		if err != nil {
			return err
		}
		if err := tx.Emit(DeviceRegistered{Device: id, Service: in.Service, Point: in.Point, FollowUp: in.FollowUp}); err != nil {
			return err
		}
		out, _, err = p.Lookup[*DeviceInfo](tx, tableDevices, "id", id)
		return err
	})
	return out, err
}

// RetireDevice takes a device out of use; its presses are refused after.
func (f *Service) RetireDevice(ctx context.Context, actor p.Actor, device p.ID) error {
	return f.s.Exec(ctx, actor, ActionRetireDevice, func(tx *p.Tx) error {
		d, err := getDevice(tx, device)
		if err != nil {
			return err
		}
		if d.Retired {
			return p.Errorf(p.ECONFLICT, "device %s is already retired", device)
		}
		return tx.Emit(DeviceRetired{Device: device})
	})
}

func getDevice(r p.Reader, id p.ID) (*DeviceInfo, error) {
	d, ok, err := p.Lookup[*DeviceInfo](r, tableDevices, "id", id)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, p.Errorf(p.ENOTFOUND, "device %s not found", id)
	}
	return d, nil
}

// Press is one press on a device: a smiley, the follow-up option chosen
// (from 1; 0 for none) and when it happened by the device's clock (zero:
// now).
type Press struct {
	Rating Rating    `json:"rating"`
	Answer int       `json:"answer,omitempty"`
	At     time.Time `json:"at,omitzero"`
}

// PressResult says how many presses counted and how many were repeats
// filtered out (FB-4).
type PressResult struct {
	Counted  int `json:"counted"`
	Filtered int `json:"filtered"`
}

// Press records one press on a device. A press within the filter
// interval of the device's previous press is a repeat: it is counted as
// filtered, not as feedback (FB-4). Only the hour of a press is kept.
func (f *Service) Press(ctx context.Context, actor p.Actor, device p.ID, press Press) (PressResult, error) {
	return f.PressBatch(ctx, actor, device, []Press{press})
}

// PressBatch records presses a device collected while offline, in one
// command: they are ordered by time and filtered as if they had come one
// by one.
func (f *Service) PressBatch(ctx context.Context, actor p.Actor, device p.ID, presses []Press) (PressResult, error) {
	if err := f.ready(); err != nil {
		return PressResult{}, err
	}
	var res PressResult
	err := f.s.Exec(ctx, actor, ActionPress, func(tx *p.Tx) error {
		var err error
		res, err = f.PressIn(tx, device, presses)
		return err
	})
	return res, err
}

// PressIn records presses as part of the command tx, as [Service.PressBatch]
// does in a command of its own: an edge that keeps a record of its own
// with the presses (an idempotency key, say) runs both in one command.
// The command's actor must be allowed [ActionPress]; it is checked here.
// On error nothing has been emitted.
func (f *Service) PressIn(tx *p.Tx, device p.ID, presses []Press) (PressResult, error) {
	if err := f.ready(); err != nil {
		return PressResult{}, err
	}
	actor := tx.Actor()
	if err := tx.Policy().Authorize(actor, ActionPress); err != nil {
		return PressResult{}, err
	}
	var res PressResult
	err := func() error {
		if actor.Role.IsClientSide() && actor.ID != device {
			return p.Errorf(p.EFORBIDDEN, "a device records only its own presses")
		}
		d, err := getDevice(tx, device)
		if err != nil {
			return err
		}
		if d.Retired {
			return p.Errorf(p.ECONFLICT, "device %s is retired", device)
		}
		if len(presses) == 0 || len(presses) > MaxBatch {
			return p.Invalid("presses", "send 1 to %d presses", MaxBatch)
		}
		now := tx.Now()
		ps := slices.Clone(presses)
		for i := range ps {
			if ps[i].At.IsZero() {
				ps[i].At = now
			}
			if !ps[i].Rating.Valid() {
				return p.Invalid("rating", "a press is a smiley from 1 to 4, not %d", ps[i].Rating)
			}
			options := 0
			if d.FollowUp != nil {
				options = len(d.FollowUp.Options)
			}
			if ps[i].Answer < 0 || ps[i].Answer > options {
				return p.Invalid("answer", "the follow-up answer is an option from 1 to %d, or 0 for none", options)
			}
			if ps[i].At.After(now.Add(maxFutureSkew)) || ps[i].At.Before(now.Add(-maxPressAge)) {
				return p.Invalid("at", "a press must be from the last 90 days, not %s", ps[i].At.UTC().Format(time.RFC3339))
			}
		}
		sort.SliceStable(ps, func(i, j int) bool { return ps[i].At.Before(ps[j].At) })
		f.l.pressMu.Lock()
		last := f.l.lastPress[device]
		f.l.pressMu.Unlock()
		for _, v := range tx.Pending(stageKey{}) { // earlier presses of this group
			if t, ok := v.(*delta).presses[device]; ok && t.After(last) {
				last = t
			}
		}
		interval := f.l.cfg.PressInterval
		recs := make([]PressRecord, len(ps))
		res = PressResult{}
		for i, pr := range ps {
			gap := pr.At.Sub(last)
			repeat := !last.IsZero() && gap < interval && gap > -interval
			recs[i] = PressRecord{H: unixHour(pr.At), R: pr.Rating, A: pr.Answer, F: repeat}
			if repeat {
				res.Filtered++
				recs[i] = PressRecord{H: recs[i].H, F: true}
			} else {
				res.Counted++
			}
			last = pr.At
		}
		if err := tx.Emit(Pressed{Device: device, Service: d.Service, Presses: recs}); err != nil {
			return err
		}
		st := f.l.stage(tx)
		if st.presses == nil {
			st.presses = map[p.ID]time.Time{}
		}
		st.presses[device] = last
		return nil
	}()
	if err != nil {
		return PressResult{}, err
	}
	return res, nil
}

// ReplyRequest asks for a reply to feedback: how to reach the sender.
type ReplyRequest struct {
	// Contact is an e-mail address or a phone number.
	Contact string `json:"contact"`
}

// Submission is feedback from the e-form or given in person (FB-3).
type Submission struct {
	Channel Channel  `json:"channel"`
	Service string   `json:"service"`
	Themes  []string `json:"themes,omitempty"`
	Rating  Rating   `json:"rating,omitempty"`
	// Text is scrubbed before it is stored (FB-2).
	Text string `json:"text,omitempty"`
	// WantReceipt asks for a receipt code (FB-6).
	WantReceipt bool `json:"wantReceipt,omitempty"`
	// Reply asks for a reply (FB-7).
	Reply *ReplyRequest `json:"reply,omitempty"`
}

// SubmitResult is what the sender gets back.
type SubmitResult struct {
	// Item identifies an item with text, a receipt or a reply.
	Item p.ID `json:"item,omitzero"`
	// Receipt is the receipt code, shown this once and never stored.
	Receipt string `json:"receipt,omitempty"`
	// Contribution is the item's contribution in the loop, when it asked
	// for a receipt or a reply.
	Contribution p.ID `json:"contribution,omitzero"`
	// Text is the text as stored, scrubbed; Redactions how many things
	// scrubbing removed.
	Text       string `json:"text,omitempty"`
	Redactions int    `json:"redactions"`
}

// Submit stores anonymous feedback. Free text is scrubbed first (FB-2);
// nothing about the sender is stored, and the time only to the hour
// (FB-1). With WantReceipt the sender gets a receipt code (FB-6); with a
// Reply the contact is sealed apart from the item (FB-7); either makes
// the item a contribution in the loop. When a theme reaches the module's
// threshold in a service in a month, the theme becomes a contribution too.
func (f *Service) Submit(ctx context.Context, actor p.Actor, in Submission) (SubmitResult, error) {
	if err := f.ready(); err != nil {
		return SubmitResult{}, err
	}
	var res SubmitResult
	err := f.s.Exec(ctx, actor, ActionSubmit, func(tx *p.Tx) error {
		res = SubmitResult{}
		if in.Channel != EForm && in.Channel != InPerson {
			return p.Invalid("channel", "submit takes e_form or in_person; devices press and surveys are answered")
		}
		if in.Channel == InPerson && !slices.Contains([]p.Role{p.RoleStaff, p.RoleCoordinator}, actor.Role) {
			return p.Invalid("channel", "feedback given in person is entered by a worker")
		}
		var err error
		if in.Service, err = p.CheckName("service", in.Service, p.MaxCodeLen, true); err != nil {
			return err
		}
		themes, err := f.checkThemes(tx, in.Themes)
		if err != nil {
			return err
		}
		if in.Rating != 0 && !in.Rating.Valid() {
			return p.Invalid("rating", "a rating is a smiley from 1 to 4, or none")
		}
		text, err := p.CheckText("text", in.Text, p.MaxTextLen, false)
		if err != nil {
			return err
		}
		if text == "" && in.Rating == 0 {
			return p.Invalid("text", "feedback needs a rating or some text")
		}
		var contact string
		if in.Reply != nil {
			if contact, err = p.CheckName("reply.contact", in.Reply.Contact, maxContactLen, true); err != nil {
				return err
			}
			if !strings.Contains(contact, "@") && len(strings.Trim(contact, "+0123456789 -()")) > 0 {
				return p.Invalid("reply.contact", "give an e-mail address or a phone number")
			}
		}
		text, res.Redactions = Scrub(text)
		res.Text = text
		ev := Submitted{Channel: in.Channel, Service: in.Service, Themes: themes, Rating: in.Rating, Text: text, Redactions: res.Redactions}
		if text != "" || in.WantReceipt || in.Reply != nil {
			if ev.Item, err = tx.NewAnonymousID(); err != nil {
				return err
			}
			res.Item = ev.Item
		}
		if in.WantReceipt || in.Reply != nil {
			title := firstLine(text, p.MaxTitleLen)
			if title == "" {
				title = fmt.Sprintf("%s: %s", in.Service, in.Rating.Label(p.Finnish))
			}
			kind := "item"
			if in.Reply != nil {
				kind = "reply" // counted by the reply indicator
			}
			c, err := p.SubmitContribution(tx, p.ContributionInput{
				Source: p.Source{Module: sourceModule, Kind: kind, Ref: ev.Item}, Level: p.LevelFeedback,
				Origin: p.OriginClient, Service: in.Service, Title: title,
			})
			if err != nil {
				return err
			}
			ev.Contribution, res.Contribution = c.ID, c.ID
		}
		if in.WantReceipt {
			code, err := newReceiptCode()
			if err != nil {
				return err
			}
			res.Receipt, ev.Receipt = code, receiptHash(code)
		}
		if err := tx.Emit(ev); err != nil {
			return err
		}
		if in.Reply != nil {
			subject, err := tx.NewAnonymousID()
			if err != nil {
				return err
			}
			sealed, err := tx.Seal(subject, []byte(contact))
			if err != nil {
				return err
			}
			if err := tx.Emit(ReplyRequested{Item: ev.Item, Subject: subject, Contact: sealed}); err != nil {
				return err
			}
		}
		return f.themeContributions(tx, in.Service, themes)
	})
	return res, err
}

// checkThemes checks that the themes are defined — in the committed
// state, or earlier in this command — and returns them sorted, without
// repeats.
func (f *Service) checkThemes(tx *p.Tx, themes []string) ([]string, error) {
	if len(themes) == 0 {
		return nil, nil
	}
	if len(themes) > MaxThemes {
		return nil, p.Invalid("themes", "an item has at most %d themes", MaxThemes)
	}
	out := make([]string, 0, len(themes))
	f.l.mu.RLock()
	for _, t := range themes {
		if !f.l.defined[t] {
			f.l.mu.RUnlock()
			if _, ok, err := p.Lookup[*Theme](tx, tableThemes, "id", t); err != nil {
				return nil, err
			} else if !ok {
				return nil, p.Invalid("themes", "theme %q is not defined; define it first", truncate(t, 40))
			}
			f.l.mu.RLock()
		}
		if !slices.Contains(out, t) {
			out = append(out, t)
		}
	}
	f.l.mu.RUnlock()
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out, nil
}

// themeContributions turns a theme raised often into a contribution: the
// item that makes the month's count reach the threshold starts it.
func (f *Service) themeContributions(tx *p.Tx, service string, themes []string) error {
	limit := f.l.cfg.ThemeThreshold
	if limit < 0 {
		return nil
	}
	hour := unixHour(tx.Now())
	for _, th := range themes {
		if f.l.monthCount(service, th, hour)+f.l.pendingMonthCount(tx, service, th, hour)+1 != limit {
			continue
		}
		_, month := f.l.calendar(hour)
		t, _, err := p.Lookup[*Theme](tx, tableThemes, "id", th)
		if err != nil {
			return err
		}
		_, err = p.SubmitContribution(tx, p.ContributionInput{
			Source: p.Source{Module: sourceModule, Kind: "theme"}, Level: p.LevelFeedback, Origin: p.OriginClient, Service: service,
			Title: truncate(fmt.Sprintf("%s: %d palautetta kuussa %d-%02d", t.Labels.Fi, limit, month/12, month%12+1), p.MaxTitleLen),
		})
		if err != nil {
			return err
		}
	}
	return nil
}

func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n-1]) + "…"
	}
	return s
}

func firstLine(s string, max int) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		s = s[:i]
	}
	return truncate(strings.TrimSpace(s), max)
}

// newReceiptCode draws 20 symbols from an alphabet without look-alikes
// (98 bits), grouped by four: "K7QH-2MZC-9TXA-BRW4-HN3D".
func newReceiptCode() (string, error) {
	var raw [receiptLen]byte
	var b strings.Builder
	for i := 0; i < receiptLen; {
		if _, err := rand.Read(raw[:]); err != nil {
			return "", p.Internal(err, "reading randomness for a receipt")
		}
		for _, c := range raw {
			// Rejection sampling keeps every symbol equally likely.
			if int(c) >= 256/len(receiptSymbols)*len(receiptSymbols) || i == receiptLen {
				continue
			}
			if i > 0 && i%4 == 0 {
				b.WriteByte('-')
			}
			b.WriteByte(receiptSymbols[int(c)%len(receiptSymbols)])
			i++
		}
	}
	return b.String(), nil
}

// NormalizeReceipt turns a typed code into its canonical form: upper
// case, without spaces and dashes. It fails with EINVALID on anything
// that is not a receipt code, such as a symbol outside the alphabet.
func NormalizeReceipt(code string) (string, error) {
	if len(code) > 64 {
		return "", p.Invalid("receipt", "a receipt code has %d symbols", receiptLen)
	}
	var b strings.Builder
	for _, r := range strings.ToUpper(code) {
		if r == '-' || r == ' ' {
			continue
		}
		if r > 127 || !strings.ContainsRune(receiptSymbols, r) {
			return "", p.Invalid("receipt", "a receipt code has only the symbols %s", receiptSymbols)
		}
		b.WriteRune(r)
	}
	if b.Len() != receiptLen {
		return "", p.Invalid("receipt", "a receipt code has %d symbols, not %d", receiptLen, b.Len())
	}
	return b.String(), nil
}

func receiptHash(code string) string {
	norm, _ := NormalizeReceipt(code)
	sum := sha256.Sum256([]byte("osallisuus receipt\x00" + norm))
	return hex.EncodeToString(sum[:])
}

// ReceiptView is all a receipt shows (FB-6): where the feedback stands in
// the loop and the organisation's response. Nothing about the feedback
// itself.
type ReceiptView struct {
	State    p.State    `json:"state"`
	Decision p.Decision `json:"decision,omitempty"`
	Response string     `json:"response,omitempty"`
	// Updated is the day of the latest step.
	Updated string `json:"updated"`
	// Proof holds inclusion proofs, under a checkpoint the county signed,
	// of the journal events that recorded the item and, once they exist,
	// the decision and the response, in that order (LOOP-2). It carries
	// hashes only; verify it with package merkle's VerifyProofs and the
	// county's public key. Nil when the store keeps no verifiable history.
	Proof *p.EventProofs `json:"proof,omitempty"`
	// Events are the sequence numbers of the journal events Proof proves,
	// in the same order: set also when the store keeps no history, so
	// that whoever keeps the journal's tree (the demo's page) can prove
	// them.
	Events []uint64 `json:"events"`
}

// LookupReceipt shows what became of the feedback a receipt code was
// given for. Every code that finds nothing, malformed or unknown, gets
// the same ENOTFOUND error with the same message, so a look-up tells
// nothing about a code but whether it finds feedback.
func LookupReceipt(r p.Reader, code string) (ReceiptView, error) {
	notFound := p.Errorf(p.ENOTFOUND, "no feedback has this receipt code; check it against the code shown (%d symbols in groups of four)", receiptLen)
	if _, err := NormalizeReceipt(code); err != nil {
		return ReceiptView{}, notFound
	}
	row, ok, err := p.Lookup[*receiptRow](r, tableReceipts, "id", receiptHash(code))
	if err != nil {
		return ReceiptView{}, err
	}
	if !ok {
		return ReceiptView{}, notFound
	}
	c, err := p.GetContribution(r, row.Contribution)
	if err != nil {
		return ReceiptView{}, err
	}
	last := c.History[len(c.History)-1].At
	view := ReceiptView{State: c.State, Decision: c.Decision, Response: c.Response, Updated: last.Format(time.DateOnly)}
	seqs := []uint64{row.Seq}
	for _, step := range c.History {
		if (step.State == p.StateDecided || step.State == p.StateReportedBack) && step.Seq != 0 {
			seqs = append(seqs, step.Seq)
		}
	}
	view.Events = seqs
	if view.Proof, err = p.ProveEvents(r, seqs...); err != nil {
		return ReceiptView{}, err
	}
	return view, nil
}

// ContactFor opens the contact of a sender who asked for a reply, for the
// worker who writes it. Once the reply is recorded the contact is gone.
func (f *Service) ContactFor(actor p.Actor, item p.ID) (string, error) {
	if err := f.s.Policy().Authorize(actor, ActionReadContact); err != nil {
		return "", err
	}
	row, ok, err := p.Lookup[*replyRow](f.s.View(), tableReplies, "id", item)
	if err != nil {
		return "", err
	}
	if !ok {
		return "", p.Errorf(p.ENOTFOUND, "no reply was asked for item %s", item)
	}
	b, err := f.s.Vault().Open(row.Contact)
	if err != nil {
		return "", err
	}
	return string(b), nil
}

// Reply records that the reply was sent (FB-7): the item's contribution
// is decided, if it was not yet, and reported back with the response, and
// the sender's contact is erased in the same command.
func (f *Service) Reply(ctx context.Context, actor p.Actor, item p.ID, decision p.Decision, reason, response string) error {
	return f.s.Exec(ctx, actor, ActionReply, func(tx *p.Tx) error {
		row, ok, err := p.Lookup[*replyRow](tx, tableReplies, "id", item)
		if err != nil {
			return err
		}
		if !ok {
			return p.Errorf(p.ENOTFOUND, "no reply was asked for item %s", item)
		}
		if row.Replied {
			return p.Errorf(p.ECONFLICT, "item %s was already replied to", item)
		}
		c, err := p.GetContribution(tx, row.Contribution)
		if err != nil {
			return err
		}
		if !c.Reached(p.StateDecided) {
			if _, err := p.AdvanceContribution(tx, c.ID, p.StateDecided, decision, reason); err != nil {
				return err
			}
		}
		if _, err := p.AdvanceContribution(tx, c.ID, p.StateReportedBack, "", response); err != nil {
			return err
		}
		if err := p.EraseSubjectTx(tx, row.Subject, "reply sent"); err != nil {
			return err
		}
		return tx.Emit(Replied{Item: item})
	})
}

// SurveyInput creates a survey.
type SurveyInput struct {
	Title     Text
	Service   string
	Themes    []string
	Questions []Question
	Opens     time.Time
	Closes    time.Time
	National  bool
}

// CreateSurvey creates a survey (FB-8). A National survey is held to the
// shape of the national client feedback.
func (f *Service) CreateSurvey(ctx context.Context, actor p.Actor, in SurveyInput) (*SurveyInfo, error) {
	if err := f.ready(); err != nil {
		return nil, err
	}
	var out *SurveyInfo
	err := f.s.Exec(ctx, actor, ActionCreateSurvey, func(tx *p.Tx) error {
		title, err := in.Title.validate("title", p.MaxTitleLen)
		if err != nil {
			return err
		}
		if in.Service, err = p.CheckName("service", in.Service, p.MaxCodeLen, true); err != nil {
			return err
		}
		themes, err := f.checkThemes(tx, in.Themes)
		if err != nil {
			return err
		}
		qs, err := validateQuestions(in.Questions, in.National)
		if err != nil {
			return err
		}
		if in.Opens.IsZero() {
			in.Opens = tx.Now()
		}
		if !in.Closes.IsZero() && !in.Closes.After(in.Opens) {
			return p.Invalid("closes", "a survey closes after it opens")
		}
		id, err := tx.NewID()
		if err != nil {
			return err
		}
		s := SurveyInfo{ID: id, Title: title, Service: in.Service, Themes: themes, Questions: qs,
			Opens: in.Opens.UTC(), Closes: in.Closes.UTC(), National: in.National}
		if in.Closes.IsZero() {
			s.Closes = time.Time{}
		}
		if err := tx.Emit(SurveyCreated{Survey: s}); err != nil {
			return err
		}
		out, _, err = p.Lookup[*SurveyInfo](tx, tableSurveys, "id", id)
		return err
	})
	return out, err
}

// AnswerSurvey records one anonymous response (FB-8); free text is
// scrubbed. A closed survey refuses answers.
func (f *Service) AnswerSurvey(ctx context.Context, actor p.Actor, survey p.ID, answers []Answer) error {
	if err := f.ready(); err != nil {
		return err
	}
	return f.s.Exec(ctx, actor, ActionAnswerSurvey, func(tx *p.Tx) error {
		s, ok, err := p.Lookup[*SurveyInfo](tx, tableSurveys, "id", survey)
		if err != nil {
			return err
		}
		if !ok {
			return p.Errorf(p.ENOTFOUND, "survey %s not found", survey)
		}
		if !s.OpenAt(tx.Now()) {
			return p.Errorf(p.ECONFLICT, "the survey is not open now")
		}
		clean, n, err := checkAnswers(s, answers)
		if err != nil {
			return err
		}
		return tx.Emit(SurveyAnswered{Survey: survey, Answers: clean, Redactions: n})
	})
}

// Results returns a survey's per-question results, suppressed.
func (f *Service) Results(survey p.ID) (SurveyResults, error) {
	if err := f.ready(); err != nil {
		return SurveyResults{}, err
	}
	s, ok, err := p.Lookup[*SurveyInfo](f.s.View(), tableSurveys, "id", survey)
	if err != nil {
		return SurveyResults{}, err
	}
	if !ok {
		return SurveyResults{}, p.Errorf(p.ENOTFOUND, "survey %s not found", survey)
	}
	return f.l.surveyResults(s), nil
}

// Devices lists the registered devices.
func Devices(r p.Reader) ([]*DeviceInfo, error) {
	return p.Collect[*DeviceInfo](r, tableDevices, "id", nil)
}

// Themes lists the defined themes.
func Themes(r p.Reader) ([]*Theme, error) { return p.Collect[*Theme](r, tableThemes, "id", nil) }

// Count returns how many items are stored.
func (f *Service) Count() int {
	f.l.mu.RLock()
	defer f.l.mu.RUnlock()
	return f.l.n
}
