package jwt

import (
	"context"
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"errors"
	"fmt"
	"strings"
	"time"

	gojwt "github.com/golang-jwt/jwt/v5"

	"github.com/critpath/critpath/realtime"
)

// The algorithms a Key may have.
const (
	HS256 = "HS256"
	RS256 = "RS256"
	EdDSA = "EdDSA"
)

const (
	// minSecret is the shortest HS256 secret taken: RFC 7518 §3.2 asks
	// for a key as long as the hash, 32 bytes.
	minSecret = 32
	// minRSABits is the smallest RSA modulus taken.
	minRSABits = 2048
	// maxToken bounds the token parsed: a hello's token is a few hundred
	// bytes; a larger one is refused before it is decoded.
	maxToken = 8 << 10
	// defaultLeeway is Config.Leeway's default.
	defaultLeeway = 30 * time.Second
	// rolesClaim names the claim of roles per project.
	rolesClaim = "projects"
	// anyProject is the key of the roles claim that holds the role in
	// every project not named.
	anyProject = "*"
)

// Key is one key of a key set.
type Key struct {
	// ID is the key's kid, which the tokens it signs carry in their
	// header; required, unique in the set.
	ID string
	// Algorithm is HS256, RS256 or EdDSA.
	Algorithm string
	// Secret is an HS256 key: at least 32 bytes.
	Secret []byte
	// Public verifies RS256 (*rsa.PublicKey) or EdDSA (ed25519.PublicKey)
	// tokens. It may be left nil when Private is given.
	Public crypto.PublicKey
	// Private signs RS256 (*rsa.PrivateKey) or EdDSA (ed25519.PrivateKey)
	// tokens; only an Issuer needs it.
	Private crypto.Signer
}

// Config sets up an Authenticator or an Issuer. Keys is required.
type Config struct {
	// Keys is the key set tokens are verified with.
	Keys []Key
	// SigningKey is the ID of the key an Issuer signs with; default the
	// first key of Keys that can sign (an HS256 key, or one with
	// Private).
	SigningKey string
	// Issuer, when set, is the iss an Issuer writes and an Authenticator
	// requires.
	Issuer string
	// Audience, when set, is the aud an Issuer writes and an
	// Authenticator requires among the token's audiences.
	Audience string
	// Leeway is the slack allowed between the token's times and the
	// clock; default 30 s, negative for none.
	Leeway time.Duration
	// Roles, when set, gives a user's role in a project (a server that
	// keeps roles in its database), and the token's "projects" claim is
	// ignored. Its error is Role's.
	Roles func(ctx context.Context, id realtime.Identity, project string) (realtime.Role, error)
	// Lifetime is how long an Issuer's tokens last when Issue is not told;
	// default 15 minutes.
	Lifetime time.Duration
	// Now is the clock; default time.Now.
	Now func() time.Time
}

// Errors of a refused token; each is wrapped together with
// realtime.ErrUnauthorized.
var (
	// ErrMalformed: not a JWT (segments, base64, JSON), or over 8 KiB.
	ErrMalformed = errors.New("jwt: malformed token")
	// ErrAlgorithm: the header's alg is not the key's (none, an unknown
	// alg, HS256 for an RSA key).
	ErrAlgorithm = errors.New("jwt: algorithm not allowed")
	// ErrUnknownKey: no key of the set has the header's kid, or the
	// token has none and the set more than one key.
	ErrUnknownKey = errors.New("jwt: unknown key")
	// ErrSignature: the signature does not verify with the key.
	ErrSignature = errors.New("jwt: bad signature")
	// ErrExpired: exp has passed.
	ErrExpired = errors.New("jwt: token expired")
	// ErrNotYetValid: nbf or iat is in the future.
	ErrNotYetValid = errors.New("jwt: token not valid yet")
	// ErrIssuer: iss is not Config.Issuer.
	ErrIssuer = errors.New("jwt: wrong issuer")
	// ErrAudience: aud does not hold Config.Audience.
	ErrAudience = errors.New("jwt: wrong audience")
	// ErrClaims: a required claim missing (exp, sub) or one of the wrong
	// form (a role that is not viewer, planner or owner).
	ErrClaims = errors.New("jwt: bad claims")
)

