package httpapi_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/feedback"
	"github.com/osallisuus/osallisuus/httpapi"
	p "github.com/osallisuus/osallisuus/participation"
)

// journalEvents reads every line of the journal in dir.
func journalEvents(t *testing.T, dir string) []p.Event {
	t.Helper()
	f, err := os.Open(journalPath(dir))
	require.NoError(t, err)
	defer f.Close()
	var out []p.Event
	sc := bufio.NewScanner(f)
	sc.Buffer(make([]byte, 1<<20), 16<<20)
	for sc.Scan() {
		e, err := p.ParseEvent(sc.Bytes())
		require.NoError(t, err)
		out = append(out, e)
	}
	require.NoError(t, sc.Err())
	return out
}

// presses counts the presses of device in the journal: the counted and
// the filtered.
func presses(t *testing.T, dir string, device p.ID) (counted, filtered int) {
	t.Helper()
	for _, e := range journalEvents(t, dir) {
		if e.Type != "feedback.pressed" {
			continue
		}
		var ev feedback.Pressed
		require.NoError(t, json.Unmarshal(e.Data, &ev))
		if ev.Device != device {
			continue
		}
		for _, r := range ev.Presses {
			if r.F {
				filtered++
			} else {
				counted++
			}
		}
	}
	return counted, filtered
}

func (s *service) batch(token, key string, ps []feedback.Press) answer {
	s.t.Helper()
	body, _ := json.Marshal(map[string]any{"presses": ps})
	req, err := http.NewRequest(http.MethodPost, s.srv.URL+"/devices/presses", strings.NewReader(string(body)))
	require.NoError(s.t, err)
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set("Authorization", "Bearer "+token)
	if key != "" {
		req.Header.Set("Idempotency-Key", key)
	}
	return s.send(req, body)
}

func register(t *testing.T, s *service) httpapi.DeviceToken {
	t.Helper()
	body, _ := json.Marshal(map[string]any{"service": "aikuissosiaalityo", "point": "Hervannan sosiaalitoimisto"})
	a := s.raw("coordinator", "/devices/register", body)
	require.Equal(t, http.StatusOK, a.Status, "%s", a.Body)
	return decode[httpapi.DeviceToken](t, a)
}

var fourPresses = []feedback.Press{{Rating: 4}, {Rating: 3}, {Rating: 1}, {Rating: 4}}

