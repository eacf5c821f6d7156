package httpapi_test

import (
	"bytes"
	"encoding/json"
	"net/http"
	"os"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
)

// TestNothingOfTheCallerIsKept: requests carry a user agent, a cookie,
// forwarding headers with addresses and a name in their bodies; no log
// line and no journal line holds any of them, nor the client's own
// address (PRIV-1 at the edge). Every log line is read, and every
// journal line.
func TestNothingOfTheCallerIsKept(t *testing.T) {
	dir := t.TempDir()
	s := start(t, options{dir: dir})
	secrets := []string{"UA-SECRET-7f3", "COOKIE-SECRET-9a1", "203.0.113.77", "198.51.100.23", "127.0.0.1", "Maija Meikäläinen"}
	dev := register(t, s)
	send := func(token, path string, arg any) answer {
		body, _ := json.Marshal(arg)
		req, err := http.NewRequest(http.MethodPost, s.srv.URL+path, bytes.NewReader(body))
		require.NoError(t, err)
		req.Header.Set("Content-Type", "application/json")
		req.Header.Set("User-Agent", "Mozilla/5.0 UA-SECRET-7f3")
		req.Header.Set("Cookie", "session=COOKIE-SECRET-9a1")
		req.Header.Set("X-Forwarded-For", "203.0.113.77")
		req.Header.Set("Forwarded", "for=198.51.100.23")
		req.Header.Set("Idempotency-Key", "k-1")
		if token != "" {
			req.Header.Set("Authorization", "Bearer "+token)
		}
		return s.send(req, body)
	}
	a := send("", "/api/feedback.submit", map[string]any{"service": "aikuissosiaalityo", "rating": 4, "text": "Kiitos hyvästä palvelusta", "receipt": true})
	require.Equal(t, http.StatusOK, a.Status, "%s", a.Body)
	var sub struct {
		Receipt string `json:"receipt"`
	}
	a.into(t, &sub)
	require.NotEmpty(t, sub.Receipt)
	send("", "/api/feedback.receipt", map[string]any{"code": sub.Receipt})
	send("", "/api/survey.list", nil)
	send("", "/api/loop.board", nil)
	send("coordinator", "/api/panel.create", map[string]any{"name": "Raati", "unit": "u"})
	send("coordinator", "/api/panel.addMember", map[string]any{"name": "Maija Meikäläinen", "service": "aikuissosiaalityo"})
	send(dev.Token, "/devices/presses", map[string]any{"presses": fourPresses})
	send("forged", "/api/loop.board", nil)
	send("", "/api/no.such", nil)

	s.stop()
	logs := s.logs.String()
	lines := strings.Split(strings.TrimSpace(logs), "\n")
	require.Greater(t, len(lines), 9, "one line per request")
	for _, line := range lines {
		var rec map[string]any
		require.NoError(t, json.Unmarshal([]byte(line), &rec), line)
		for _, secret := range append(secrets, dev.Token) {
			assert.NotContains(t, line, secret, "a log line holds what the caller sent")
		}
	}
	raw, err := os.ReadFile(journalPath(dir))
	require.NoError(t, err)
	for i, line := range strings.Split(strings.TrimSpace(string(raw)), "\n") {
		for _, secret := range append(secrets, dev.Token, "Mozilla") {
			assert.NotContains(t, line, secret, "journal line %d holds what the caller sent", i+1)
		}
	}
}
