package httpapi

import (
	"context"
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"strings"

	"github.com/hashicorp/go-memdb"

	"github.com/osallisuus/osallisuus/api"
	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
)

// Feedback terminals sign in with a token of their own, issued when the
// device is registered: shown once, kept only as its SHA-256, revocable.
// A terminal posts a batch of presses with an Idempotency-Key; the
// service records the key with the presses in one command (this module's
// events), so a batch retried after a lost answer or a restart is counted
// once. A device's commands are anonymous (PRIV-1): they are held until
// the end of their hour, and a retry within the hour finds the key among
// the held commands (see [participation.Tx.Pending]).

// ModuleName is the name of the service's module, the prefix of its
// event types.
const ModuleName = "httpapi"

// The service's actions.
const (
	// ActionIssueDeviceToken issues a device's token (at registration, or
	// to replace a lost one, which revokes the old).
	ActionIssueDeviceToken p.Action = "httpapi.issue_device_token"
	// ActionRevokeDeviceToken revokes a device's tokens.
	ActionRevokeDeviceToken p.Action = "httpapi.revoke_device_token"
	// ActionRecordBatch records a device's batch under its idempotency
	// key.
	ActionRecordBatch p.Action = "httpapi.record_batch"
)

// The service's events.
type (
	// DeviceTokenIssued: a device got a token; only its SHA-256 is kept.
	DeviceTokenIssued struct {
		Device p.ID   `json:"device"`
		Hash   string `json:"hash"`
	}
	// DeviceTokenRevoked: every token of a device stops working.
	DeviceTokenRevoked struct {
		Device p.ID `json:"device"`
	}
	// BatchReceived: a device's batch under a key was about to be
	// pressed, in a command of its own. It is no longer emitted — a batch
	// is one command, its presses and [BatchRecorded] together — and is
	// kept so that journals that hold it replay. Key is the HMAC-SHA-256
	// of the device's key under the device's token, so that a key that
	// holds a time gives none away (PRIV-1) to whoever reads the journal
	// without the token.
	BatchReceived struct {
		Device p.ID   `json:"device"`
		Key    string `json:"key"`
	}
	// BatchRecorded: the batch under a key was pressed with this result
	// (the presses are the same command's), or refused with Code. Key is
	// as in [BatchReceived].
	BatchRecorded struct {
		Device   p.ID   `json:"device"`
		Key      string `json:"key"`
		Counted  int    `json:"counted"`
		Filtered int    `json:"filtered"`
		Code     string `json:"code,omitempty"`
	}
)

// EventType implements participation.EventData.
func (DeviceTokenIssued) EventType() string { return "httpapi.device_token_issued" }

// EventType implements participation.EventData.
func (DeviceTokenRevoked) EventType() string { return "httpapi.device_token_revoked" }

// EventType implements participation.EventData.
func (BatchReceived) EventType() string { return "httpapi.batch_received" }

// EventType implements participation.EventData.
func (BatchRecorded) EventType() string { return "httpapi.batch_recorded" }

const (
	tableTokens  = "httpapi_device_tokens"
	tableBatches = "httpapi_batches"
)

type tokenRow struct {
	Hash    string
	Device  p.ID
	Revoked bool
}

type batchRow struct {
	ID       string // device/key
	Received uint64 // the journal position of BatchReceived, in older journals
	Done     bool
	Result   feedback.PressResult
	Code     string
}

// batchStage is what the batches of a command staged (see [p.Tx.Stage]):
// the rows recorded, by id, so that later anonymous commands of the hour
// see a batch held for its end.
type batchStage map[string]batchRow

// batchStageKey is the key the batches stage under.
type batchStageKey struct{}