// TestDeviceTokens: a device's token is shown once and kept as a hash;
// the device presses as itself; a batch retried under its key, also
// after a restart, is counted once; a revoked token stops working.
func TestDeviceTokens(t *testing.T) {
	dir := t.TempDir()
	s := start(t, options{dir: dir})
	dev := register(t, s)
	require.True(t, httpapi.IsDeviceToken(dev.Token))

	t.Run("StoredAsHashOnly", func(t *testing.T) {
		sum := sha256.Sum256([]byte(dev.Token))
		raw, err := os.ReadFile(journalPath(dir))
		require.NoError(t, err)
		assert.NotContains(t, string(raw), dev.Token)
		assert.Contains(t, string(raw), hex.EncodeToString(sum[:]))
	})
	t.Run("OnlyCoordinatorsRegister", func(t *testing.T) {
		a := s.raw("alice", "/devices/register", []byte(`{"service":"s","point":"p"}`))
		assert.Equal(t, http.StatusForbidden, a.Status)
		a = s.raw("", "/devices/register", []byte(`{"service":"s","point":"p"}`))
		assert.Equal(t, http.StatusUnauthorized, a.Status)
	})
	first := s.batch(dev.Token, "batch-1", fourPresses)
	require.Equal(t, http.StatusOK, first.Status, "%s", first.Body)
	res := decode[httpapi.BatchResult](t, first)
	assert.False(t, res.Replayed)
	assert.Equal(t, 4, res.Counted+res.Filtered)

	t.Run("RetryIsCountedOnce", func(t *testing.T) {
		again := decode[httpapi.BatchResult](t, s.batch(dev.Token, "batch-1", fourPresses))
		assert.True(t, again.Replayed)
		assert.Equal(t, res.PressResult, again.PressResult)
		c, f := presses(t, dir, dev.Device)
		assert.Equal(t, 4, c+f)
	})
	t.Run("PRIV-1_key_kept_only_as_its_hmac", func(t *testing.T) {
		timed := "2026-11-30T14:03:22.123Z"
		require.Equal(t, http.StatusOK, s.batch(dev.Token, timed, fourPresses[:1]).Status)
		raw, err := os.ReadFile(journalPath(dir))
		require.NoError(t, err)
		sum := sha256.Sum256([]byte(timed))
		assert.NotContains(t, string(raw), timed)
		assert.NotContains(t, string(raw), hex.EncodeToString(sum[:]), "a plain hash of a key that holds a time gives the time away")
		assert.Contains(t, string(raw), httpapi.KeyDigest(dev.Token, timed))
	})
	t.Run("KeyIsRequired", func(t *testing.T) {
		a := s.batch(dev.Token, "", fourPresses)
		assert.Equal(t, http.StatusBadRequest, a.Status)
	})
	t.Run("PressesAsItself", func(t *testing.T) {
		s.ok(dev.Token, "feedback.press", map[string]any{"rating": 2})
		a := s.call(dev.Token, "feedback.press", map[string]any{"device": "0190de00-0000-7000-8000-000000000999", "rating": 2})
		assert.Equal(t, http.StatusForbidden, a.Status, "%s", a.Body)
		a = s.batch("coordinator", "batch-x", fourPresses)
		assert.Equal(t, http.StatusForbidden, a.Status, "only a device posts batches")
	})

	s.stop()
	s = start(t, options{dir: dir})
	t.Run("RetryAfterRestartIsCountedOnce", func(t *testing.T) {
		again := decode[httpapi.BatchResult](t, s.batch(dev.Token, "batch-1", fourPresses))
		assert.True(t, again.Replayed)
		assert.Equal(t, res.PressResult, again.PressResult)
		c, f := presses(t, dir, dev.Device)
		assert.Equal(t, 6, c+f, "the four of the batch, the one of the timed key and the one single press")
	})
	t.Run("Revoked", func(t *testing.T) {
		a := s.raw("coordinator", "/devices/revoke", []byte(`{"device":"`+dev.Device.String()+`"}`))
		require.Equal(t, http.StatusOK, a.Status, "%s", a.Body)
		a = s.batch(dev.Token, "batch-2", fourPresses)
		assert.Equal(t, http.StatusUnauthorized, a.Status)
		a = s.call(dev.Token, "feedback.press", map[string]any{"rating": 2})
		assert.Equal(t, http.StatusUnauthorized, a.Status)
	})
	s.stop()
	s = start(t, options{dir: dir})
	t.Run("RevokedAfterRestart", func(t *testing.T) {
		a := s.call(dev.Token, "feedback.press", map[string]any{"rating": 2})
		assert.Equal(t, http.StatusUnauthorized, a.Status, "revocation survives a restart")
	})
	t.Run("NewToken", func(t *testing.T) {
		a := s.raw("coordinator", "/devices/token", []byte(`{"device":"`+dev.Device.String()+`"}`))
		require.Equal(t, http.StatusOK, a.Status, "%s", a.Body)
		fresh := decode[httpapi.DeviceToken](t, a)
		assert.NotEqual(t, dev.Token, fresh.Token)
		s.ok(fresh.Token, "feedback.press", map[string]any{"rating": 2})
	})
}

// TestBatchAfterCrash: the service stopped after a batch's key was
// recorded and its presses made, before their result was recorded. The
// retry finds the presses in the journal and does not press them again.
func TestBatchAfterCrash(t *testing.T) {
	dir := t.TempDir()
	s := start(t, options{dir: dir})
	dev := register(t, s)
	s.stop()

	app, err := httpapi.OpenFiles(dir, nil)
	require.NoError(t, err)
	device := p.Actor{ID: dev.Device, Role: p.RoleDevice}
	require.NoError(t, app.Store().Exec(context.Background(), device, httpapi.ActionRecordBatch, func(tx *p.Tx) error {
		return tx.Emit(httpapi.BatchReceived{Device: dev.Device, Key: httpapi.KeyDigest(dev.Token, "batch-1")})
	}))
	made, err := feedback.New(app.Store()).PressBatch(context.Background(), device, dev.Device, fourPresses)
	require.NoError(t, err)
	require.NoError(t, app.Close()) // the result is never recorded

	s = start(t, options{dir: dir})
	res := decode[httpapi.BatchResult](t, s.batch(dev.Token, "batch-1", fourPresses))
	assert.True(t, res.Replayed)
	assert.Equal(t, made, res.PressResult)
	c, f := presses(t, dir, dev.Device)
	assert.Equal(t, 4, c+f, "pressed once")

	s.stop()
	app, err = httpapi.OpenFiles(dir, nil)
	require.NoError(t, err)
	require.NoError(t, app.Store().Exec(context.Background(), device, httpapi.ActionRecordBatch, func(tx *p.Tx) error {
		return tx.Emit(httpapi.BatchReceived{Device: dev.Device, Key: httpapi.KeyDigest(dev.Token, "batch-2")})
	}))
	require.NoError(t, app.Close())
	s = start(t, options{dir: dir})
	t.Run("ReceivedButNotPressed", func(t *testing.T) {
		res := decode[httpapi.BatchResult](t, s.batch(dev.Token, "batch-2", fourPresses))
		assert.False(t, res.Replayed, "never pressed, so pressed now")
		c, f := presses(t, dir, dev.Device)
		assert.Equal(t, 8, c+f)
	})
}
