//go:build js && wasm

// Command module is the WebAssembly module of the browser demo. It puts
// one object on the page, globalThis.osallisuus:
//
//	open(journal, keys)   Promise<OpenResult>: replay the saved state
//	call(method, args)    Promise<any>: run a method of package api
//	pending()             {lines, keys}: what to append to the saved journal
//	methods               the method names
//
// Arguments and results are plain objects (JSON underneath, enums as
// strings); a failed call rejects with an Error carrying code, and field
// when the library named one; a refusal also carries action, role and
// allowed (the roles the policy allows the action to).
package main

import (
	"syscall/js"

	"github.com/osallisuus/osallisuus/api"
)

func main() {
	register()
	js.Global().Set("osallisuusLoaded", true)
	js.Global().Call("dispatchEvent", js.Global().Get("Event").New("osallisuus-ready"))
	select {}
}

var app *api.App

// register puts the API object on the page.
func register() {
	obj := js.Global().Get("Object").New()
	obj.Set("open", js.FuncOf(func(this js.Value, args []js.Value) any {
		journal, keys := stringArg(args, 0), stringArg(args, 1)
		return promise(func() (any, *api.Error) {
			a, err := api.Open(journal, keys)
			if err != nil {
				return nil, &api.Error{Code: "internal", Message: err.Error()}
			}
			app = a
			return toJS(mustJSON(a.Verify)), nil
		})
	}))
	obj.Set("call", js.FuncOf(func(this js.Value, args []js.Value) any {
		method := stringArg(args, 0)
		// No argument, undefined or null mean none; anything else must be
		// an object, never silently replaced by one.
		arg, bad := "{}", ""
		if len(args) > 1 {
			switch t := args[1].Type(); t {
			case js.TypeUndefined, js.TypeNull:
			case js.TypeObject:
				if js.Global().Get("Array").Call("isArray", args[1]).Bool() {
					bad = "an array"
				} else {
					arg = js.Global().Get("JSON").Call("stringify", args[1]).String()
				}
			default:
				bad = "a " + t.String()
			}
		}
		return promise(func() (any, *api.Error) {
			if bad != "" {
				return nil, &api.Error{Code: "invalid", Message: "the argument of " + method + " is " + bad + "; pass an object with the method's fields, or nothing"}
			}
			if app == nil {
				return nil, &api.Error{Code: "invalid", Message: "call open first"}
			}
			out, err := app.Call(method, []byte(arg))
			if err != nil {
				return nil, err
			}
			return toJS(out), nil
		})
	}))
	obj.Set("pending", js.FuncOf(func(this js.Value, args []js.Value) any {
		res := js.Global().Get("Object").New()
		if app == nil {
			res.Set("lines", "")
			res.Set("keys", "")
			return res
		}
		lines, keys := app.Pending()
		res.Set("lines", lines)
		res.Set("keys", keys)
		return res
	}))
	methods := js.Global().Get("Array").New()
	for _, m := range api.Methods() {
		methods.Call("push", m)
	}
	obj.Set("methods", methods)
	js.Global().Set("osallisuus", obj)
}

func stringArg(args []js.Value, i int) string {
	if len(args) > i && args[i].Type() == js.TypeString {
		return args[i].String()
	}
	return ""
}

func mustJSON(v any) []byte {
	b, _ := jsonMarshal(v)
	return b
}

func toJS(b []byte) js.Value { return js.Global().Get("JSON").Call("parse", string(b)) }

// promise runs work in a goroutine, so the page never waits on Go, and
// settles a Promise with its result; panics become rejections.
func promise(work func() (any, *api.Error)) js.Value {
	var executor js.Func
	executor = js.FuncOf(func(this js.Value, args []js.Value) any {
		resolve, reject := args[0], args[1]
		go func() {
			defer executor.Release()
			var out any
			var err *api.Error
			func() {
				defer func() {
					if r := recover(); r != nil {
						err = &api.Error{Code: "internal", Message: "the call failed"}
					}
				}()
				out, err = work()
			}()
			if err != nil {
				e := js.Global().Get("Error").New(err.Message)
				e.Set("code", err.Code)
				if err.Field != "" {
					e.Set("field", err.Field)
				}
				if err.Action != "" {
					allowed := js.Global().Get("Array").New()
					for _, r := range err.Allowed {
						allowed.Call("push", r)
					}
					e.Set("action", err.Action)
					e.Set("role", err.Role)
					e.Set("allowed", allowed)
				}
				reject.Invoke(e)
				return
			}
			resolve.Invoke(out)
		}()
		return nil
	})
	return js.Global().Get("Promise").New(executor)
}