// Module is the service's module: device tokens and batch records.
func Module() p.Module {
	return p.Module{
		Name: ModuleName,
		Tables: []*memdb.TableSchema{
			{Name: tableTokens, Indexes: map[string]*memdb.IndexSchema{
				// id: the token's hash is the only way in.
				"id": {Name: "id", Unique: true, Indexer: p.IndexString(func(r *tokenRow) string { return r.Hash })},
				// device: revoking finds every token of a device.
				"device": {Name: "device", Indexer: p.IndexID(func(r *tokenRow) p.ID { return r.Device })},
			}},
			{Name: tableBatches, Indexes: map[string]*memdb.IndexSchema{
				"id": {Name: "id", Unique: true, Indexer: p.IndexString(func(r *batchRow) string { return r.ID })},
			}},
		},
		Events: []p.EventType{
			p.Handle(func(tx *p.Tx, m p.EventMeta, d DeviceTokenIssued) error {
				return tx.Insert(tableTokens, &tokenRow{Hash: d.Hash, Device: d.Device})
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d DeviceTokenRevoked) error {
				rows, err := p.Collect[*tokenRow](tx, tableTokens, "device", nil, d.Device)
				if err != nil {
					return err
				}
				for _, r := range rows {
					c := *r
					c.Revoked = true
					if err := tx.Insert(tableTokens, &c); err != nil {
						return err
					}
				}
				return nil
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d BatchReceived) error {
				return tx.Insert(tableBatches, &batchRow{ID: d.Device.String() + "/" + d.Key, Received: m.Seq})
			}),
			p.Handle(func(tx *p.Tx, m p.EventMeta, d BatchRecorded) error {
				id := d.Device.String() + "/" + d.Key
				r, _, err := p.Lookup[*batchRow](tx, tableBatches, "id", id)
				if err != nil {
					return err
				}
				c := batchRow{ID: id}
				if r != nil {
					c = *r
				}
				c.Done, c.Result, c.Code = true, feedback.PressResult{Counted: d.Counted, Filtered: d.Filtered}, d.Code
				st := tx.Stage(batchStageKey{}, func() any { return batchStage{} }).(batchStage)
				st[id] = c
				return tx.Insert(tableBatches, &c)
			}),
		},
		Actions: []p.ActionRule{
			{Action: ActionIssueDeviceToken, Roles: []p.Role{p.RoleCoordinator, p.RoleAdmin}, Doc: "issue a feedback device's token (shown once)"},
			{Action: ActionRevokeDeviceToken, Roles: []p.Role{p.RoleCoordinator, p.RoleAdmin}, Doc: "revoke a feedback device's tokens"},
			{Action: ActionRecordBatch, Roles: []p.Role{p.RoleDevice}, Doc: "record a device's batch under its idempotency key"},
		},
		Fields: []p.FieldRule{
			{Event: "httpapi.device_token_issued", Path: "hash", Class: p.FieldCode},
			{Event: "httpapi.batch_received", Path: "key", Class: p.FieldCode},
			{Event: "httpapi.batch_recorded", Path: "key", Class: p.FieldCode},
			{Event: "httpapi.batch_recorded", Path: "code", Class: p.FieldCode},
		},
	}
}

// DeviceTokenPrefix begins every device token, so that the service tells
// them from OpenID Connect tokens without asking the provider.
const DeviceTokenPrefix = "osd_"

// IsDeviceToken reports whether token has the form of a device token.
func IsDeviceToken(token string) bool { return strings.HasPrefix(token, DeviceTokenPrefix) }

func hashOf(s string) string {
	h := sha256.Sum256([]byte(s))
	return hex.EncodeToString(h[:])
}

// DeviceTokens issues, checks and revokes device tokens over an App's
// store, and runs devices' batches once per idempotency key.
type DeviceTokens struct {
	app *api.App
	fb  *feedback.Service
}

// NewDeviceTokens returns the device tokens of app, whose store must
// have [Module] registered (see [OpenFiles]).
func NewDeviceTokens(app *api.App) *DeviceTokens {
	return &DeviceTokens{app: app, fb: feedback.New(app.Store())}
}

