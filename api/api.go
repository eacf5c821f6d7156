// Package api is the JSON method layer of every edge: one method name and
// a JSON argument in, JSON out, over a store with every module. It is
// plain Go with no dependency beyond the library, so it is tested
// natively and under node alike. The caller's identity comes from the
// edge: the browser demo's glue (package wasm/module) calls [App.Call],
// which acts as the role chosen in the page; an HTTP service calls
// [App.CallAs] with the actor it authenticated.
package api

import (
	"bytes"
	"context"
	crand "crypto/rand"
	"encoding/base64"
	"encoding/json"
	"errors"
	"io"
	"math"
	"reflect"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"github.com/osallisuus/osallisuus/expert"
	"github.com/osallisuus/osallisuus/feedback"
	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

// The demo's own actors: an evaluator plays each role in turn.
var (
	Coordinator = p.Actor{ID: p.MustParseID("0190de00-0000-7000-8000-0000000000c1"), Role: p.RoleCoordinator}
	Manager     = p.Actor{ID: p.MustParseID("0190de00-0000-7000-8000-0000000000c2"), Role: p.RoleManager}
	Worker      = p.Actor{ID: p.MustParseID("0190de00-0000-7000-8000-0000000000c3"), Role: p.RoleStaff}
)

// clock is the wall clock (or an edge's, see [Config.Clock]) — moved on
// by the hours the evaluator skipped (see the method clock.nextHour) — or
// a simulated one while the sample county is generated.
type clock struct {
	mu     sync.Mutex
	base   p.Clock // nil: the wall clock
	fixed  time.Time
	offset time.Duration
}

func (c *clock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	if !c.fixed.IsZero() {
		return c.fixed
	}
	return c.now().Add(c.offset)
}

// now reads the underlying clock. Call with c.mu held.
func (c *clock) now() time.Time {
	if c.base != nil {
		return c.base.Now()
	}
	return time.Now()
}

// nextHour moves the clock on to the start of the next hour.
func (c *clock) nextHour() {
	c.mu.Lock()
	defer c.mu.Unlock()
	now := c.now().Add(c.offset)
	c.offset += now.Truncate(time.Hour).Add(time.Hour).Sub(now)
}

func (c *clock) set(t time.Time) {
	c.mu.Lock()
	c.fixed = t
	c.mu.Unlock()
}

// source is the randomness of ids, keys and receipt codes: crypto/rand,
// or a seeded generator while the sample county is drawn, so that the
// sample is the same on every load.
type source struct {
	mu     sync.Mutex
	seeded io.Reader
}

func (s *source) Read(b []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.seeded != nil {
		return io.ReadFull(s.seeded, b)
	}
	return crand.Read(b)
}

func (s *source) seed(r io.Reader) {
	s.mu.Lock()
	s.seeded = r
	s.mu.Unlock()
}

// App is one browser session's model.
type App struct {
	mu      *sync.Mutex // serializes the demo's calls, which share role
	store   *p.Store
	journal p.Journal
	keys    p.KeyStore
	clock   *clock
	rand    *source
	ids     *p.IDGen
	panels  *panel.Panels
	fb      *feedback.Service
	experts *expert.Service
	saved   uint64 // events handed to the page for saving
	// savedKeys is the keys (and inbox) last handed to the page.
	savedKeys string
	names     map[p.ID]string
	Verify    OpenResult
	// role is the role the page acts in (see [Roles]); action is the
	// action the running method asked the library for, so that a refusal
	// can name it and the roles it is allowed to.
	role   string
	action p.Action
	// caller is the actor an edge authenticated for this call (see
	// [App.CallAs]); zero in the demo, which acts as role.
	caller p.Actor
	roles  map[p.Action][]p.Role
	extra  []p.Module
	// history is an edge's verifiable history (see Config.History).
	history p.History
	// served is true for an App made by [New]: the demo's own methods
	// (see [DemoOnly]) are refused.
	served bool
}

// OpenResult says what opening found in the saved state. Verified is
// true only when the whole saved journal was replayed and its chain
// checked; after damage (Error set) the app starts empty and Verified is
// false, so that the page never shows a check mark beside damage.
type OpenResult struct {
	Events   uint64 `json:"events"`
	Verified bool   `json:"verified"`
	Head     string `json:"head"`
	Error    string `json:"error,omitempty"`
	Millis   int64  `json:"millis"`
}

// SavedKeys is the vault's keys as the page stores them: id → base64;
// beside them, under [InboxEntry], the anonymous commands held for the
// end of their hour (PRIV-1), as a JSON list of the inbox's records, so
// that a reload within the hour does not lose them.
type SavedKeys map[string]string

// InboxEntry is the entry of [SavedKeys] that holds the inbox.
const InboxEntry = "inbox"

// Open replays a saved journal (lines of JSON) with its keys. A damaged
// journal is reported in the result, and the app starts empty.
func Open(journal string, keys string) (*App, error) {
	started := time.Now()
	mem := p.NewMemoryKeyStore()
	a := &App{mu: &sync.Mutex{}, journal: p.NewMemoryJournal(), keys: mem, clock: &clock{}, rand: &source{}, names: map[p.ID]string{}, role: RoleCoordinator}
	var saved SavedKeys
	if keys != "" {
		if err := json.Unmarshal([]byte(keys), &saved); err != nil {
			a.Verify.Error = "the saved keys do not read: " + err.Error()
			saved = nil
		}
	}
	if held := saved[InboxEntry]; held != "" {
		var recs []json.RawMessage
		if err := json.Unmarshal([]byte(held), &recs); err != nil {
			a.Verify.Error = "the saved inbox does not read: " + err.Error()
		} else if in, ok := a.memoryInbox(); ok {
			records := make([][]byte, len(recs))
			for i, r := range recs {
				records[i] = r
			}
			if err := in.Hold(context.Background(), records); err != nil {
				a.Verify.Error = "the saved inbox does not read: " + p.ErrorMessage(err)
			}
		}
	}
	for id, k := range saved {
		pid, err := p.ParseID(id)
		if err != nil {
			continue
		}
		raw, err := base64.StdEncoding.DecodeString(k)
		if err == nil && len(raw) == 32 {
			mem.Put(pid, raw)
		}
	}
	var events []p.Event
	for i, line := range strings.Split(journal, "\n") {
		if strings.TrimSpace(line) == "" {
			continue
		}
		e, err := p.ParseEvent([]byte(line))
		if err != nil {
			a.Verify.Error = (&p.CorruptError{Seq: uint64(len(events) + 1), Reason: err.Error()}).Error()
			_ = i
			events = nil
			break
		}
		events = append(events, e)
	}
	// Keep whole commands only, as the file journal does with a torn tail.
	for len(events) > 0 && !events[len(events)-1].End {
		events = events[:len(events)-1]
	}
	if len(events) > 0 {
		if err := a.journal.Append(context.Background(), events); err != nil {
			a.Verify.Error = err.Error()
			a.journal = p.NewMemoryJournal()
		}
	}
	if err := a.open(); err != nil {
		if a.Verify.Error == "" {
			a.Verify.Error = p.ErrorMessage(err)
		}
		a.journal, a.keys = p.NewMemoryJournal(), p.NewMemoryKeyStore()
		if err := a.open(); err != nil {
			return nil, err
		}
	}
	// Opening replayed the journal and checked every hash link on the way,
	// so the head it reached is verified.
	seq, hash := a.store.Head()
	a.Verify.Verified = a.Verify.Error == ""
	a.Verify.Events, a.Verify.Head = seq, hash.String()
	a.saved = seq
	a.Verify.Millis = time.Since(started).Milliseconds()
	return a, nil
}

func (a *App) open() error {
	a.ids = p.NewIDGen(a.rand)
	s, err := p.Open(context.Background(), &p.Config{Journal: a.journal, Keys: a.keys, Clock: a.clock, Rand: a.rand, Roles: a.roles, History: a.history,
		Modules: append([]p.Module{panel.Module(), feedback.Module(&feedback.Config{ThemeThreshold: 8}), expert.Module(nil)}, a.extra...)})
	if err != nil {
		return err
	}
	a.store, a.panels, a.fb, a.experts = s, panel.New(s), feedback.New(s), expert.New(s)
	return nil
}

// Pending returns the events committed since the last call, as journal
// lines for the page to append to its saved journal, and the vault's keys
// when they changed.
func (a *App) Pending() (lines string, keys string) {
	a.mu.Lock()
	defer a.mu.Unlock()
	var b bytes.Buffer
	_ = a.journal.Read(context.Background(), a.saved+1, func(e p.Event) error {
		b.Write(e.AppendJSON(nil))
		b.WriteByte('\n')
		a.saved = e.Seq
		return nil
	})
	keys = a.keysJSON()
	if b.Len() == 0 && keys == a.savedKeys {
		return "", ""
	}
	a.savedKeys = keys
	return b.String(), keys
}

func (a *App) keysJSON() string {
	out := SavedKeys{}
	mem, ok := a.keys.(*p.MemoryKeyStore)
	if !ok {
		return ""
	}
	for _, id := range mem.Subjects() {
		if k, ok, _ := mem.Get(id); ok {
			out[id.String()] = base64.StdEncoding.EncodeToString(k)
		}
	}
	if in, ok := a.memoryInbox(); ok {
		if recs, err := in.Load(context.Background()); err == nil && len(recs) > 0 {
			raw := make([]json.RawMessage, len(recs))
			for i, r := range recs {
				raw[i] = r
			}
			held, _ := json.Marshal(raw)
			out[InboxEntry] = string(held)
		}
	}
	b, _ := json.Marshal(out)
	return string(b)
}

// memoryInbox is the inbox of the page's memory journal, where anonymous
// commands wait for the end of their hour (PRIV-1); the page saves it.
func (a *App) memoryInbox() (p.Inbox, bool) {
	mj, ok := a.journal.(*p.MemoryJournal)
	if !ok {
		return nil, false
	}
	in, err := mj.Inbox()
	return in, err == nil
}

// Error is what a failed call returns to the page. Field names the
// argument at fault, when the library named one. A refusal (code
// forbidden) names the action refused, the role that asked and the roles
// the policy allows it to, so that the page can explain the rule in its
// own language.
type Error struct {
	Code    string   `json:"code"`
	Message string   `json:"message"`
	Field   string   `json:"field,omitempty"`
	Action  string   `json:"action,omitempty"`
	Role    string   `json:"role,omitempty"`
	Allowed []string `json:"allowed,omitempty"`
}

// Call runs one method with a JSON argument and returns JSON, or an
// Error with the library's code. It acts as the role the page chose with
// the method session.role.
func (a *App) Call(method string, arg []byte) ([]byte, *Error) {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.run(a, method, arg)
}

// run runs method on c, reporting a refusal against a's policy.
func (a *App) run(c *App, method string, arg []byte) ([]byte, *Error) {
	h, ok := methods[method]
	if !ok {
		return nil, &Error{Code: p.ENOTFOUND, Message: "no method " + method}
	}
	if len(bytes.TrimSpace(arg)) == 0 {
		arg = []byte("{}")
	}
	c.action = ""
	out, err := func() (out any, err error) {
		defer func() {
			if r := recover(); r != nil {
				err = p.Errorf(p.EINTERNAL, "%s failed", method)
			}
		}()
		return h(c, arg)
	}()
	action, role := c.action, c.role
	if err != nil {
		e := &Error{Code: p.ErrorCode(err), Message: p.ErrorMessage(err)}
		var pe *p.Error
		if errors.As(err, &pe) {
			e.Field = pe.Field
		}
		if e.Code == p.EFORBIDDEN && action != "" {
			e.Action, e.Role = string(action), role
			for _, r := range a.store.Policy().Roles(action) {
				e.Allowed = append(e.Allowed, string(r))
			}
		}
		return nil, e
	}
	b, jerr := json.Marshal(out)
	if jerr != nil {
		return nil, &Error{Code: p.EINTERNAL, Message: "the answer does not encode"}
	}
	return b, nil
}

// Methods lists the method names, sorted.
func Methods() []string {
	out := make([]string, 0, len(methods))
	for m := range methods {
		out = append(out, m)
	}
	sort.Slice(out, func(i, j int) bool { return out[i] < out[j] })
	return out
}

type handler func(a *App, arg []byte) (any, error)

var methods = map[string]handler{}

// MaxArgument is the most bytes a method's argument may have: many times
// the longest text any method takes, so a page never needs more, and a
// hostile one cannot make a call read megabytes.
const MaxArgument = 64 << 10

// MaxDays is the longest period, in days, a report or the house covers:
// ten years.
const MaxDays = 3650

// decode reads a method's argument strictly: valid UTF-8 (with no lone
// surrogate escaped, which encoding/json would replace), at most
// MaxArgument bytes, exactly one JSON value with nothing after it, and
// no unknown field. Each refusal is an invalid error that says what to
// fix; the method does not run. v points to the method's argument.
func decode(arg []byte, v any) error {
	if len(arg) > MaxArgument {
		return p.Invalid("argument", "is %d bytes; the limit is %d", len(arg), MaxArgument)
	}
	if !utf8.Valid(arg) {
		return p.Invalid("argument", "is not valid UTF-8 text")
	}
	if at := loneSurrogate(arg); at >= 0 {
		return p.Invalid("argument", "escapes a lone surrogate at byte %d, which is not valid UTF-8 text", at)
	}
	dec := json.NewDecoder(bytes.NewReader(arg))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var se *json.SyntaxError
		if errors.As(err, &se) {
			return p.Invalid("argument", "is not JSON: %v", err)
		}
		var te *json.UnmarshalTypeError
		if errors.As(err, &te) && te.Field != "" {
			// The page spells fields in camelCase; the structs of the
			// methods name them in Go.
			field := strings.ToLower(te.Field[:1]) + te.Field[1:]
			switch te.Type.Kind() {
			case reflect.Int, reflect.Int64:
				lo, hi := int64(math.MinInt64), int64(math.MaxInt64)
				if field == "days" {
					lo, hi = 1, MaxDays
				}
				return p.Invalid(field, "takes a whole number in range %d..%d, not %s", lo, hi, te.Value)
			case reflect.Bool:
				return p.Invalid(field, "takes true or false, not %s", te.Value)
			}
			return p.Invalid(field, "takes a %s, not %s", te.Type, te.Value)
		}
		return p.Invalid("argument", "%v", err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return p.Invalid("argument", "has more after its JSON value, at byte %d; send exactly one object", dec.InputOffset())
	}
	return nil
}

// loneSurrogate returns the offset of the first \u escape of a UTF-16
// surrogate that is not a high one followed by a low one, or -1.
func loneSurrogate(b []byte) int {
	hex := func(i int) (rune, bool) {
		if i+6 > len(b) || b[i] != '\\' || b[i+1] != 'u' {
			return 0, false
		}
		n, err := strconv.ParseUint(string(b[i+2:i+6]), 16, 32)
		return rune(n), err == nil
	}
	for i := 0; i < len(b); i++ {
		if b[i] != '\\' {
			continue
		}
		r, ok := hex(i)
		if !ok {
			i++ // an escaped character, perhaps a backslash
			continue
		}
		switch {
		case r >= 0xd800 && r <= 0xdbff:
			if lo, ok := hex(i + 6); !ok || lo < 0xdc00 || lo > 0xdfff {
				return i
			}
			i += 11
		case r >= 0xdc00 && r <= 0xdfff:
			return i
		default:
			i += 5
		}
	}
	return -1
}

// days reads an optional number of days: absent means def; otherwise it
// must be from 1 to MaxDays.
func days(n *int, def int) (int, error) {
	if n == nil {
		return def, nil
	}
	if *n < 1 || *n > MaxDays {
		return 0, p.Invalid("days", "%d is out of range 1..%d", *n, MaxDays)
	}
	return *n, nil
}

// inputs and outputs hold each method's argument and result types, for
// an edge's contract.
var inputs, outputs = map[string]reflect.Type{}, map[string]reflect.Type{}

// method adds a method to the table. R is the type of its answer, which
// an edge's contract describes: a method declares the type it answers
// (not any), and one that answers nothing answers [Null].
func method[T, R any](name string, fn func(a *App, in T) (R, error)) {
	if describe { // false in the browser's module, which needs no contract
		inputs[name], outputs[name] = typeOf[T](), typeOf[R]()
	}
	methods[name] = call(reflect.ValueOf(fn))
}

// call makes the handler of a method's function: it decodes the argument
// into a new value of the function's argument type and calls it. It calls
// through reflect, not a generic wrapper: a wrapper for each pair of
// argument and answer types would add some 90 KB to the browser's module.
func call(fn reflect.Value) handler {
	in := fn.Type().In(1)
	return func(a *App, arg []byte) (any, error) {
		v := reflect.New(in)
		if err := decode(arg, v.Interface()); err != nil {
			return nil, err
		}
		out := fn.Call([]reflect.Value{reflect.ValueOf(a), v.Elem()})
		err, _ := out[1].Interface().(error)
		return out[0].Interface(), err
	}
}

// Null is the answer of a method that answers nothing: JSON null.
type Null struct{}

// MarshalJSON encodes n as null.
func (Null) MarshalJSON() ([]byte, error) { return []byte("null"), nil }

func (a *App) ctx() context.Context { return context.Background() }

type none struct{}
