//go:build !(js && wasm)

package api

import (
	"reflect"
	"sync"

	"github.com/osallisuus/osallisuus/expert"
	"github.com/osallisuus/osallisuus/feedback"
	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

// The service side of the method layer: an App over a server's journal,
// called with the caller an edge authenticated. It is left out of the
// browser's WebAssembly module, which only ever acts as the page's role,
// to keep the module small.

// Config configures an App that serves callers the edge authenticates
// (see [New]). A nil Config means a journal and keys in memory.
type Config struct {
	// Journal stores the events; nil means a new [p.MemoryJournal].
	Journal p.Journal
	// Keys holds the vault's keys; nil means a new [p.MemoryKeyStore].
	Keys p.KeyStore
	// Roles overrides the roles allowed to run an action (PART-7), as
	// [p.Config.Roles]; nil keeps the modules' defaults.
	Roles map[p.Action][]p.Role
	// Modules are an edge's own modules, registered besides the
	// library's (an HTTP service keeps its device tokens in one).
	Modules []p.Module
	// Clock tells the store the time; nil means the wall clock. Tests pass
	// a [p.ManualClock] to move past the hour in which anonymous commands
	// are held (PRIV-1) and call [p.Store.Release].
	Clock p.Clock
	// History, if set, is the verifiable history the store keeps and signs
	// (LOOP-2): package merkle's Tree with the county's signing key. Then
	// receipts carry proofs, and the methods checkpoint and consistency
	// answer.
	History p.History
}

// New opens an App over cfg's journal and keys for an edge that
// authenticates its callers and calls [App.CallAs]. The demo's own
// methods (see [DemoOnly]) are refused by it.
func New(cfg *Config) (*App, error) {
	if cfg == nil {
		cfg = &Config{}
	}
	a := &App{mu: &sync.Mutex{}, journal: cfg.Journal, keys: cfg.Keys, clock: &clock{base: cfg.Clock}, rand: &source{}, names: map[p.ID]string{}, served: true}
	if a.journal == nil {
		a.journal = p.NewMemoryJournal()
	}
	if a.keys == nil {
		a.keys = p.NewMemoryKeyStore()
	}
	a.roles, a.extra, a.history = cfg.Roles, cfg.Modules, cfg.History
	if err := a.open(); err != nil {
		return nil, err
	}
	a.Verify.Verified = true
	seq, hash := a.store.Head()
	a.Verify.Events, a.Verify.Head = seq, hash.String()
	return a, nil
}

// Store is the store the App runs over, for an edge that reads its change
// feed or policy.
func (a *App) Store() *p.Store { return a.store }

// Close closes the App's store.
func (a *App) Close() error { return a.store.Close() }

// CallAs runs one method as caller, the actor the edge authenticated
// (p.Anonymous for a caller who did not sign in), and returns JSON or an
// Error with the library's code. Calls run concurrently; the store
// serializes their writes. On an App made by [New] the demo's own methods
// (see [DemoOnly]) are refused with not_found.
func (a *App) CallAs(caller p.Actor, method string, arg []byte) ([]byte, *Error) {
	if caller.Role == "" {
		return nil, &Error{Code: p.EFORBIDDEN, Message: "the caller has no role; the edge must authenticate the caller or pass p.Anonymous"}
	}
	if a.served && DemoOnly(method) {
		return nil, &Error{Code: p.ENOTFOUND, Message: "no method " + method + " outside the demo"}
	}
	if err := allowed(caller, method); err != nil {
		return nil, err
	}
	c := *a // the call's own copy: its caller and action are its own
	c.caller, c.action, c.role = caller, "", string(caller.Role)
	return c.run(&c, method, arg)
}

// demoOnly are the methods that exist for the demo's page alone: its role
// switcher, its sample county, its two made-up devices (a service
// registers devices with their own tokens) and its lot of made-up
// volunteers.
var demoOnly = map[string]bool{"session": true, "session.role": true, "sample": true, "feedback.registerDevices": true, "panel.drawLot": true}

// DemoOnly reports whether method exists only for the demo's page (its
// role switcher, its sample county, its made-up devices and volunteers),
// and is refused by an App made by [New].
func DemoOnly(method string) bool { return demoOnly[method] }

// MethodInfo describes one method for an edge's contract (an OpenAPI
// document, say).
type MethodInfo struct {
	// Name is the method's name, as [App.CallAs] takes it.
	Name string
	// Input is the type the method's JSON argument decodes into: a
	// struct whose fields the argument may hold, spelt in camelCase (or
	// as their json tags say), and no other.
	Input reflect.Type
	// Output is the type of the method's answer, as encoding/json
	// writes it; [Null] for a method that answers nothing.
	Output reflect.Type
	// Access says who may call the method.
	Access Access
}

// Describe returns every method an App made by [New] serves, sorted by
// name: the demo's own methods are left out.
func Describe() []MethodInfo {
	var out []MethodInfo
	for _, m := range Methods() {
		if DemoOnly(m) {
			continue
		}
		out = append(out, MethodInfo{Name: m, Input: inputs[m], Output: outputs[m], Access: AccessOf(m)})
	}
	return out
}

// describe says the method table records each method's argument type.
const describe = true

func typeOf[T any]() reflect.Type { return reflect.TypeFor[T]() }

// Enums returns, for each enumerated type a method's argument or answer
// may hold, the values it has, for an edge's contract: the same lists
// the page labels (see the method labels).
func Enums() map[reflect.Type][]any {
	out := map[reflect.Type][]any{}
	add := func(t reflect.Type, n int, at func(int) any) {
		vals := make([]any, n)
		for i := range vals {
			vals[i] = at(i)
		}
		out[t] = vals
	}
	enum(add, p.Levels)
	enum(add, p.States)
	enum(add, p.Decisions)
	enum(add, p.Roles)
	enum(add, p.Phases)
	enum(add, p.FamilyScopes)
	enum(add, p.Scopes)
	enum(add, p.Langs)
	enum(add, p.Channels)
	enum(add, []p.GoalState{p.GoalActive, p.GoalReached})
	enum(add, []p.ProcessRole{p.ProcessClient, p.ProcessFamily, p.ProcessExpert, p.ProcessDeveloperClient, p.ProcessStaff, p.ProcessManagement})
	enum(add, panel.Positions)
	enum(add, panel.MemberTypes)
	enum(add, panel.Kinds)
	enum(add, feedback.Channels)
	enum(add, feedback.Ratings)
	enum(add, feedback.Tasks)
	enum(add, expert.Kinds)
	enum(add, expert.Backgrounds)
	enum(add, expert.AssignmentTypes)
	enum(add, assignmentStates)
	return out
}

func enum[T any](add func(reflect.Type, int, func(int) any), vals []T) {
	add(reflect.TypeFor[T](), len(vals), func(i int) any { return vals[i] })
}
