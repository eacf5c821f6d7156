package httpapi_test

import (
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/http/cookiejar"
	"net/url"
	"regexp"
	"strings"
	"testing"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"golang.org/x/oauth2"

	"github.com/osallisuus/osallisuus/httpapi"
	p "github.com/osallisuus/osallisuus/participation"
)

// browser is a person's browser: it keeps cookies and follows redirects,
// until one goes back to the portal, which it hands to the portal (the
// test) instead.
func browser(t *testing.T) *http.Client {
	t.Helper()
	jar, err := cookiejar.New(nil)
	require.NoError(t, err)
	return &http.Client{Jar: jar, CheckRedirect: func(req *http.Request, via []*http.Request) error {
		if strings.HasPrefix(req.URL.String(), portalCallback) {
			return http.ErrUseLastResponse
		}
		return nil
	}}
}

var loginForm = regexp.MustCompile(`<form method="post" action="([^"]+)"><input type="hidden" name="id" value="([^"]+)">`)

// portalSignIn is the authorization code flow with PKCE as the county
// portal runs it for a person: the portal sends the browser to the
// provider with a code challenge, a state and a nonce; the person fills
// in the provider's login form; the provider redirects the browser back
// to the portal with a code, which the portal exchanges, with its
// verifier, for the person's tokens. It returns the portal's
// configuration, the code, the verifier and the tokens.
func portalSignIn(t *testing.T, issuer, username, password string) (conf *oauth2.Config, code, verifier string, tok *oauth2.Token) {
	t.Helper()
	conf, code, verifier, nonce := portalCode(t, issuer, username, password)
	tok, err := conf.Exchange(t.Context(), code, oauth2.VerifierOption(verifier))
	require.NoError(t, err)
	require.NotEmpty(t, tok.AccessToken)
	idToken, _ := tok.Extra("id_token").(string)
	require.NotEmpty(t, idToken, "the portal gets an ID token")
	require.Equal(t, nonce, payload(t, idToken)["nonce"], "the ID token carries the portal's nonce")
	return conf, code, verifier, tok
}

// portalCode is portalSignIn up to the code the browser brings back to
// the portal.
func portalCode(t *testing.T, issuer, username, password string) (conf *oauth2.Config, code, verifier, nonce string) {
	t.Helper()
	conf = &oauth2.Config{ClientID: portalID, ClientSecret: portalSecret, RedirectURL: portalCallback, Scopes: []string{"openid"},
		Endpoint: oauth2.Endpoint{AuthURL: issuer + "/authorize", TokenURL: issuer + "/oauth/token", AuthStyle: oauth2.AuthStyleInHeader}}
	verifier = oauth2.GenerateVerifier()
	state := random(t)
	nonce = random(t)
	b := browser(t)

	res, err := b.Get(conf.AuthCodeURL(state, oauth2.S256ChallengeOption(verifier), oauth2.SetAuthURLParam("nonce", nonce)))
	require.NoError(t, err)
	page, _ := io.ReadAll(res.Body)
	res.Body.Close()
	require.Equal(t, http.StatusOK, res.StatusCode, "the browser reaches the provider's login page: %s", page)
	form := loginForm.FindStringSubmatch(string(page))
	require.NotNil(t, form, "the login page has a form: %s", page)
	action, err := res.Request.URL.Parse(form[1])
	require.NoError(t, err)

	res, err = b.PostForm(action.String(), url.Values{"id": {form[2]}, "username": {username}, "password": {password}})
	require.NoError(t, err)
	res.Body.Close()
	require.Equal(t, http.StatusFound, res.StatusCode, "after the login the provider sends the browser back to the portal")
	back, err := url.Parse(res.Header.Get("Location"))
	require.NoError(t, err)
	require.True(t, strings.HasPrefix(back.String(), portalCallback), "%s", back)
	require.Equal(t, state, back.Query().Get("state"), "the portal gets its state back")
	code = back.Query().Get("code")
	require.NotEmpty(t, code, "%s", back)
	return conf, code, verifier, nonce
}

func random(t *testing.T) string {
	b := make([]byte, 16)
	_, err := rand.Read(b)
	require.NoError(t, err)
	return base64.RawURLEncoding.EncodeToString(b)
}

// payload reads a JWT's claims without verifying it.
func payload(t *testing.T, token string) map[string]any {
	t.Helper()
	sig, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	require.NoError(t, err)
	var claims map[string]any
	require.NoError(t, json.Unmarshal(sig.UnsafePayloadWithoutVerification(), &claims))
	return claims
}