// Issue issues a new token for device, revoking any it had. The token is
// returned once; only its hash is kept.
func (d *DeviceTokens) Issue(ctx context.Context, actor p.Actor, device p.ID) (string, error) {
	var raw [32]byte
	if _, err := rand.Read(raw[:]); err != nil {
		return "", p.Internal(err, "making a device token")
	}
	token := DeviceTokenPrefix + base64.RawURLEncoding.EncodeToString(raw[:])
	err := d.app.Store().Exec(ctx, actor, ActionIssueDeviceToken, func(tx *p.Tx) error {
		info, err := deviceOf(tx, device)
		if err != nil {
			return err
		}
		if info.Retired {
			return p.Errorf(p.ECONFLICT, "device %s is retired; register a new one", device)
		}
		if err := tx.Emit(DeviceTokenRevoked{Device: device}); err != nil {
			return err
		}
		return tx.Emit(DeviceTokenIssued{Device: device, Hash: hashOf(token)})
	})
	if err != nil {
		return "", err
	}
	return token, nil
}

// deviceOf looks a device up in the feedback module's table (by its id
// index, as the method layer reads the modules' tables).
func deviceOf(r p.Reader, device p.ID) (*feedback.DeviceInfo, error) {
	d, ok, err := p.Lookup[*feedback.DeviceInfo](r, "feedback_devices", "id", device)
	if err != nil {
		return nil, err
	}
	if !ok {
		return nil, p.Errorf(p.ENOTFOUND, "device %s not found", device)
	}
	return d, nil
}

// Revoke revokes every token of device.
func (d *DeviceTokens) Revoke(ctx context.Context, actor p.Actor, device p.ID) error {
	return d.app.Store().Exec(ctx, actor, ActionRevokeDeviceToken, func(tx *p.Tx) error {
		if _, err := deviceOf(tx, device); err != nil {
			return err
		}
		return tx.Emit(DeviceTokenRevoked{Device: device})
	})
}

// Authenticate returns the device actor of token, or a forbidden error
// when it is unknown, revoked, or its device retired.
func (d *DeviceTokens) Authenticate(token string) (p.Actor, error) {
	v := d.app.Store().View()
	r, ok, err := p.Lookup[*tokenRow](v, tableTokens, "id", hashOf(token))
	if err != nil {
		return p.Actor{}, err
	}
	if !ok || r.Revoked {
		return p.Actor{}, p.Errorf(p.EFORBIDDEN, "the device token is unknown or revoked")
	}
	if info, err := deviceOf(v, r.Device); err != nil || info.Retired {
		return p.Actor{}, p.Errorf(p.EFORBIDDEN, "the device is retired")
	}
	return p.Actor{ID: r.Device, Role: p.RoleDevice}, nil
}

// MaxIdempotencyKey is the longest idempotency key a device may send.
const MaxIdempotencyKey = 200

// KeyDigest is how the journal keeps a device's idempotency key: its
// HMAC-SHA-256 under the device's token, in hex.
func KeyDigest(token, key string) string {
	m := hmac.New(sha256.New, []byte(token))
	m.Write([]byte(key))
	return hex.EncodeToString(m.Sum(nil))
}

