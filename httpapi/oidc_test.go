package httpapi_test

import (
	"bytes"
	"context"
	"crypto/rand"
	"crypto/rsa"
	"encoding/json"
	"errors"
	"fmt"
	"html"
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
// a roles claim, and as users who sign in at its login page through the
// county portal with the authorization code flow (see signin_test.go).

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

// people is the provider's user store: each person signs in with their
// name as username and their secret as password; their name is the
// token's subject.
type people map[string]person

func (ps people) GetUserByID(id string) *storage.User {
	who, ok := ps[id]
	if !ok {
		return nil
	}
	return &storage.User{ID: id, Username: id, Password: who.secret, FirstName: id}
}

func (ps people) GetUserByUsername(name string) *storage.User { return ps.GetUserByID(name) }
func (ps people) ExampleClientID() string                     { return portalID }

// The county portal: a web client that signs people in with the
// authorization code flow and PKCE, and gets JWT access tokens for the
// service.
const (
	portalID       = "osallisuus-portal"
	portalSecret   = "portal-secret"
	portalCallback = "https://portal.example/callback"
)

type portalClient struct{ op.Client }

func (portalClient) AccessTokenType() op.AccessTokenType { return op.AccessTokenTypeJWT }

func (s *provider) GetClientByClientID(ctx context.Context, id string) (op.Client, error) {
	if id == portalID {
		return portalClient{storage.WebClient(portalID, portalSecret, portalCallback)}, nil
	}
	return s.Storage.GetClientByClientID(ctx, id)
}

func (s *provider) AuthorizeClientIDSecret(ctx context.Context, id, secret string) error {
	if id == portalID {
		if secret != portalSecret {
			return errors.New("wrong client secret")
		}
		return nil
	}
	return s.Storage.AuthorizeClientIDSecret(ctx, id, secret)
}

// SetUserinfoFromRequest puts the roles claim in the ID token too, as
// providers commonly do, so that only its being an ID token tells it
// from an access token.
func (s *provider) SetUserinfoFromRequest(ctx context.Context, info *oidc.UserInfo, r op.IDTokenRequest, scopes []string) error {
	if err := s.Storage.SetUserinfoFromRequest(ctx, info, r, scopes); err != nil {
		return err
	}
	info.AppendClaims("roles", []string{s.people[r.GetSubject()].role})
	return nil
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
func startProvider(t *testing.T, who map[string]person) string {
	t.Helper()
	srv := httptest.NewUnstartedServer(nil)
	srv.Start()
	t.Cleanup(srv.Close)
	issuer := srv.URL
	st := &provider{Storage: storage.NewStorage(people(who)), people: who}
	var key [32]byte
	_, _ = rand.Read(key[:])
	prov, err := op.NewProvider(&op.Config{CryptoKey: key, AuthMethodPost: true, CodeMethodS256: true}, st, op.StaticIssuer(issuer), op.WithAllowInsecure())
	require.NoError(t, err)
	// The provider's login page: a form of username and password for the
	// authorization request; a right password finishes the request and
	// sends the browser back to the provider, which redirects it to the
	// client with a code.
	mux := http.NewServeMux()
	mux.HandleFunc("GET /login/username", func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "text/html; charset=utf-8")
		fmt.Fprintf(w, `<form method="post" action="/login/username"><input type="hidden" name="id" value="%s">`+
			`<input name="username"><input name="password" type="password"><button>Kirjaudu</button></form>`, html.EscapeString(r.FormValue("authRequestID")))
	})
	mux.Handle("POST /login/username", op.NewIssuerInterceptor(prov.IssuerFromRequest).HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		id := r.FormValue("id")
		if err := st.CheckUsernamePassword(r.FormValue("username"), r.FormValue("password"), id); err != nil {
			http.Error(w, "wrong username or password", http.StatusUnauthorized)
			return
		}
		http.Redirect(w, r, op.AuthCallbackURL(prov)(r.Context(), id), http.StatusFound)
	}))
	mux.Handle("/", prov)
	srv.Config.Handler = mux
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
	// A claim one can guess, such as a personal identity code, hashed
	// plainly is found again by hashing every possible value; ids stay in
	// the journal after an erasure. Under a key it is not.
	t.Run("PRIV-2_a_keyed_person_id_is_not_the_plain_hash_and_needs_the_key", func(t *testing.T) {
		key := bytes.Repeat([]byte{7}, 32)
		other := bytes.Repeat([]byte{8}, 32)
		const code = "010190-123A"
		keyed := httpapi.KeyedPersonID(key, issuer, code)
		assert.Equal(t, keyed, httpapi.KeyedPersonID(key, issuer, code), "the same at every sign-in")
		assert.NotEqual(t, httpapi.PersonID(issuer, code), keyed, "not the plain hash anyone can compute")
		assert.NotEqual(t, httpapi.KeyedPersonID(other, issuer, code), keyed, "another key, another id")
		id := "0190de00-0000-7000-8000-0000000000aa"
		assert.Equal(t, p.MustParseID(id), httpapi.KeyedPersonID(key, issuer, id), "a UUID is the id itself")

		_, err := httpapi.NewOIDC(t.Context(), httpapi.OIDCConfig{Issuer: issuer, Audience: audience, PersonKey: key[:16]})
		assert.Equal(t, p.EINVALID, p.ErrorCode(err), "a short key is refused")

		keyedAuth, err := httpapi.NewOIDC(t.Context(), httpapi.OIDCConfig{Issuer: issuer, Audience: audience, PersonKey: key,
			Roles: map[string]p.Role{"osallisuus-coordinator": p.RoleCoordinator}})
		require.NoError(t, err)
		actor, err := keyedAuth.Authenticate(t.Context(), maija)
		require.NoError(t, err)
		assert.Equal(t, httpapi.KeyedPersonID(key, issuer, "maija"), actor.ID, "the token's person gets the keyed id")
	})
}
