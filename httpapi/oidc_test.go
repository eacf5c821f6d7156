package httpapi_test

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/go-jose/go-jose/v4"
	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"github.com/zitadel/oidc/v3/example/server/storage"
	"github.com/zitadel/oidc/v3/pkg/oidc"
	"github.com/zitadel/oidc/v3/pkg/op"

	"github.com/osallisuus/osallisuus/httpapi"
	p "github.com/osallisuus/osallisuus/participation"
)

// A real OpenID provider on loopback: zitadel's provider package over
// its example storage, with the test's people as clients that sign in
// with the client credentials grant and get JWT access tokens carrying
// a roles claim.

const audience = "osallisuus"

type person struct {
	secret   string
	role     string
	audience string        // "" means audience
	lifetime time.Duration // 0 means five minutes; negative: already expired
}

type provider struct {
	*storage.Storage
	people map[string]person
}

type jwtClient struct{ op.Client }

func (jwtClient) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeJWT }
func (jwtClient) GrantTypes() []oidc.GrantType {
	return []oidc.GrantType{oidc.GrantTypeClientCredentials}
}
func (jwtClient) RestrictAdditionalAccessTokenScopes() func([]string) []string {
	return func(s []string) []string { return s }
}
func (jwtClient) ClockSkew() time.Duration { return 0 }

func (s *provider) ClientCredentials(ctx context.Context, id, secret string) (op.Client, error) {
	who, ok := s.people[id]
	if !ok || who.secret != secret {
		return nil, errors.New("wrong client or secret")
	}
	return jwtClient{storage.WebClient(id, secret)}, nil
}

func (s *provider) ClientCredentialsTokenRequest(ctx context.Context, id string, scopes []string) (op.TokenRequest, error) {
	who, ok := s.people[id]
	if !ok {
		return nil, errors.New("wrong client")
	}
	aud := who.audience
	if aud == "" {
		aud = audience
	}
	return &oidc.JWTTokenRequest{Subject: id, Audience: []string{aud}, Scopes: scopes}, nil
}

func (s *provider) CreateAccessToken(ctx context.Context, r op.TokenRequest) (string, time.Time, error) {
	id, exp, err := s.Storage.CreateAccessToken(ctx, r)
	if who := s.people[r.GetSubject()]; who.lifetime != 0 {
		exp = time.Now().Add(who.lifetime)
	}
	return id, exp, err
}

func (s *provider) GetPrivateClaimsFromScopes(ctx context.Context, userID, clientID string, scopes []string) (map[string]any, error) {
	return map[string]any{"roles": []string{"unrelated", s.people[userID].role}}, nil
}

// startProvider runs the provider on loopback and returns its issuer.
func startProvider(t *testing.T, people map[string]person) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)
	issuer := srv.URL
	st := &provider{Storage: storage.NewStorage(storage.NewUserStore(issuer)), people: people}
	var key [32]byte
	_, _ = rand.Read(key[:])
	prov, err := op.NewProvider(&op.Config{CryptoKey: key, AuthMethodPost: true}, st, op.StaticIssuer(issuer), op.WithAllowInsecure())
	require.NoError(t, err)
	srv.Config.Handler = prov
	return issuer
}

// signIn gets an access token from the provider.
func signIn(t *testing.T, issuer, id, secret string) string {
	t.Helper()
	res, err := http.PostForm(issuer+"/oauth/token", url.Values{"grant_type": {"client_credentials"}, "client_id": {id}, "client_secret": {secret}, "scope": {"openid"}})
	require.NoError(t, err)
	defer res.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	require.NoError(t, json.NewDecoder(res.Body).Decode(&tok))
	require.Equal(t, 200, res.StatusCode)
	require.NotEmpty(t, tok.AccessToken)
	return tok.AccessToken
}