// Batch presses a device's batch once per key: a key seen before answers
// with the first result (replayed true) and presses nothing. The key (as
// [KeyDigest] under token, the device's token) is recorded with the
// presses and their result in one command, so the batch is journalled
// whole or not at all. The command is anonymous and held until the end
// of its hour (PRIV-1); a retry within the hour, also after a restart,
// finds the key among the held commands. A key is the device's own:
// after its token is replaced, a batch is a new one.
func (d *DeviceTokens) Batch(ctx context.Context, device p.Actor, token, key string, presses []feedback.Press) (res feedback.PressResult, replayed bool, err error) {
	if key == "" || len(key) > MaxIdempotencyKey {
		return res, false, p.Invalid("Idempotency-Key", "send a key of 1 to %d characters, new for each batch and the same when it is retried", MaxIdempotencyKey)
	}
	k := KeyDigest(token, key)
	id := device.ID.String() + "/" + k
	var refused error
	err = d.app.Store().Exec(ctx, device, ActionRecordBatch, func(tx *p.Tx) error {
		res, replayed, refused = feedback.PressResult{}, false, nil
		row, ok, err := recordedBatch(tx, id)
		if err != nil {
			return err
		}
		if ok {
			replayed = true
			if row.Code != "" {
				refused = p.Errorf(p.ECONFLICT, "the batch under this key was refused (%s); send the corrected batch with a new key", row.Code)
				return nil
			}
			res = row.Result
			return nil
		}
		r, perr := d.fb.PressIn(tx, device.ID, presses)
		switch code := p.ErrorCode(perr); {
		case perr == nil:
			res = r
			return tx.Emit(BatchRecorded{Device: device.ID, Key: k, Counted: r.Counted, Filtered: r.Filtered})
		case code == p.EINVALID || code == p.ECONFLICT || code == p.ENOTFOUND || code == p.EFORBIDDEN:
			// Refused: the refusal is recorded, so that a retry of the
			// same batch is told so rather than refused differently later.
			refused = perr
			return tx.Emit(BatchRecorded{Device: device.ID, Key: k, Code: code})
		default:
			return perr
		}
	})
	if err != nil {
		return feedback.PressResult{}, false, err
	}
	if refused != nil {
		return feedback.PressResult{}, replayed, refused
	}
	return res, replayed, nil
}

// recordedBatch finds a batch recorded under id: journalled, or held
// for the end of its hour by an earlier anonymous command.
func recordedBatch(tx *p.Tx, id string) (batchRow, bool, error) {
	row, ok, err := p.Lookup[*batchRow](tx, tableBatches, "id", id)
	if err != nil {
		return batchRow{}, false, err
	}
	if ok && row.Done {
		return *row, true, nil
	}
	for _, v := range tx.Pending(batchStageKey{}) {
		if r, ok := v.(batchStage)[id]; ok {
			return r, true, nil
		}
	}
	return batchRow{}, false, nil
}

// The device routes.

type registerIn struct {
	Service  string             `json:"service"`
	Point    string             `json:"point"`
	FollowUp *feedback.FollowUp `json:"followUp,omitempty"`
}

// DeviceToken is what registering a device (or replacing its token)
// answers: the device and its token, shown this once.
type DeviceToken struct {
	Device p.ID   `json:"device"`
	Token  string `json:"token"`
}

// revokedOut is the answer of /devices/revoke.
type revokedOut struct {
	Revoked bool `json:"revoked"`
}

type deviceIn struct {
	Device p.ID `json:"device"`
}

type batchIn struct {
	Presses []feedback.Press `json:"presses"`
}

func (h *Handler) signedIn(w http.ResponseWriter, r *http.Request, limit int64) (p.Actor, []byte, bool) {
	rec := w.(*recorder)
	who, pr := h.caller(r)
	if pr == nil && who.Role == p.RoleAnonymous {
		pr = newProblem(CodeUnauthenticated, "sign in to call "+r.URL.Path)
	}
	var b []byte
	if pr == nil {
		rec.role = string(who.Role)
		b, pr = body(w, r, limit)
	}
	if pr != nil {
		rec.code = pr.Code
		writeProblem(w, pr)
		return who, nil, false
	}
	return who, b, true
}

// decodeStrict reads b into v strictly, as the method layer does.
func decodeStrict(b []byte, v any) error {
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		return p.Invalid("argument", "does not read: %v", err)
	}
	if dec.More() {
		return p.Invalid("argument", "has more after its JSON value; send exactly one object")
	}
	return nil
}

// fail writes err as a problem; a refusal of action names it, the
// caller's role and the roles the policy allows it to.
func (h *Handler) fail(w http.ResponseWriter, err error, who p.Actor, action p.Action) {
	e := &api.Error{Code: p.ErrorCode(err), Message: p.ErrorMessage(err)}
	var pe *p.Error
	if asErr(err, &pe) {
		e.Field = pe.Field
	}
	if e.Code == p.EFORBIDDEN && action != "" {
		e.Action, e.Role = string(action), string(who.Role)
		for _, r := range h.app.Store().Policy().Roles(action) {
			e.Allowed = append(e.Allowed, string(r))
		}
	}
	w.(*recorder).code = e.Code
	writeProblem(w, problemOf(e))
}

