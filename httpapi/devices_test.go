package httpapi_test

import (
	"bufio"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/api"
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

// dataFiles reads every file the service keeps in dir: the journal, the
// inbox of held commands beside it, and anything else written there
// (the keys excepted, which are the vault's).
func dataFiles(t *testing.T, dir string) string {
	t.Helper()
	var all strings.Builder
	entries, err := os.ReadDir(dir)
	require.NoError(t, err)
	for _, e := range entries {
		if e.IsDir() {
			continue
		}
		raw, err := os.ReadFile(filepath.Join(dir, e.Name()))
		require.NoError(t, err)
		all.Write(raw)
	}
	return all.String()
}

// TestDeviceTokens: a device's token is shown once and kept as a hash;
// the device presses as itself; a batch retried under its key — within
// its hour, while it is held (PRIV-1), and after it, also after a
// restart — is counted once; a revoked token stops working.
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

	t.Run("RetryWithinTheHourIsCountedOnce", func(t *testing.T) {
		again := decode[httpapi.BatchResult](t, s.batch(dev.Token, "batch-1", fourPresses))
		assert.True(t, again.Replayed, "the held batch's key is found before its hour is over")
		assert.Equal(t, res.PressResult, again.PressResult)
		c, f := presses(t, dir, dev.Device)
		assert.Zero(t, c+f, "PRIV-1: the presses are held until the end of their hour")
	})
	s = s.restart(options{})
	t.Run("RetryAfterRestartWithinTheHourIsCountedOnce", func(t *testing.T) {
		again := decode[httpapi.BatchResult](t, s.batch(dev.Token, "batch-1", fourPresses))
		assert.True(t, again.Replayed, "the held batch is found again after a restart within its hour")
		assert.Equal(t, res.PressResult, again.PressResult)
	})
	s.nextHour()
	t.Run("RetryIsCountedOnce", func(t *testing.T) {
		c, f := presses(t, dir, dev.Device)
		assert.Equal(t, 4, c+f, "journalled once when the hour is over")
		again := decode[httpapi.BatchResult](t, s.batch(dev.Token, "batch-1", fourPresses))
		assert.True(t, again.Replayed)
		assert.Equal(t, res.PressResult, again.PressResult)
		s.nextHour()
		c, f = presses(t, dir, dev.Device)
		assert.Equal(t, 4, c+f)
	})
	t.Run("PRIV-1_key_kept_only_as_its_hmac", func(t *testing.T) {
		timed := "2026-11-30T14:03:22.123Z"
		sum := sha256.Sum256([]byte(timed))
		check := func(t *testing.T) {
			raw := dataFiles(t, dir)
			assert.NotContains(t, raw, timed)
			assert.NotContains(t, raw, hex.EncodeToString(sum[:]), "a plain hash of a key that holds a time gives the time away")
			assert.Contains(t, raw, httpapi.KeyDigest(dev.Token, timed))
		}
		require.Equal(t, http.StatusOK, s.batch(dev.Token, timed, fourPresses[:1]).Status)
		check(t) // held in the inbox
		s.nextHour()
		check(t) // journalled
	})
	t.Run("RefusedBatchIsRecorded", func(t *testing.T) {
		bad := []feedback.Press{{Rating: 9}}
		a := s.batch(dev.Token, "batch-bad", bad)
		assert.Equal(t, http.StatusBadRequest, a.Status, "%s", a.Body)
		a = s.batch(dev.Token, "batch-bad", bad)
		assert.Equal(t, http.StatusConflict, a.Status, "a retry is told the batch was refused: %s", a.Body)
		s.nextHour()
		a = s.batch(dev.Token, "batch-bad", bad)
		assert.Equal(t, http.StatusConflict, a.Status, "%s", a.Body)
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

	s = s.restart(options{})
	s.nextHour()
	t.Run("RetryAfterRestartIsCountedOnce", func(t *testing.T) {
		again := decode[httpapi.BatchResult](t, s.batch(dev.Token, "batch-1", fourPresses))
		assert.True(t, again.Replayed)
		assert.Equal(t, res.PressResult, again.PressResult)
		s.nextHour()
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
	s = s.restart(options{})
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

// TestBatchAfterCrash: a batch is one command — its key, its presses and
// their result — held until the end of its hour (PRIV-1). The service
// stops right after batches were acknowledged (closing a store writes
// nothing: what it held is only in the inbox, as after a crash), within
// their hour and after it: an acknowledged batch is never lost, a retry
// is never counted twice, and a batch whose answer was lost is found
// again under its key.
func TestBatchAfterCrash(t *testing.T) {
	dir := t.TempDir()
	s := start(t, options{dir: dir})
	dev := register(t, s)
	device := p.Actor{ID: dev.Device, Role: p.RoleDevice}
	clock := s.clock
	s.stop()

	// batch runs one batch over the service's store alone, and stops.
	ctx := context.Background()
	batch := func(key string) feedback.PressResult {
		app, err := httpapi.OpenFiles(dir, &api.Config{Clock: clock})
		require.NoError(t, err)
		res, replayed, err := httpapi.NewDeviceTokens(app).Batch(ctx, device, dev.Token, key, fourPresses)
		require.NoError(t, err)
		require.False(t, replayed)
		require.Equal(t, 1, app.Store().Held())
		require.NoError(t, app.Close())
		return res
	}
	made := batch("batch-1")
	// Stopped here, within the hour: batch-1 is held in the inbox only.

	s = start(t, options{dir: dir, clock: clock})
	t.Run("KilledWithinTheHour", func(t *testing.T) {
		res := decode[httpapi.BatchResult](t, s.batch(dev.Token, "batch-1", fourPresses))
		assert.True(t, res.Replayed, "the acknowledged batch is held, and found under its key")
		assert.Equal(t, made, res.PressResult)
		s.nextHour()
		c, f := presses(t, dir, dev.Device)
		assert.Equal(t, 4, c+f, "pressed once, nothing lost")
	})
	s.stop()

	made2 := batch("batch-2")
	clock.Set(clock.Now().Truncate(time.Hour).Add(time.Hour))
	// Stopped here, and started after the hour.

	s = start(t, options{dir: dir, clock: clock})
	t.Run("KilledAfterTheHour", func(t *testing.T) {
		c, f := presses(t, dir, dev.Device)
		assert.Equal(t, 8, c+f, "opening released the held batch once")
		res := decode[httpapi.BatchResult](t, s.batch(dev.Token, "batch-2", fourPresses))
		assert.True(t, res.Replayed)
		assert.Equal(t, made2, res.PressResult)
		res = decode[httpapi.BatchResult](t, s.batch(dev.Token, "batch-1", fourPresses))
		assert.True(t, res.Replayed)
		s.nextHour()
		c, f = presses(t, dir, dev.Device)
		assert.Equal(t, 8, c+f, "no retry pressed again")
	})
	t.Run("NeverAcknowledgedIsPressedOnRetry", func(t *testing.T) {
		res := decode[httpapi.BatchResult](t, s.batch(dev.Token, "batch-3", fourPresses))
		assert.False(t, res.Replayed)
		s.nextHour()
		c, f := presses(t, dir, dev.Device)
		assert.Equal(t, 12, c+f)
	})
}