// refuse returns the error of a token refused for reason, with detail.
func refuse(reason error, format string, args ...any) error {
	return fmt.Errorf("%w%s: %w", reason, fmt.Sprintf(format, args...), realtime.ErrUnauthorized)
}

// claims are the claims this package reads and writes.
type claims struct {
	gojwt.RegisteredClaims
	Name     string            `json:"name,omitempty"`
	Projects map[string]string `json:"projects,omitempty"`
}

// keySet is a validated Config's keys by ID.
type keySet struct {
	byID map[string]*Key
	only *Key // the key of a set of one
}

// newKeySet checks cfg's keys: IDs, algorithms and key material. Its
// errors name the key by its index and ID, never its material.
func newKeySet(cfg Config) (keySet, error) {
	if len(cfg.Keys) == 0 {
		return keySet{}, errors.New("jwt: Config.Keys is empty")
	}
	ks := keySet{byID: map[string]*Key{}}
	for i := range cfg.Keys {
		k := cfg.Keys[i] // a copy: later changes to cfg do not reach the set
		where := fmt.Sprintf("jwt: Config.Keys[%d] (%q)", i, k.ID)
		if k.ID == "" {
			return keySet{}, fmt.Errorf("jwt: Config.Keys[%d]: no ID", i)
		}
		if _, dup := ks.byID[k.ID]; dup {
			return keySet{}, fmt.Errorf("%s: the ID is used twice", where)
		}
		if k.Public == nil && k.Private != nil {
			k.Public = k.Private.Public()
		}
		switch k.Algorithm {
		case HS256:
			if len(k.Secret) < minSecret {
				return keySet{}, fmt.Errorf("%s: an HS256 secret of %d bytes, at least %d needed", where, len(k.Secret), minSecret)
			}
			if k.Public != nil {
				return keySet{}, fmt.Errorf("%s: an HS256 key with a public key", where)
			}
			k.Secret = append([]byte(nil), k.Secret...)
		case RS256:
			pub, ok := k.Public.(*rsa.PublicKey)
			if !ok {
				return keySet{}, fmt.Errorf("%s: RS256 needs an *rsa.PublicKey or *rsa.PrivateKey, got %T", where, k.Public)
			}
			if pub.N == nil || pub.N.BitLen() < minRSABits {
				return keySet{}, fmt.Errorf("%s: an RSA key under %d bits", where, minRSABits)
			}
			if _, ok := k.Private.(*rsa.PrivateKey); k.Private != nil && !ok {
				return keySet{}, fmt.Errorf("%s: RS256 signs with an *rsa.PrivateKey, got %T", where, k.Private)
			}
		case EdDSA:
			pub, ok := k.Public.(ed25519.PublicKey)
			if !ok || len(pub) != ed25519.PublicKeySize {
				return keySet{}, fmt.Errorf("%s: EdDSA needs an ed25519.PublicKey or ed25519.PrivateKey, got %T", where, k.Public)
			}
			if _, ok := k.Private.(ed25519.PrivateKey); k.Private != nil && !ok {
				return keySet{}, fmt.Errorf("%s: EdDSA signs with an ed25519.PrivateKey, got %T", where, k.Private)
			}
		default:
			return keySet{}, fmt.Errorf("%s: algorithm %q, not HS256, RS256 or EdDSA", where, k.Algorithm)
		}
		if k.Algorithm != HS256 && len(k.Secret) > 0 {
			return keySet{}, fmt.Errorf("%s: a secret on a %s key", where, k.Algorithm)
		}
		ks.byID[k.ID] = &k
	}
	if len(cfg.Keys) == 1 {
		ks.only = ks.byID[cfg.Keys[0].ID]
	}
	return ks, nil
}

