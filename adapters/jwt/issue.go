package jwt

import (
	"cmp"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"time"

	gojwt "github.com/golang-jwt/jwt/v5"

	"github.com/critpath/critpath/realtime"
)

// Grant is what a token says of its holder.
type Grant struct {
	// User is the token's sub; required.
	User string
	// Name is the user's display name (the claim name).
	Name string
	// Roles are the user's roles per project, written as the claim
	// "projects" ("*": every project not named); none when the server
	// keeps roles elsewhere (Config.Roles).
	Roles map[string]realtime.Role
	// Lifetime is how long the token lasts; default Config.Lifetime.
	Lifetime time.Duration
}

// Issuer signs tokens with one key of a key set.
type Issuer struct {
	cfg    Config
	key    *Key
	method gojwt.SigningMethod
}

// NewIssuer returns an Issuer signing with Config.SigningKey, or an error
// naming the field of cfg that is wrong (as New), or saying that the
// signing key is not in the set or has no private part.
func NewIssuer(cfg Config) (*Issuer, error) {
	cfg, ks, err := setUp(cfg)
	if err != nil {
		return nil, err
	}
	var k *Key
	if cfg.SigningKey != "" {
		if k = ks.byID[cfg.SigningKey]; k == nil {
			return nil, fmt.Errorf("jwt: Config.SigningKey %q is not in Config.Keys", cfg.SigningKey)
		}
		if !canSign(k) {
			return nil, fmt.Errorf("jwt: Config.SigningKey %q has no private key", cfg.SigningKey)
		}
	} else {
		for _, c := range cfg.Keys {
			if canSign(ks.byID[c.ID]) {
				k = ks.byID[c.ID]
				break
			}
		}
		if k == nil {
			return nil, errors.New("jwt: no key of Config.Keys can sign (an HS256 secret or a private key)")
		}
	}
	return &Issuer{cfg: cfg, key: k, method: gojwt.GetSigningMethod(k.Algorithm)}, nil
}

func canSign(k *Key) bool { return k.Algorithm == HS256 || k.Private != nil }

// Issue returns a token for g signed with the issuer's key (its kid in
// the header), and when it expires. The token carries sub, name, the
// roles claim, iat and nbf (now), exp (now + lifetime), jti (random),
// and iss and aud when configured. A refresh is another Issue. It fails
// on a grant without a user, a negative lifetime or a role that is not
// viewer, planner or owner.
func (i *Issuer) Issue(g Grant) (string, time.Time, error) {
	if g.User == "" {
		return "", time.Time{}, errors.New("jwt: Issue: the grant has no user")
	}
	if g.Lifetime < 0 {
		return "", time.Time{}, fmt.Errorf("jwt: Issue: lifetime %v is negative", g.Lifetime)
	}
	var projects map[string]string
	if len(g.Roles) > 0 {
		projects = make(map[string]string, len(g.Roles))
		for p, r := range g.Roles {
			switch r {
			case realtime.RoleViewer, realtime.RolePlanner, realtime.RoleOwner:
			default:
				return "", time.Time{}, fmt.Errorf("jwt: Issue: role %q for %q is not viewer, planner or owner", r, p)
			}
			projects[p] = string(r)
		}
	}
	var nonce [16]byte
	rand.Read(nonce[:]) // never fails (crypto/rand)
	now := i.cfg.Now().Truncate(time.Second)
	exp := now.Add(cmp.Or(g.Lifetime, i.cfg.Lifetime))
	c := claims{
		RegisteredClaims: gojwt.RegisteredClaims{
			Issuer:    i.cfg.Issuer,
			Subject:   g.User,
			ExpiresAt: gojwt.NewNumericDate(exp),
			NotBefore: gojwt.NewNumericDate(now),
			IssuedAt:  gojwt.NewNumericDate(now),
			ID:        hex.EncodeToString(nonce[:]),
		},
		Name:     g.Name,
		Projects: projects,
	}
	if i.cfg.Audience != "" {
		c.Audience = gojwt.ClaimStrings{i.cfg.Audience}
	}
	t := gojwt.NewWithClaims(i.method, c)
	t.Header["kid"] = i.key.ID
	var key any = i.key.Private
	if i.key.Algorithm == HS256 {
		key = i.key.Secret
	}
	s, err := t.SignedString(key)
	if err != nil {
		return "", time.Time{}, fmt.Errorf("jwt: Issue: signing with key %q: %w", i.key.ID, err)
	}
	return s, exp, nil
}
