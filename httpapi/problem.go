package httpapi

import (
	"encoding/json"
	"errors"
	"net/http"

	"github.com/osallisuus/osallisuus/api"
	p "github.com/osallisuus/osallisuus/participation"
)

// Problem is an RFC 9457 problem detail, with the library's error code
// and, for a refusal, the action refused and the roles allowed it.
type Problem struct {
	// Type is "urn:osallisuus:problem:" and the code.
	Type string `json:"type"`
	// Title is a short, fixed summary of the code.
	Title string `json:"title"`
	// Status is the HTTP status.
	Status int `json:"status"`
	// Detail says what went wrong and what to fix.
	Detail string `json:"detail"`
	// Code is the library's error code (invalid, not_found, conflict,
	// forbidden, …, or a domain code such as not_constituted).
	Code string `json:"code"`
	// Field names the argument at fault, when one is.
	Field string `json:"field,omitempty"`
	// Action, Role and Allowed explain a refusal: the action refused,
	// the caller's role and the roles the policy allows it to.
	Action  string   `json:"action,omitempty"`
	Role    string   `json:"role,omitempty"`
	Allowed []string `json:"allowed,omitempty"`
}

// Codes of the edge itself, besides the library's.
const (
	// CodeUnauthenticated: the request's credentials were not accepted,
	// or the method needs a signed-in caller and none was given.
	CodeUnauthenticated = "unauthenticated"
	// CodeTooLarge: the request body is larger than the limit.
	CodeTooLarge = "too_large"
	// CodeRateLimited: too many anonymous requests from one address.
	CodeRateLimited = "rate_limited"
)

// ProblemType is the type URI of a problem with code.
func ProblemType(code string) string { return "urn:osallisuus:problem:" + code }

// statusOf maps the library's codes to HTTP statuses; a domain code (a
// rule of the domain not met) is 422.
func statusOf(code string) int {
	switch code {
	case p.EINVALID:
		return http.StatusBadRequest
	case p.ENOTFOUND:
		return http.StatusNotFound
	case p.ECONFLICT:
		return http.StatusConflict
	case p.EFORBIDDEN:
		return http.StatusForbidden
	case p.EERASED:
		return http.StatusGone
	case p.EUNAVAILABLE:
		return http.StatusServiceUnavailable
	case p.EINTERNAL, p.ECORRUPT:
		return http.StatusInternalServerError
	case CodeUnauthenticated:
		return http.StatusUnauthorized
	case CodeTooLarge:
		return http.StatusRequestEntityTooLarge
	case CodeRateLimited:
		return http.StatusTooManyRequests
	}
	return http.StatusUnprocessableEntity
}

func problemOf(e *api.Error) *Problem {
	st := statusOf(e.Code)
	return &Problem{Type: ProblemType(e.Code), Title: http.StatusText(st), Status: st, Detail: e.Message, Code: e.Code,
		Field: e.Field, Action: e.Action, Role: e.Role, Allowed: e.Allowed}
}

func newProblem(code, detail string) *Problem {
	return problemOf(&api.Error{Code: code, Message: detail})
}

// writeProblem writes pr as application/problem+json.
func writeProblem(w http.ResponseWriter, pr *Problem) {
	if pr.Status == http.StatusUnauthorized {
		w.Header().Set("WWW-Authenticate", `Bearer realm="osallisuus"`)
	}
	w.Header().Set("Content-Type", "application/problem+json")
	w.WriteHeader(pr.Status)
	_ = json.NewEncoder(w).Encode(pr)
}

func asErr(err error, target **p.Error) bool { return errors.As(err, target) }