// verification returns the key that checks t's signature (see the
// package doc): the kid's key, and only for its own algorithm.
func (ks keySet) verification(t *gojwt.Token) (any, error) {
	alg, _ := t.Header["alg"].(string)
	k := ks.only
	kid, hasKid := t.Header["kid"]
	if hasKid {
		id, ok := kid.(string)
		if !ok {
			return nil, refuse(ErrMalformed, ": kid is not a string")
		}
		if k = ks.byID[id]; k == nil {
			return nil, refuse(ErrUnknownKey, " %q", clip(id))
		}
	} else if k == nil {
		return nil, refuse(ErrUnknownKey, ": the token names no kid and the key set has %d keys", len(ks.byID))
	}
	if alg != k.Algorithm || t.Method == nil || t.Method.Alg() != k.Algorithm {
		return nil, refuse(ErrAlgorithm, ": %q for key %q, which is %s", clip(alg), clip(k.ID), k.Algorithm)
	}
	if k.Algorithm == HS256 {
		return k.Secret, nil
	}
	return k.Public, nil
}

// clip shortens a value from a token for an error message.
func clip(s string) string {
	const n = 64
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}

// Authenticator checks tokens: a realtime.Authenticator.
type Authenticator struct {
	cfg    Config
	keys   keySet
	parser *gojwt.Parser
}

var _ realtime.Authenticator = (*Authenticator)(nil)

// New returns an Authenticator, or an error naming the field of cfg that
// is wrong (a key without ID, a short secret, a key of the wrong type).
func New(cfg Config) (*Authenticator, error) {
	cfg, ks, err := setUp(cfg)
	if err != nil {
		return nil, err
	}
	// The claims are checked here, after the signature (see check), so
	// that each refusal says exactly why.
	return &Authenticator{cfg: cfg, keys: ks, parser: gojwt.NewParser(gojwt.WithoutClaimsValidation())}, nil
}

// setUp validates cfg and fills its defaults.
func setUp(cfg Config) (Config, keySet, error) {
	ks, err := newKeySet(cfg)
	if err != nil {
		return cfg, keySet{}, err
	}
	switch {
	case cfg.Leeway == 0:
		cfg.Leeway = defaultLeeway
	case cfg.Leeway < 0:
		cfg.Leeway = 0
	}
	if cfg.Lifetime < 0 {
		return cfg, keySet{}, fmt.Errorf("jwt: Config.Lifetime %v is negative", cfg.Lifetime)
	}
	if cfg.Lifetime == 0 {
		cfg.Lifetime = 15 * time.Minute
	}
	if cfg.Now == nil {
		cfg.Now = time.Now
	}
	return cfg, ks, nil
}

// Authenticate implements realtime.Authenticator: it verifies token and
// returns its user (sub), name and expiry, with the roles of its
// "projects" claim unless Config.Roles is set. A token refused is an
// error wrapping realtime.ErrUnauthorized and the reason's sentinel.
func (a *Authenticator) Authenticate(ctx context.Context, token string) (realtime.Identity, error) {
	if err := ctx.Err(); err != nil {
		return realtime.Identity{}, err
	}
	if len(token) > maxToken {
		return realtime.Identity{}, refuse(ErrMalformed, ": %d bytes, over %d", len(token), maxToken)
	}
	var c claims
	_, err := a.parser.ParseWithClaims(token, &c, a.keys.verification)
	if err != nil {
		return realtime.Identity{}, parseError(err)
	}
	if err := a.check(&c); err != nil {
		return realtime.Identity{}, err
	}
	id := realtime.Identity{User: c.Subject, Name: c.Name, Expires: c.ExpiresAt.Time}
	if a.cfg.Roles == nil {
		roles, err := parseRoles(c.Projects)
		if err != nil {
			return realtime.Identity{}, err
		}
		id.Roles = roles
	}
	return id, nil
}