func writeJSON(w http.ResponseWriter, v any) {
	w.Header().Set("Content-Type", "application/json")
	_ = json.NewEncoder(w).Encode(v)
}

// registerDevice registers a feedback device and issues its token.
func (h *Handler) registerDevice(w http.ResponseWriter, r *http.Request) {
	who, b, ok := h.signedIn(w, r, h.max)
	if !ok {
		return
	}
	var in registerIn
	if err := decodeStrict(b, &in); err != nil {
		h.fail(w, err, who, ActionIssueDeviceToken)
		return
	}
	// The role must be allowed both steps, or neither is taken.
	if err := h.app.Store().Policy().Authorize(who, ActionIssueDeviceToken); err != nil {
		h.fail(w, err, who, ActionIssueDeviceToken)
		return
	}
	info, err := h.devices.fb.RegisterDevice(r.Context(), who, feedback.DeviceInput{Service: in.Service, Point: in.Point, FollowUp: in.FollowUp})
	if err != nil {
		h.fail(w, err, who, ActionIssueDeviceToken)
		return
	}
	token, err := h.devices.Issue(r.Context(), who, info.ID)
	if err != nil {
		h.fail(w, err, who, ActionIssueDeviceToken)
		return
	}
	writeJSON(w, DeviceToken{Device: info.ID, Token: token})
}

// issueToken replaces a device's token.
func (h *Handler) issueToken(w http.ResponseWriter, r *http.Request) {
	who, b, ok := h.signedIn(w, r, h.max)
	if !ok {
		return
	}
	var in deviceIn
	if err := decodeStrict(b, &in); err != nil {
		h.fail(w, err, who, ActionIssueDeviceToken)
		return
	}
	token, err := h.devices.Issue(r.Context(), who, in.Device)
	if err != nil {
		h.fail(w, err, who, ActionIssueDeviceToken)
		return
	}
	writeJSON(w, DeviceToken{Device: in.Device, Token: token})
}

// revokeDevice revokes a device's tokens.
func (h *Handler) revokeDevice(w http.ResponseWriter, r *http.Request) {
	who, b, ok := h.signedIn(w, r, h.max)
	if !ok {
		return
	}
	var in deviceIn
	if err := decodeStrict(b, &in); err != nil {
		h.fail(w, err, who, ActionRevokeDeviceToken)
		return
	}
	if err := h.devices.Revoke(r.Context(), who, in.Device); err != nil {
		h.fail(w, err, who, ActionRevokeDeviceToken)
		return
	}
	writeJSON(w, revokedOut{Revoked: true})
}

// MaxBatchBody is the most bytes a device's batch may have: room for
// feedback.MaxBatch presses.
const MaxBatchBody = 1 << 20

// BatchResult is what posting a batch answers: how many presses counted
// and how many were repeats, and whether this is the answer to a batch
// already recorded under the same key.
type BatchResult struct {
	feedback.PressResult
	Replayed bool `json:"replayed"`
}

// pressBatch presses a device's batch once per Idempotency-Key.
func (h *Handler) pressBatch(w http.ResponseWriter, r *http.Request) {
	who, b, ok := h.signedIn(w, r, MaxBatchBody)
	if !ok {
		return
	}
	if who.Role != p.RoleDevice {
		h.fail(w, p.Errorf(p.EFORBIDDEN, "only a feedback device posts presses; sign in with the device's token"), who, feedback.ActionPress)
		return
	}
	var in batchIn
	if err := decodeStrict(b, &in); err != nil {
		h.fail(w, err, who, feedback.ActionPress)
		return
	}
	_, token, _ := strings.Cut(r.Header.Get("Authorization"), " ")
	res, replayed, err := h.devices.Batch(r.Context(), who, token, r.Header.Get("Idempotency-Key"), in.Presses)
	if err != nil {
		h.fail(w, err, who, feedback.ActionPress)
		return
	}
	writeJSON(w, BatchResult{PressResult: res, Replayed: replayed})
}
