//go:build js && wasm

package main

import (
	"bytes"
	"context"
	"syscall/js"
	"testing"

	p "github.com/osallisuus/osallisuus/participation"
)

// await waits for a Promise and returns its value or its error's code.
func await(p js.Value) (js.Value, string) {
	done := make(chan struct{})
	var val js.Value
	var code string
	then := js.FuncOf(func(this js.Value, args []js.Value) any { val = args[0]; close(done); return nil })
	catch := js.FuncOf(func(this js.Value, args []js.Value) any { code = args[0].Get("code").String(); close(done); return nil })
	defer then.Release()
	defer catch.Release()
	p.Call("then", then, catch)
	<-done
	return val, code
}

func TestGlue(t *testing.T) {
	register()
	o := js.Global().Get("osallisuus")
	res, code := await(o.Call("open", "", ""))
	if code != "" || !res.Get("verified").Bool() {
		t.Fatalf("open: %s %v", code, res)
	}
	arg := js.Global().Get("Object").New()
	arg.Set("text", "soita 040 123 4567")
	res, code = await(o.Call("call", "feedback.preview", arg))
	if code != "" || res.Get("text").String() != "soita [puhelin]" {
		t.Fatalf("preview: %s %v", code, res)
	}
	_, code = await(o.Call("call", "no.such", arg))
	if code != "not_found" {
		t.Fatalf("an unknown method rejects with not_found, got %q", code)
	}
	bad := js.Global().Get("Object").New()
	bad.Set("panel", "not-an-id")
	_, code = await(o.Call("call", "panel.status", bad))
	if code != "invalid" {
		t.Fatalf("a bad id rejects with invalid, got %q", code)
	}
	before := o.Call("pending").Get("lines").String()
	for _, v := range []any{"panel", 42, true, js.Global().Get("Array").New()} {
		if _, code = await(o.Call("call", "panel.create", v)); code != "invalid" {
			t.Fatalf("an argument that is not an object (%v) rejects with invalid, got %q", v, code)
		}
	}
	if o.Call("pending").Get("lines").String() != before {
		t.Fatal("a refused argument ran the method")
	}
	res, _ = await(o.Call("call", "panel.create", js.Global().Get("Object").New()))
	if res.Get("panel").Get("name").String() == "" {
		t.Fatal("panel.create returned no panel")
	}
	pending := o.Call("pending")
	if pending.Get("lines").String() == "" {
		t.Fatal("a committed command leaves lines to save")
	}
	// Each role's inbox is in the module (LOOP-1): the page's person
	// reads their contact preference and messages, and sets a preference
	// (a bad channel is invalid, not an unknown method).
	if _, code = await(o.Call("call", "contact")); code != "" {
		t.Fatalf("LOOP-1: contact is served by the module, got %q", code)
	}
	ch := js.Global().Get("Object").New()
	ch.Set("channel", "pigeon")
	if _, code = await(o.Call("call", "contact.set", ch)); code != "invalid" {
		t.Fatalf("LOOP-1: contact.set is served by the module and refuses a bad channel, got %q", code)
	}
	if o.Get("methods").Length() < 20 {
		t.Fatal("methods are listed")
	}
}

// TestExportRefused: the browser's module carries no dumps of module
// state, so Store.Export refuses rather than write a snapshot without them.
func TestExportRefused(t *testing.T) {
	s, err := p.Open(context.Background(), &p.Config{Journal: p.NewMemoryJournal(), Keys: p.NewMemoryKeyStore()})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	var b bytes.Buffer
	if err := s.Export(&b); p.ErrorCode(err) != p.EINVALID || b.Len() != 0 {
		t.Fatalf("Export in the browser's module: %v, %d bytes written", err, b.Len())
	}
}