// parseError turns golang-jwt's error into this package's: what the
// verification key function refused as it is, the rest by its kind.
func parseError(err error) error {
	if errors.Is(err, realtime.ErrUnauthorized) {
		return err // from verification, with its reason
	}
	switch {
	case errors.Is(err, gojwt.ErrTokenSignatureInvalid):
		return refuse(ErrSignature, "")
	case errors.Is(err, gojwt.ErrTokenUnverifiable):
		// ParseUnverified refuses an alg it does not know.
		return refuse(ErrAlgorithm, ": an unknown alg")
	}
	return refuse(ErrMalformed, "")
}

// check checks the claims of a token whose signature holds.
func (a *Authenticator) check(c *claims) error {
	now, leeway := a.cfg.Now(), a.cfg.Leeway
	stamp := func(d *gojwt.NumericDate) string { return d.UTC().Format(time.RFC3339) }
	switch {
	case c.ExpiresAt == nil:
		return refuse(ErrClaims, ": no exp")
	case !now.Before(c.ExpiresAt.Add(leeway)):
		return refuse(ErrExpired, " at %s", stamp(c.ExpiresAt))
	case c.NotBefore != nil && now.Add(leeway).Before(c.NotBefore.Time):
		return refuse(ErrNotYetValid, ": not before %s", stamp(c.NotBefore))
	case c.IssuedAt != nil && now.Add(leeway).Before(c.IssuedAt.Time):
		return refuse(ErrNotYetValid, ": issued at %s, in the future", stamp(c.IssuedAt))
	case a.cfg.Issuer != "" && c.Issuer != a.cfg.Issuer:
		return refuse(ErrIssuer, " %q", clip(c.Issuer))
	case a.cfg.Audience != "" && !contains(c.Audience, a.cfg.Audience):
		return refuse(ErrAudience, " %q", clip(fmt.Sprint([]string(c.Audience))))
	case c.Subject == "":
		return refuse(ErrClaims, ": no sub")
	}
	return nil
}

func contains(ss []string, s string) bool {
	for _, x := range ss {
		if x == s {
			return true
		}
	}
	return false
}

// parseRoles reads the "projects" claim.
func parseRoles(m map[string]string) (map[string]realtime.Role, error) {
	if len(m) == 0 {
		return nil, nil
	}
	roles := make(map[string]realtime.Role, len(m))
	for project, r := range m {
		role := realtime.Role(r)
		switch role {
		case realtime.RoleViewer, realtime.RolePlanner, realtime.RoleOwner:
		default:
			return nil, refuse(ErrClaims, ": %s: role %q for %q, not viewer, planner or owner", rolesClaim, clip(r), clip(project))
		}
		roles[project] = role
	}
	return roles, nil
}

// Role implements realtime.Authenticator: Config.Roles's answer when it
// is set, else the role id's token gives project, or its "*" role, or
// none. A user's own room (realtime.UserRoom, "user:<id>") is theirs
// alone: viewer for its user, none for anyone else, whatever the token
// or Config.Roles say (a "*" role never opens another's notifications).
func (a *Authenticator) Role(ctx context.Context, id realtime.Identity, project string) (realtime.Role, error) {
	if strings.HasPrefix(project, realtime.UserRoom("")) {
		if id.User != "" && project == realtime.UserRoom(id.User) {
			return realtime.RoleViewer, nil
		}
		return realtime.RoleNone, nil
	}
	if a.cfg.Roles != nil {
		return a.cfg.Roles(ctx, id, project)
	}
	return RoleIn(id.Roles, project), nil
}

// RoleIn returns the role roles give in project: its own, else the one
// of "*", else none.
func RoleIn(roles map[string]realtime.Role, project string) realtime.Role {
	if r, ok := roles[project]; ok {
		return r
	}
	return roles[anyProject]
}