// resign signs token's claims again with a key the provider never had,
// under the same key id.
func resign(t *testing.T, token string) string {
	t.Helper()
	sig, err := jose.ParseSigned(token, []jose.SignatureAlgorithm{jose.RS256})
	require.NoError(t, err)
	payload := sig.UnsafePayloadWithoutVerification()
	other, err := rsa.GenerateKey(rand.Reader, 2048)
	require.NoError(t, err)
	signer, err := jose.NewSigner(jose.SigningKey{Algorithm: jose.RS256, Key: jose.JSONWebKey{Key: other, KeyID: sig.Signatures[0].Header.KeyID}}, nil)
	require.NoError(t, err)
	forged, err := signer.Sign(payload)
	require.NoError(t, err)
	out, err := forged.CompactSerialize()
	require.NoError(t, err)
	return out
}

// TestOIDC: staff and named clients sign in at a real OpenID provider;
// the service verifies their tokens against its discovery document and
// keys, maps the roles claim to an actor, and refuses a token that has
// expired, is for another audience, or is signed by another key.
func TestOIDC(t *testing.T) {
	people := map[string]person{
		"maija":   {secret: "s1", role: "osallisuus-coordinator"},
		"aino":    {secret: "s2", role: "client"},
		"expired": {secret: "s3", role: "osallisuus-coordinator", lifetime: -time.Hour},
		"other":   {secret: "s4", role: "osallisuus-coordinator", audience: "another-service"},
		"nobody":  {secret: "s5", role: "device"},
	}
	issuer := startProvider(t, people)
	auth, err := httpapi.NewOIDC(t.Context(), httpapi.OIDCConfig{Issuer: issuer, Audience: audience,
		Roles: map[string]p.Role{"osallisuus-coordinator": p.RoleCoordinator, "client": p.RoleClient, "device": p.RoleClient}})
	require.NoError(t, err)
	s := start(t, options{auth: auth})

	maija := signIn(t, issuer, "maija", "s1")
	t.Run("SignInAndCall", func(t *testing.T) {
		var view struct {
			Panel struct {
				Coordinator p.ID `json:"coordinator"`
			} `json:"panel"`
		}
		s.ok(maija, "panel.create", map[string]any{"name": "Raati", "unit": "u"}).into(t, &view)
		assert.Equal(t, httpapi.PersonID(issuer, "maija"), view.Panel.Coordinator, "the change is made as the person the token names")
		aino := signIn(t, issuer, "aino", "s2")
		a := s.call(aino, "panel.create", map[string]any{"name": "Raati", "unit": "u"})
		assert.Equal(t, http.StatusForbidden, a.Status, "a client's token signs in a client")
	})
	refused := map[string]struct{ token, why string }{
		"Expired":         {signIn(t, issuer, "expired", "s3"), "expired"},
		"AnotherAudience": {signIn(t, issuer, "other", "s4"), "audience"},
		"AnotherKey":      {resign(t, maija), "signature"},
		"Garbage":         {"not.a.token", "malformed"},
	}
	for name, c := range refused {
		t.Run("Refused"+name, func(t *testing.T) {
			token := c.token
			_, err := auth.Authenticate(t.Context(), token)
			require.Error(t, err)
			assert.Contains(t, err.Error(), c.why, "refused for the reason the case is about")
			a := s.call(token, "loop.board", nil)
			assert.Equal(t, http.StatusUnauthorized, a.Status, "%s", a.Body)
			require.NotNil(t, a.Problem)
			assert.Equal(t, httpapi.CodeUnauthenticated, a.Problem.Code)
			assert.NotContains(t, strings.ToLower(a.Problem.Detail), "signature", "the refusal does not say why the token failed")
		})
	}
	t.Run("NoPersonRoleIsRefused", func(t *testing.T) {
		_, err := httpapi.NewOIDC(t.Context(), httpapi.OIDCConfig{Issuer: issuer, Audience: audience, Roles: map[string]p.Role{"x": p.RoleDevice}})
		assert.Equal(t, p.EINVALID, p.ErrorCode(err))
	})
	t.Run("PersonID", func(t *testing.T) {
		id := "0190de00-0000-7000-8000-0000000000aa"
		assert.Equal(t, p.MustParseID(id), httpapi.PersonID(issuer, id))
		assert.Equal(t, httpapi.PersonID(issuer, "maija"), httpapi.PersonID(issuer, "maija"))
		assert.NotEqual(t, httpapi.PersonID(issuer, "maija"), httpapi.PersonID("https://other", "maija"))
	})
}
