package participation

import (
	"errors"
	"fmt"
	"reflect"
	"strings"
	"unicode/utf8"
)

// Error codes shared by every package of osallisuus. A caller branches on
// the code, never on the message. Domain packages add their own codes where
// a caller must tell a situation apart (for example panel's
// "not_constituted").
const (
	// EINVALID: the input breaks a rule or a limit; the message says which.
	EINVALID = "invalid"
	// ENOTFOUND: the thing named does not exist.
	ENOTFOUND = "not_found"
	// ECONFLICT: the input is well formed but contradicts the current
	// state (a step out of order, a duplicate).
	ECONFLICT = "conflict"
	// EFORBIDDEN: the actor's role may not do this (PART-7).
	EFORBIDDEN = "forbidden"
	// ECORRUPT: a journal is damaged; the message names the first bad
	// sequence number.
	ECORRUPT = "corrupt"
	// EERASED: sealed personal data was asked for after its key was
	// destroyed.
	EERASED = "erased"
	// EINTERNAL: a fault in the library, not in the input.
	EINTERNAL = "internal"
	// EUNAVAILABLE: storage cannot take the change: the journal is held
	// by another store, or a write, sync or truncate failed and the
	// journal refuses every change until it is closed and opened again.
	// The message names the cause. Nothing of the refused command is
	// stored.
	EUNAVAILABLE = "unavailable"
)

// Error is the one error type of osallisuus. Code is machine readable;
// Message is written for the person who has to fix the input. Field, when
// set, names the input field at fault.
type Error struct {
	Code    string
	Message string
	Field   string
	// Err is an underlying cause, kept for errors.Is and errors.As.
	Err error
}

// Error implements the error interface.
func (e *Error) Error() string {
	msg := e.Message
	if e.Field != "" {
		msg = e.Field + ": " + msg
	}
	if e.Err != nil {
		return fmt.Sprintf("%s: %s: %v", e.Code, msg, e.Err)
	}
	return e.Code + ": " + msg
}

// Unwrap returns the underlying cause.
func (e *Error) Unwrap() error { return e.Err }

// Errorf returns an *Error with the given code and a formatted message.
func Errorf(code, format string, args ...any) *Error {
	return &Error{Code: code, Message: fmt.Sprintf(format, clipArgs(format, args)...)}
}

// Invalid returns an EINVALID error about one input field.
func Invalid(field, format string, args ...any) *Error {
	return &Error{Code: EINVALID, Field: field, Message: fmt.Sprintf(format, clipArgs(format, args)...)}
}

// maxQuoted is how many characters of an input value an error message
// repeats: enough to recognise it, never a caller's whole over-long text.
const maxQuoted = 40

// clipArgs shortens the text arguments that format quotes (%q, the verb
// messages use for input) to maxQuoted characters, so that a message
// stays short whatever the input was. Arguments under other verbs are
// the library's own words and stay whole.
func clipArgs(format string, args []any) []any {
	copied := false
	n := 0 // the argument the next verb takes
	for i := 0; i < len(format); i++ {
		if format[i] != '%' {
			continue
		}
		i++
		for i < len(format) && strings.IndexByte("+-# 0123456789.", format[i]) >= 0 {
			i++
		}
		if i >= len(format) {
			break
		}
		if format[i] == '%' {
			continue
		}
		if format[i] == 'q' && n < len(args) {
			if v := reflect.ValueOf(args[n]); v.Kind() == reflect.String && utf8.RuneCountInString(v.String()) > maxQuoted {
				if !copied {
					args, copied = append([]any(nil), args...), true
				}
				args[n] = truncate(v.String(), maxQuoted)
			}
		}
		n++
	}
	return args
}

// truncate returns s cut to n characters, never inside one, and marked
// with an ellipsis when cut.
func truncate(s string, n int) string {
	for i := range s {
		if n == 0 {
			return s[:i] + "…"
		}
		n--
	}
	return s
}

// Internal wraps a storage or programming fault as an EINTERNAL error.
func Internal(err error, format string, args ...any) *Error {
	return &Error{Code: EINTERNAL, Message: fmt.Sprintf(format, args...), Err: err}
}

// ErrorCode returns the code of the first *Error in err's chain, EINTERNAL
// for any other non-nil error, and "" for nil.
func ErrorCode(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		return e.Code
	}
	return EINTERNAL
}

// ErrorMessage returns the human-readable message of the first *Error in
// err's chain (with the field it names), a generic text for any other
// non-nil error, and "" for nil.
func ErrorMessage(err error) string {
	if err == nil {
		return ""
	}
	var e *Error
	if errors.As(err, &e) {
		if e.Field != "" {
			return e.Field + ": " + e.Message
		}
		return e.Message
	}
	return "internal error"
}

// CorruptError reports damage in a journal: Seq is the sequence number of
// the first event that could not be read or whose hash link is broken.
type CorruptError struct {
	Seq    uint64
	Reason string
}

// Error implements the error interface.
func (e *CorruptError) Error() string {
	return fmt.Sprintf("corrupt: journal damaged at sequence %d: %s", e.Seq, e.Reason)
}

// As lets errors.As see a *CorruptError as an *Error with code ECORRUPT, so
// ErrorCode works on it.
func (e *CorruptError) As(target any) bool {
	if t, ok := target.(**Error); ok {
		*t = &Error{Code: ECORRUPT, Message: fmt.Sprintf("journal damaged at sequence %d: %s", e.Seq, e.Reason)}
		return true
	}
	return false
}

// ErrErased is returned by [Vault.Open] when the subject's key has been
// destroyed; its code is EERASED.
var ErrErased = &Error{Code: EERASED, Message: "the personal data was erased"}
