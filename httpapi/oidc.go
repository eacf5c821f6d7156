package httpapi

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"fmt"
	"net/http"
	"slices"

	"github.com/coreos/go-oidc/v3/oidc"

	p "github.com/osallisuus/osallisuus/participation"
)

// OIDCConfig says which OpenID Connect provider signs people in and how
// its tokens' claims map to an actor.
type OIDCConfig struct {
	// Issuer is the provider's issuer URL; its discovery document
	// (/.well-known/openid-configuration) names the keys that sign its
	// tokens. Required.
	Issuer string `json:"issuer"`
	// Audience is the client id a token must be issued for. Required.
	Audience string `json:"audience"`
	// RoleClaim is the claim that holds the caller's role, a string or a
	// list of strings; empty means "roles".
	RoleClaim string `json:"roleClaim"`
	// Roles maps the claim's values to the library's roles; empty means
	// the values are the library's role names. Only the roles people hold
	// map (client, family_member, experience_expert, developer_client,
	// staff, coordinator, manager, admin): a token never makes a device,
	// the anonymous caller or the system. The first value that maps is
	// the caller's role.
	Roles map[string]p.Role `json:"roles"`
	// PersonClaim is the claim that holds the person's id; empty means
	// "sub". A value that is a UUID is the person's id; any other value
	// stands for the id derived from it and the issuer (a name-based
	// UUID, version 8, from SHA-256), the same at every sign-in.
	PersonClaim string `json:"personClaim"`
	// PersonKey, when set, derives the id of a claim value that is not a
	// UUID with HMAC-SHA-256 under this secret ([KeyedPersonID]) instead
	// of a plain hash ([PersonID]). Set it when the claim is a value one
	// can guess, such as a personal identity code: ids stay in the journal
	// after an erasure, and a plain hash of such a value is found again by
	// hashing every possible value. Choose it before anyone signs in and
	// keep it: another key gives everyone new ids. At least 32 bytes.
	PersonKey []byte `json:"-"`
	// Client fetches the discovery document and the keys; nil means
	// http.DefaultClient.
	Client *http.Client `json:"-"`
}

// personRoles are the roles a token may sign in.
var personRoles = []p.Role{p.RoleClient, p.RoleFamilyMember, p.RoleExpert, p.RoleDeveloperClient, p.RoleStaff, p.RoleCoordinator, p.RoleManager, p.RoleAdmin}

// OIDC verifies OpenID Connect tokens (signature by the provider's keys,
// issuer, audience, expiry) and maps their claims to an actor.
type OIDC struct {
	cfg      OIDCConfig
	verifier *oidc.IDTokenVerifier
}

// NewOIDC reads the provider's discovery document and returns an
// [Authenticator] for its tokens. The provider's keys are fetched when a
// token names one not yet seen, so a key rotation needs no restart.
func NewOIDC(ctx context.Context, cfg OIDCConfig) (*OIDC, error) {
	if cfg.Issuer == "" {
		return nil, p.Invalid("issuer", "is required: the provider's issuer URL")
	}
	if cfg.Audience == "" {
		return nil, p.Invalid("audience", "is required: the client id tokens are issued for")
	}
	if cfg.RoleClaim == "" {
		cfg.RoleClaim = "roles"
	}
	if cfg.PersonClaim == "" {
		cfg.PersonClaim = "sub"
	}
	if cfg.PersonKey != nil && len(cfg.PersonKey) < 32 {
		return nil, p.Invalid("personKey", "holds %d bytes; use a random secret of at least 32", len(cfg.PersonKey))
	}
	for v, r := range cfg.Roles {
		if !slices.Contains(personRoles, r) {
			return nil, p.Invalid("roles", "claim value %q maps to %q, which is not a role a person holds; use one of %v", v, r, personRoles)
		}
	}
	if cfg.Client != nil {
		ctx = oidc.ClientContext(ctx, cfg.Client)
	}
	prov, err := oidc.NewProvider(ctx, cfg.Issuer)
	if err != nil {
		return nil, p.Unavailable(err, "reading the OpenID provider's discovery document")
	}
	return &OIDC{cfg: cfg, verifier: prov.Verifier(&oidc.Config{ClientID: cfg.Audience})}, nil
}