// TestSignInAuthorizationCode: a named client signs in as a real person
// would, through the county portal with the authorization code flow and
// PKCE at a real OpenID provider on loopback: the browser follows the
// redirects with its cookies, the person fills in the provider's login
// form, the portal exchanges the code with its verifier. The service
// takes the access token as the client the claims mapping makes of it:
// they read their own contributions and are refused another's. The
// service refuses the ID token used as an access token; the provider
// refuses a code exchanged without its verifier, and a code replayed.
func TestSignInAuthorizationCode(t *testing.T) {
	issuer := startProvider(t, map[string]person{
		"aino": {secret: "aino-salasana", role: "asiakas"},
		"bob":  {secret: "bob-salasana", role: "asiakas"},
	})
	auth, err := httpapi.NewOIDC(t.Context(), httpapi.OIDCConfig{Issuer: issuer, Audience: portalID, Roles: map[string]p.Role{"asiakas": p.RoleClient}})
	require.NoError(t, err)
	s := start(t, options{auth: auth})

	conf, code, verifier, aino := portalSignIn(t, issuer, "aino", "aino-salasana")
	_, _, _, bob := portalSignIn(t, issuer, "bob", "bob-salasana")

	t.Run("TheClientReadsTheirOwn", func(t *testing.T) {
		actor, err := auth.Authenticate(t.Context(), aino.AccessToken)
		require.NoError(t, err)
		assert.Equal(t, p.Actor{ID: httpapi.PersonID(issuer, "aino"), Role: p.RoleClient}, actor, "the claims mapping makes a client of the person")
		var mine p.Contribution
		s.ok(aino.AccessToken, "loop.submit", map[string]any{"title": "Aukioloajat", "unit": "aikuissosiaalityo"}).into(t, &mine)
		assert.Equal(t, []p.ID{httpapi.PersonID(issuer, "aino")}, mine.Contributors, "the contribution is the signed-in person's")
		list := decode[[]p.Contribution](t, s.ok(aino.AccessToken, "mine", nil))
		require.Len(t, list, 1)
		assert.Equal(t, mine.ID, list[0].ID)
		s.ok(aino.AccessToken, "mine.contribution", map[string]any{"id": mine.ID})

		a := s.call(bob.AccessToken, "mine.contribution", map[string]any{"id": mine.ID})
		assert.Equal(t, http.StatusForbidden, a.Status, "another client is refused it: %s", a.Body)
		assert.Empty(t, decode[[]p.Contribution](t, s.ok(bob.AccessToken, "mine", nil)), "and has none of their own")
	})
	t.Run("TheIDTokenIsNotAnAccessToken", func(t *testing.T) {
		idToken := aino.Extra("id_token").(string)
		claims := payload(t, idToken)
		require.Contains(t, claims["aud"], portalID, "the ID token is for the service's audience")
		require.NotEmpty(t, claims["roles"], "and carries the roles claim, so only its kind can refuse it")
		if _, err := auth.Authenticate(t.Context(), idToken); assert.Error(t, err, "the ID token does not sign in") {
			assert.Contains(t, err.Error(), "ID token")
		}
		a := s.call(idToken, "mine", nil)
		assert.Equal(t, http.StatusUnauthorized, a.Status, "%s", a.Body)
		require.NotNil(t, a.Problem)
		assert.Equal(t, httpapi.CodeUnauthenticated, a.Problem.Code)
	})
	t.Run("ACodeIsExchangedOnce", func(t *testing.T) {
		_, err := conf.Exchange(t.Context(), code, oauth2.VerifierOption(verifier))
		var re *oauth2.RetrieveError
		require.ErrorAs(t, err, &re, "the provider refuses a code replayed")
		assert.Equal(t, "invalid_grant", re.ErrorCode)
	})
	t.Run("ACodeNeedsItsVerifier", func(t *testing.T) {
		_, code, _, _ := portalCode(t, issuer, "bob", "bob-salasana")
		_, err := conf.Exchange(t.Context(), code, oauth2.VerifierOption(oauth2.GenerateVerifier()))
		var re *oauth2.RetrieveError
		require.ErrorAs(t, err, &re, "the provider refuses a code with another verifier (PKCE)")
		assert.Equal(t, "invalid_grant", re.ErrorCode)
	})
	t.Run("AWrongPasswordGetsNoCode", func(t *testing.T) {
		conf := &oauth2.Config{ClientID: portalID, RedirectURL: portalCallback, Scopes: []string{"openid"}, Endpoint: oauth2.Endpoint{AuthURL: issuer + "/authorize"}}
		b := browser(t)
		res, err := b.Get(conf.AuthCodeURL(random(t), oauth2.S256ChallengeOption(oauth2.GenerateVerifier())))
		require.NoError(t, err)
		page, _ := io.ReadAll(res.Body)
		res.Body.Close()
		form := loginForm.FindStringSubmatch(string(page))
		require.NotNil(t, form)
		action, err := res.Request.URL.Parse(form[1])
		require.NoError(t, err)
		res, err = b.PostForm(action.String(), url.Values{"id": {form[2]}, "username": {"aino"}, "password": {"väärä"}})
		require.NoError(t, err)
		res.Body.Close()
		assert.Equal(t, http.StatusUnauthorized, res.StatusCode)
		assert.Empty(t, res.Header.Get("Location"), "no redirect to the portal, so no code")
	})
}
