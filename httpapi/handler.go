package httpapi

import (
	"context"
	"errors"
	"io"
	"log"
	"log/slog"
	"net/http"
	"path"
	"strconv"
	"strings"
	"time"

	"github.com/osallisuus/osallisuus/api"
	p "github.com/osallisuus/osallisuus/participation"
)

// Authenticator turns a bearer token into the actor it signs in: a
// member of staff or a named client, with their role and person id.
// An error means the token is not accepted (expired, for another
// audience, signed by another key…); its text is not shown to the
// caller.
type Authenticator interface {
	Authenticate(ctx context.Context, token string) (p.Actor, error)
}

// Config configures a [Handler]. Every zero field has the default its
// comment gives.
type Config struct {
	// App is the method layer served; required (see [api.New]).
	App *api.App
	// Authenticator verifies people's bearer tokens; nil means no one
	// signs in, and only the open methods answer.
	Authenticator Authenticator
	// Devices verifies feedback devices' tokens; nil means a new
	// [DeviceTokens] over App's store.
	Devices *DeviceTokens
	// Logger receives one line per request; nil means [slog.Default].
	Logger *slog.Logger
	// MaxBody is the most bytes a request body may have; zero means
	// [api.MaxArgument]. A device's batch may have [MaxBatchBody].
	MaxBody int64
	// Anonymous limits the requests of callers who do not sign in, per
	// client address; nil means [DefaultAnonymousLimit].
	Anonymous *Limit
}

// Handler serves the method layer over HTTP. Make one with [New].
type Handler struct {
	app     *api.App
	auth    Authenticator
	log     *slog.Logger
	max     int64
	limiter *limiter
	devices *DeviceTokens
	mux     *http.ServeMux
	spec    []byte
	methods map[string]bool
}

// New makes a Handler from cfg.
func New(cfg *Config) (*Handler, error) {
	if cfg == nil || cfg.App == nil {
		return nil, p.Invalid("app", "is required: open one with api.New")
	}
	h := &Handler{app: cfg.App, auth: cfg.Authenticator, log: cfg.Logger, max: cfg.MaxBody, mux: http.NewServeMux()}
	if h.log == nil {
		h.log = slog.Default()
	}
	if h.max <= 0 {
		h.max = api.MaxArgument
	}
	lim := DefaultAnonymousLimit
	if cfg.Anonymous != nil {
		lim = *cfg.Anonymous
	}
	h.limiter = newLimiter(lim)
	h.devices = cfg.Devices
	if h.devices == nil {
		h.devices = NewDeviceTokens(cfg.App)
	}
	spec, err := Document()
	if err != nil {
		return nil, err
	}
	h.spec = spec
	h.methods = map[string]bool{}
	for _, m := range api.Describe() {
		h.methods[m.Name] = true
	}
	h.mux.HandleFunc("POST /api/{method}", h.call)
	h.mux.HandleFunc("POST /devices/register", h.registerDevice)
	h.mux.HandleFunc("POST /devices/token", h.issueToken)
	h.mux.HandleFunc("POST /devices/revoke", h.revokeDevice)
	h.mux.HandleFunc("POST /devices/presses", h.pressBatch)
	h.mux.HandleFunc("GET /events", h.serveEvents)
	h.mux.HandleFunc("GET /events/catalogue.json", h.serveCatalogue)
	h.mux.HandleFunc("GET /openapi.json", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write(h.spec)
	})
	h.mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		// A route served for another method answers 405 with Allow.
		var allow []string
		for _, m := range []string{http.MethodGet, http.MethodPost} {
			other := r.Clone(r.Context())
			other.Method = m
			if _, pattern := h.mux.Handler(other); pattern != "/" {
				allow = append(allow, m)
			}
		}
		if len(allow) > 0 {
			w.Header().Set("Allow", strings.Join(allow, ", "))
			pr := newProblem(p.EINVALID, r.URL.Path+" takes "+strings.Join(allow, " or ")+", not "+r.Method)
			pr.Status, pr.Title = http.StatusMethodNotAllowed, http.StatusText(http.StatusMethodNotAllowed)
			w.(*recorder).code = pr.Code
			writeProblem(w, pr)
			return
		}
		w.(*recorder).code = p.ENOTFOUND
		writeProblem(w, newProblem(p.ENOTFOUND, "no route "+r.Method+" "+r.URL.Path+"; see /openapi.json"))
	})
	return h, nil
}

// ServeHTTP serves one request, with the security headers on every
// answer and one log line.
func (h *Handler) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	started := time.Now()
	hd := w.Header()
	hd.Set("X-Content-Type-Options", "nosniff")
	hd.Set("Cache-Control", "no-store")
	hd.Set("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'")
	hd.Set("Referrer-Policy", "no-referrer")
	hd.Set("X-Frame-Options", "DENY")
	hd.Set("Cross-Origin-Resource-Policy", "same-origin")
	rec := &recorder{ResponseWriter: w, status: http.StatusOK}
	defer func() {
		if v := recover(); v != nil {
			if v == http.ErrAbortHandler {
				panic(v)
			}
			rec.code = p.EINTERNAL
			writeProblem(rec, newProblem(p.EINTERNAL, "the request failed"))
		}
		// Only what the service chose is logged: never an address, a
		// user agent, a cookie, a token or a name.
		_, route := h.mux.Handler(r)
		h.log.LogAttrs(r.Context(), slog.LevelInfo, "request",
			slog.String("route", route), slog.String("method", rec.method), slog.String("role", rec.role),
			slog.Int("status", rec.status), slog.String("code", rec.code),
			slog.Int64("micros", time.Since(started).Microseconds()))
	}()
	if r.URL.Path != path.Clean(r.URL.Path) || r.URL.Path == "" {
		// The mux would redirect to the clean path; a service answers
		// with a problem instead of a page.
		rec.code = p.ENOTFOUND
		writeProblem(rec, newProblem(p.ENOTFOUND, "no route "+strconv.Quote(r.URL.Path)+"; see /openapi.json"))
		return
	}
	h.mux.ServeHTTP(rec, r)
}