// idTokenClaims are the claims only an ID token carries (OpenID Connect
// Core 1.0, sections 2, 3.1.3.6 and 3.3.2.11; RFC 9068 has none of them
// in an access token). An ID token is signed by the same keys and may be
// issued for the same audience as an access token, so these tell the
// two apart.
var idTokenClaims = []string{"nonce", "at_hash", "c_hash", "s_hash"}

// Authenticate verifies token and returns its actor. An ID token is
// refused: it tells the client who signed in, and is not a credential
// for the service (a token with a claim only ID tokens carry — nonce,
// at_hash, c_hash, s_hash — is one).
func (o *OIDC) Authenticate(ctx context.Context, token string) (p.Actor, error) {
	if o.cfg.Client != nil {
		ctx = oidc.ClientContext(ctx, o.cfg.Client)
	}
	tok, err := o.verifier.Verify(ctx, token)
	if err != nil {
		return p.Actor{}, p.Errorf(p.EFORBIDDEN, "the token does not verify: %v", err)
	}
	var claims map[string]any
	if err := tok.Claims(&claims); err != nil {
		return p.Actor{}, p.Errorf(p.EFORBIDDEN, "the token's claims do not read")
	}
	for _, c := range idTokenClaims {
		if _, ok := claims[c]; ok {
			return p.Actor{}, p.Errorf(p.EFORBIDDEN, "the token is an ID token (it has the %s claim), which is for the client that signed the person in; send the access token", c)
		}
	}
	role, ok := o.role(claims[o.cfg.RoleClaim])
	if !ok {
		return p.Actor{}, p.Errorf(p.EFORBIDDEN, "the token's %s claim names no role of the service", o.cfg.RoleClaim)
	}
	who, _ := claims[o.cfg.PersonClaim].(string)
	if who == "" {
		return p.Actor{}, p.Errorf(p.EFORBIDDEN, "the token has no %s claim", o.cfg.PersonClaim)
	}
	if o.cfg.PersonKey != nil {
		return p.Actor{ID: KeyedPersonID(o.cfg.PersonKey, o.cfg.Issuer, who), Role: role}, nil
	}
	return p.Actor{ID: PersonID(o.cfg.Issuer, who), Role: role}, nil
}

func (o *OIDC) role(v any) (p.Role, bool) {
	var vals []string
	switch x := v.(type) {
	case string:
		vals = []string{x}
	case []any:
		for _, e := range x {
			if s, ok := e.(string); ok {
				vals = append(vals, s)
			}
		}
	}
	for _, s := range vals {
		r := p.Role(s)
		if o.cfg.Roles != nil {
			var ok bool
			if r, ok = o.cfg.Roles[s]; !ok {
				continue
			}
		}
		if slices.Contains(personRoles, r) {
			return r, true
		}
	}
	return "", false
}

// PersonID is the person id a claim value stands for: the value itself
// when it is a UUID, otherwise a UUID (version 8) derived from the issuer
// and the value with SHA-256. Anyone can derive it again from a value
// they guess; see [OIDCConfig.PersonKey] and [KeyedPersonID].
func PersonID(issuer, value string) p.ID {
	if id, err := p.ParseID(value); err == nil {
		return id
	}
	return idFrom(sha256.Sum256(fmt.Appendf(nil, "%s\x00%s", issuer, value)))
}

// KeyedPersonID is [PersonID] with the hash keyed by a secret
// (HMAC-SHA-256): without the key, an id cannot be traced back to its
// claim value by trying values.
func KeyedPersonID(key []byte, issuer, value string) p.ID {
	if id, err := p.ParseID(value); err == nil {
		return id
	}
	m := hmac.New(sha256.New, key)
	m.Write(fmt.Appendf(nil, "%s\x00%s", issuer, value))
	return idFrom([32]byte(m.Sum(nil)))
}

// idFrom makes a UUID, version 8, of a hash's first 16 bytes.
func idFrom(sum [32]byte) p.ID {
	var id p.ID
	copy(id[:], sum[:16])
	id[6] = id[6]&0x0f | 0x80 // version 8
	id[8] = id[8]&0x3f | 0x80 // variant 10
	return id
}