// recorder keeps what the log line tells.
type recorder struct {
	http.ResponseWriter
	status             int
	method, role, code string
	wrote              bool
}

func (r *recorder) WriteHeader(status int) {
	if !r.wrote {
		r.status, r.wrote = status, true
	}
	r.ResponseWriter.WriteHeader(status)
}

func (r *recorder) Write(b []byte) (int, error) {
	r.wrote = true
	return r.ResponseWriter.Write(b)
}

// Unwrap lets http.ResponseController reach the connection (flushing
// the event stream, clearing its write deadline).
func (r *recorder) Unwrap() http.ResponseWriter { return r.ResponseWriter }

// caller authenticates r: no Authorization header is the anonymous
// caller; a bearer token is a device's (see [DeviceTokens]) or a
// person's (see [Authenticator]).
func (h *Handler) caller(r *http.Request) (p.Actor, *Problem) {
	hdr := r.Header.Get("Authorization")
	if hdr == "" {
		return p.Anonymous, nil
	}
	scheme, token, ok := strings.Cut(hdr, " ")
	if !ok || !strings.EqualFold(scheme, "Bearer") || token == "" {
		return p.Actor{}, newProblem(CodeUnauthenticated, "send the token as Authorization: Bearer <token>")
	}
	if IsDeviceToken(token) {
		a, err := h.devices.Authenticate(token)
		if err != nil {
			return p.Actor{}, newProblem(CodeUnauthenticated, "the device token is not accepted: it is unknown or revoked")
		}
		return a, nil
	}
	if h.auth == nil {
		return p.Actor{}, newProblem(CodeUnauthenticated, "this service signs no one in; call the open methods without a token")
	}
	a, err := h.auth.Authenticate(r.Context(), token)
	if err != nil {
		return p.Actor{}, newProblem(CodeUnauthenticated, "the token is not accepted; sign in again")
	}
	return a, nil
}

// body reads a request's body, up to limit bytes.
func body(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, *Problem) {
	b, err := io.ReadAll(http.MaxBytesReader(w, r.Body, limit))
	if err != nil {
		var mb *http.MaxBytesError
		if errors.As(err, &mb) {
			return nil, newProblem(CodeTooLarge, "the request body is larger than "+strconv.FormatInt(limit, 10)+" bytes; send less")
		}
		return nil, newProblem(p.EINVALID, "the request body could not be read")
	}
	return b, nil
}

// call runs one method of the layer as the request's caller.
func (h *Handler) call(w http.ResponseWriter, r *http.Request) {
	rec := w.(*recorder)
	method := r.PathValue("method")
	if !h.methods[method] {
		rec.code = p.ENOTFOUND
		writeProblem(w, newProblem(p.ENOTFOUND, "no method "+method+"; see /openapi.json"))
		return
	}
	rec.method = method
	who, pr := h.caller(r)
	if pr == nil && who.Role == p.RoleAnonymous {
		pr = h.limiter.allow(r)
	}
	if pr != nil {
		rec.code = pr.Code
		writeProblem(w, pr)
		return
	}
	rec.role = string(who.Role)
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		rec.code = p.EINVALID
		writeProblem(w, newProblem(p.EINVALID, "send the argument as application/json, not "+ct))
		return
	}
	arg, pr := body(w, r, h.max)
	if pr != nil {
		rec.code = pr.Code
		writeProblem(w, pr)
		return
	}
	out, e := h.app.CallAs(who, method, arg)
	if e != nil {
		pr := problemOf(e)
		if who.Role == p.RoleAnonymous && e.Code == p.EFORBIDDEN {
			pr.Status, pr.Title = http.StatusUnauthorized, http.StatusText(http.StatusUnauthorized)
		}
		rec.code = e.Code
		writeProblem(w, pr)
		return
	}
	w.Header().Set("Content-Type", "application/json")
	_, _ = w.Write(out)
}

// NewServer returns an http.Server for h on addr with the service's
// timeouts: 5 s to read a request's headers, 30 s to read it whole, 60 s
// to write an answer (the event stream lifts its own), 120 s idle, 16 KiB
// of headers. The server's own error log (which would name client
// addresses) is replaced by one line without them.
func NewServer(h http.Handler, addr string, logger *slog.Logger) *http.Server {
	if logger == nil {
		logger = slog.Default()
	}
	return &http.Server{Addr: addr, Handler: h, ReadHeaderTimeout: 5 * time.Second, ReadTimeout: 30 * time.Second,
		WriteTimeout: 60 * time.Second, IdleTimeout: 120 * time.Second, MaxHeaderBytes: 16 << 10,
		ErrorLog: log.New(addressless{logger}, "", 0)}
}

// addressless logs that the HTTP server met a connection error, without
// its text, which names the client's address.
type addressless struct{ log *slog.Logger }

func (a addressless) Write(b []byte) (int, error) {
	a.log.Warn("connection error")
	return len(b), nil
}
