package jwt

import (
	"context"
	"crypto/ed25519"
	"crypto/rand"
	"crypto/rsa"
	"crypto/x509"
	"encoding/base64"
	"encoding/pem"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	gojwt "github.com/golang-jwt/jwt/v5"

	"github.com/critpath/critpath/realtime"
)

// now is the clock of every test.
var now = time.Date(2026, 12, 7, 10, 0, 0, 0, time.UTC)

func clock() time.Time { return now }

// testKeys are made once per test binary: RSA keys take a while.
type testKeys struct {
	secret, otherSecret []byte
	rsa, otherRSA       *rsa.PrivateKey
	ed, otherEd         ed25519.PrivateKey
}

var keys = sync.OnceValue(func() testKeys {
	var k testKeys
	k.secret = []byte("0123456789abcdef0123456789abcdef-hs")
	k.otherSecret = []byte("fedcba9876543210fedcba9876543210-hs")
	var err error
	if k.rsa, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		panic(err)
	}
	if k.otherRSA, err = rsa.GenerateKey(rand.Reader, 2048); err != nil {
		panic(err)
	}
	_, k.ed, _ = ed25519.GenerateKey(rand.Reader)
	_, k.otherEd, _ = ed25519.GenerateKey(rand.Reader)
	return k
})

// signingKeys returns one key of each algorithm with its private part.
func signingKeys() []Key {
	k := keys()
	return []Key{
		{ID: "hs", Algorithm: HS256, Secret: k.secret},
		{ID: "rs", Algorithm: RS256, Private: k.rsa},
		{ID: "ed", Algorithm: EdDSA, Private: k.ed},
	}
}

// verifyingKeys returns the keys of signingKeys as a verifier holds
// them: the secret, and the public parts only.
func verifyingKeys() []Key {
	k := keys()
	return []Key{
		{ID: "hs", Algorithm: HS256, Secret: k.secret},
		{ID: "rs", Algorithm: RS256, Public: &k.rsa.PublicKey},
		{ID: "ed", Algorithm: EdDSA, Public: k.ed.Public()},
	}
}

func newAuth(t testing.TB, cfg Config) *Authenticator {
	t.Helper()
	if cfg.Keys == nil {
		cfg.Keys = verifyingKeys()
	}
	if cfg.Now == nil {
		cfg.Now = clock
	}
	a, err := New(cfg)
	if err != nil {
		t.Fatalf("New: %v", err)
	}
	return a
}

// sign makes a token by hand: any alg, kid and claims.
func sign(t testing.TB, m gojwt.SigningMethod, key any, kid string, c gojwt.MapClaims) string {
	t.Helper()
	tok := gojwt.NewWithClaims(m, c)
	if kid != "" {
		tok.Header["kid"] = kid
	}
	s, err := tok.SignedString(key)
	if err != nil {
		t.Fatalf("signing a test token: %v", err)
	}
	return s
}

// good returns claims that pass: sub, name, exp in an hour.
func good() gojwt.MapClaims {
	return gojwt.MapClaims{"sub": "rahim", "name": "Rahim Uddin", "exp": now.Add(time.Hour).Unix(), "iat": now.Unix()}
}

func with(c gojwt.MapClaims, kv ...any) gojwt.MapClaims {
	for i := 0; i+1 < len(kv); i += 2 {
		if kv[i+1] == nil {
			delete(c, kv[i].(string))
			continue
		}
		c[kv[i].(string)] = kv[i+1]
	}
	return c
}

func TestRoundTrip(t *testing.T) {
	for _, k := range signingKeys() {
		t.Run(k.Algorithm, func(t *testing.T) {
			iss, err := NewIssuer(Config{Keys: signingKeys(), SigningKey: k.ID, Issuer: "critpath", Audience: "critpath-web", Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			roles := map[string]realtime.Role{"dhaka-tower": realtime.RolePlanner, "*": realtime.RoleViewer}
			tok, exp, err := iss.Issue(Grant{User: "rahim", Name: "Rahim Uddin", Roles: roles, Lifetime: time.Hour})
			if err != nil {
				t.Fatal(err)
			}
			if want := now.Add(time.Hour); !exp.Equal(want) {
				t.Errorf("expires %v, want %v", exp, want)
			}
			a := newAuth(t, Config{Issuer: "critpath", Audience: "critpath-web"})
			id, err := a.Authenticate(t.Context(), tok)
			if err != nil {
				t.Fatalf("Authenticate: %v", err)
			}
			if id.User != "rahim" || id.Name != "Rahim Uddin" || !id.Expires.Equal(exp) {
				t.Errorf("got %+v, want rahim, Rahim Uddin, %v", id, exp)
			}
			for project, want := range map[string]realtime.Role{"dhaka-tower": realtime.RolePlanner, "chittagong-port": realtime.RoleViewer} {
				if got, err := a.Role(t.Context(), id, project); err != nil || got != want {
					t.Errorf("Role(%s) = %q, %v; want %q", project, got, err, want)
				}
			}
			h := header(t, tok)
			if h["alg"] != k.Algorithm || h["kid"] != k.ID {
				t.Errorf("header %v, want alg %s and kid %s", h, k.Algorithm, k.ID)
			}
		})
	}
}

// header decodes a token's header.
func header(t *testing.T, tok string) map[string]any {
	t.Helper()
	p := gojwt.NewParser()
	parsed, _, err := p.ParseUnverified(tok, gojwt.MapClaims{})
	if err != nil {
		t.Fatal(err)
	}
	return parsed.Header
}

// pemPublic is the PKIX PEM of an RSA public key, as a server would
// publish it: the secret an alg-confusion attacker signs HS256 with.
func pemPublic(t testing.TB, pub any) []byte {
	der, err := x509.MarshalPKIXPublicKey(pub)
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: "PUBLIC KEY", Bytes: der})
}

func TestRefused(t *testing.T) {
	k := keys()
	hs := func(c gojwt.MapClaims) string { return sign(t, gojwt.SigningMethodHS256, k.secret, "hs", c) }
	valid := hs(good())
	parts := strings.Split(valid, ".")
	payload, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err != nil {
		t.Fatal(err)
	}
	tampered := parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(strings.Replace(string(payload), `"rahim"`, `"admin"`, 1))) + "." + parts[2]
	none := sign(t, gojwt.SigningMethodNone, gojwt.UnsafeAllowNoneSignatureType, "hs", good())
	noneNoKid := sign(t, gojwt.SigningMethodNone, gojwt.UnsafeAllowNoneSignatureType, "", good())
	rsaPEM := pemPublic(t, &k.rsa.PublicKey)

	type tc struct {
		name  string
		cfg   Config // zero: verifyingKeys, no iss or aud
		token string
		want  error
		says  string // in the message
	}
	cases := []tc{
		{"empty", Config{}, "", ErrMalformed, ""},
		{"not a JWT", Config{}, "hello", ErrMalformed, ""},
		{"bad base64", Config{}, "a!.b!.c!", ErrMalformed, ""},
		{"over 8 KiB", Config{}, strings.Repeat("a", 9000), ErrMalformed, "9000 bytes"},
		{"tampered payload", Config{}, tampered, ErrSignature, ""},
		{"signature of another payload", Config{}, parts[0] + "." + strings.Split(hs(with(good(), "sub", "mallory")), ".")[1] + "." + parts[2], ErrSignature, ""},
		{"wrong secret", Config{}, sign(t, gojwt.SigningMethodHS256, k.otherSecret, "hs", good()), ErrSignature, ""},
		{"wrong RSA key", Config{}, sign(t, gojwt.SigningMethodRS256, k.otherRSA, "rs", good()), ErrSignature, ""},
		{"wrong Ed25519 key", Config{}, sign(t, gojwt.SigningMethodEdDSA, k.otherEd, "ed", good()), ErrSignature, ""},
		{"alg none", Config{}, none, ErrAlgorithm, `"none"`},
		{"alg none without kid, one key", Config{Keys: verifyingKeys()[:1]}, noneNoKid, ErrAlgorithm, `"none"`},
		{"alg none with signature stripped", Config{}, parts[0][:0] + base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"none","kid":"hs"}`)) + "." + parts[1] + ".", ErrAlgorithm, ""},
		{"alg confusion: HS256 with the RSA public key as secret", Config{}, sign(t, gojwt.SigningMethodHS256, rsaPEM, "rs", good()), ErrAlgorithm, `"HS256" for key "rs", which is RS256`},
		{"alg confusion without kid, one RSA key", Config{Keys: verifyingKeys()[1:2]}, sign(t, gojwt.SigningMethodHS256, rsaPEM, "", good()), ErrAlgorithm, ""},
		{"RS256 token for the EdDSA key", Config{}, sign(t, gojwt.SigningMethodRS256, k.rsa, "ed", good()), ErrAlgorithm, ""},
		{"HS512 for the HS256 key", Config{}, sign(t, gojwt.SigningMethodHS512, k.secret, "hs", good()), ErrAlgorithm, ""},
		{"unknown alg", Config{}, base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS999","kid":"hs"}`)) + "." + parts[1] + "." + parts[2], ErrAlgorithm, ""},
		{"unknown kid", Config{}, sign(t, gojwt.SigningMethodHS256, k.secret, "k9", good()), ErrUnknownKey, `"k9"`},
		{"kid not a string", Config{}, base64.RawURLEncoding.EncodeToString([]byte(`{"alg":"HS256","kid":7}`)) + "." + parts[1] + "." + parts[2], ErrMalformed, ""},
		{"no kid, several keys", Config{}, sign(t, gojwt.SigningMethodHS256, k.secret, "", good()), ErrUnknownKey, "3 keys"},
		{"expired", Config{}, hs(with(good(), "exp", now.Add(-time.Hour).Unix())), ErrExpired, "expired at 2026-12-07T09:00:00Z"},
		{"expired past the leeway", Config{}, hs(with(good(), "exp", now.Add(-31*time.Second).Unix())), ErrExpired, ""},
		{"expired, no leeway", Config{Leeway: -1}, hs(with(good(), "exp", now.Unix())), ErrExpired, ""},
		{"no exp", Config{}, hs(with(good(), "exp", nil)), ErrClaims, "no exp"},
		{"exp not a number", Config{}, hs(with(good(), "exp", "tomorrow")), ErrMalformed, ""},
		{"not yet valid", Config{}, hs(with(good(), "nbf", now.Add(time.Minute).Unix())), ErrNotYetValid, "not before 2026-12-07T10:01:00Z"},
		{"issued in the future", Config{}, hs(with(good(), "iat", now.Add(time.Hour).Unix())), ErrNotYetValid, "issued at"},
		{"wrong issuer", Config{Issuer: "critpath"}, hs(with(good(), "iss", "evil")), ErrIssuer, `"evil"`},
		{"no issuer", Config{Issuer: "critpath"}, hs(good()), ErrIssuer, ""},
		{"wrong audience", Config{Audience: "critpath-web"}, hs(with(good(), "aud", []string{"other", "another"})), ErrAudience, "other"},
		{"no audience", Config{Audience: "critpath-web"}, hs(good()), ErrAudience, ""},
		{"no sub", Config{}, hs(with(good(), "sub", nil)), ErrClaims, "no sub"},
		{"empty sub", Config{}, hs(with(good(), "sub", "")), ErrClaims, "no sub"},
		{"a role that is not one", Config{}, hs(with(good(), "projects", map[string]any{"dhaka-tower": "admin"})), ErrClaims, `"admin"`},
		{"roles not an object", Config{}, hs(with(good(), "projects", "all")), ErrMalformed, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			a := newAuth(t, c.cfg)
			id, err := a.Authenticate(t.Context(), c.token)
			if err == nil {
				t.Fatalf("accepted as %+v, want %v", id, c.want)
			}
			if !errors.Is(err, c.want) || !errors.Is(err, realtime.ErrUnauthorized) {
				t.Errorf("got %v, want %v and %v", err, c.want, realtime.ErrUnauthorized)
			}
			if !strings.Contains(err.Error(), c.says) {
				t.Errorf("got %q, want it to say %q", err, c.says)
			}
			noSecrets(t, err.Error(), c.token)
		})
	}
}

// noSecrets fails when msg holds key material or the token's signature.
func noSecrets(t *testing.T, msg, token string) {
	t.Helper()
	k := keys()
	for _, s := range []string{string(k.secret), string(k.otherSecret), base64.RawURLEncoding.EncodeToString(k.secret), k.rsa.N.String()[:20], k.rsa.D.String()[:20]} {
		if strings.Contains(msg, s) {
			t.Errorf("the error %q holds key material", msg)
		}
	}
	if i := strings.LastIndexByte(token, '.'); i >= 0 && len(token)-i > 8 && strings.Contains(msg, token[i+1:]) {
		t.Errorf("the error %q holds the token's signature", msg)
	}
}

func TestAccepted(t *testing.T) {
	k := keys()
	hs := func(c gojwt.MapClaims) string { return sign(t, gojwt.SigningMethodHS256, k.secret, "hs", c) }
	cases := []struct {
		name  string
		cfg   Config
		token string
	}{
		{"expired within the leeway", Config{}, hs(with(good(), "exp", now.Add(-29*time.Second).Unix()))},
		{"nbf within the leeway", Config{}, hs(with(good(), "nbf", now.Add(29*time.Second).Unix()))},
		{"no iat or nbf", Config{}, hs(with(good(), "iat", nil))},
		{"one audience of several", Config{Audience: "critpath-web"}, hs(with(good(), "aud", []string{"other", "critpath-web"}))},
		{"audience as a string", Config{Audience: "critpath-web"}, hs(with(good(), "aud", "critpath-web"))},
		{"no kid, one key", Config{Keys: verifyingKeys()[:1]}, sign(t, gojwt.SigningMethodHS256, k.secret, "", good())},
		{"RS256 by kid", Config{}, sign(t, gojwt.SigningMethodRS256, k.rsa, "rs", good())},
		{"EdDSA by kid", Config{}, sign(t, gojwt.SigningMethodEdDSA, k.ed, "ed", good())},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			id, err := newAuth(t, c.cfg).Authenticate(t.Context(), c.token)
			if err != nil {
				t.Fatal(err)
			}
			if id.User != "rahim" {
				t.Errorf("user %q, want rahim", id.User)
			}
		})
	}
}

func TestRoles(t *testing.T) {
	k := keys()
	tok := sign(t, gojwt.SigningMethodHS256, k.secret, "hs", with(good(), "projects", map[string]any{
		"dhaka-tower": "planner", "padma-bridge": "owner", "*": "viewer"}))
	onlyOne := sign(t, gojwt.SigningMethodHS256, k.secret, "hs", with(good(), "projects", map[string]any{"dhaka-tower": "viewer"}))
	none := sign(t, gojwt.SigningMethodHS256, k.secret, "hs", good())

	t.Run("claim", func(t *testing.T) {
		a := newAuth(t, Config{})
		for _, c := range []struct {
			token, project string
			want           realtime.Role
		}{
			{tok, "dhaka-tower", realtime.RolePlanner},
			{tok, "padma-bridge", realtime.RoleOwner},
			{tok, "metro-line-6", realtime.RoleViewer}, // "*"
			{onlyOne, "dhaka-tower", realtime.RoleViewer},
			{onlyOne, "metro-line-6", realtime.RoleNone},
			{none, "dhaka-tower", realtime.RoleNone},
			{tok, "user:rahim", realtime.RoleViewer},
			{tok, "user:karim", realtime.RoleNone}, // not "*"
			{none, "user:rahim", realtime.RoleViewer},
		} {
			id, err := a.Authenticate(t.Context(), c.token)
			if err != nil {
				t.Fatal(err)
			}
			if got, err := a.Role(t.Context(), id, c.project); err != nil || got != c.want {
				t.Errorf("Role(%s) = %q, %v; want %q", c.project, got, err, c.want)
			}
		}
	})

	t.Run("function", func(t *testing.T) {
		db := map[[2]string]realtime.Role{{"rahim", "metro-line-6"}: realtime.RoleOwner}
		down := errors.New("database down")
		a := newAuth(t, Config{Roles: func(_ context.Context, id realtime.Identity, project string) (realtime.Role, error) {
			if project == "broken" {
				return "", down
			}
			return db[[2]string{id.User, project}], nil
		}})
		id, err := a.Authenticate(t.Context(), tok)
		if err != nil {
			t.Fatal(err)
		}
		if id.Roles != nil {
			t.Errorf("the claim read (%v) with Config.Roles set", id.Roles)
		}
		db[[2]string{"rahim", "user:karim"}] = realtime.RoleOwner
		for project, want := range map[string]realtime.Role{"metro-line-6": realtime.RoleOwner, "dhaka-tower": realtime.RoleNone,
			"user:rahim": realtime.RoleViewer, "user:karim": realtime.RoleNone} {
			if got, err := a.Role(t.Context(), id, project); err != nil || got != want {
				t.Errorf("Role(%s) = %q, %v; want %q (the function's, not the claim's)", project, got, err, want)
			}
		}
		if _, err := a.Role(t.Context(), id, "broken"); !errors.Is(err, down) {
			t.Errorf("got %v, want the function's error", err)
		}
		// A role the claim could not hold does not refuse the token
		// when the claim is not read.
		bad := sign(t, gojwt.SigningMethodHS256, k.secret, "hs", with(good(), "projects", map[string]any{"x": "admin"}))
		if _, err := a.Authenticate(t.Context(), bad); err != nil {
			t.Errorf("refused for an ignored claim: %v", err)
		}
	})
}

func TestAuthenticateCanceled(t *testing.T) {
	ctx, cancel := context.WithCancel(t.Context())
	cancel()
	tok := sign(t, gojwt.SigningMethodHS256, keys().secret, "hs", good())
	if _, err := newAuth(t, Config{}).Authenticate(ctx, tok); !errors.Is(err, context.Canceled) {
		t.Errorf("got %v, want context.Canceled", err)
	}
}

func TestNewRefusesKeys(t *testing.T) {
	k := keys()
	small, err := rsa.GenerateKey(rand.Reader, 1024)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		keys []Key
		says string
	}{
		{"no keys", nil, "Config.Keys is empty"},
		{"no ID", []Key{{Algorithm: HS256, Secret: k.secret}}, "no ID"},
		{"twice the ID", []Key{{ID: "a", Algorithm: HS256, Secret: k.secret}, {ID: "a", Algorithm: HS256, Secret: k.otherSecret}}, "used twice"},
		{"short secret", []Key{{ID: "a", Algorithm: HS256, Secret: []byte("short")}}, "5 bytes"},
		{"HS256 with a public key", []Key{{ID: "a", Algorithm: HS256, Secret: k.secret, Public: &k.rsa.PublicKey}}, "public key"},
		{"RS256 with an Ed25519 key", []Key{{ID: "a", Algorithm: RS256, Public: k.ed.Public()}}, "ed25519"},
		{"RS256 without a key", []Key{{ID: "a", Algorithm: RS256}}, "RS256 needs"},
		{"small RSA key", []Key{{ID: "a", Algorithm: RS256, Private: small}}, "2048 bits"},
		{"EdDSA with an RSA key", []Key{{ID: "a", Algorithm: EdDSA, Private: k.rsa}}, "EdDSA needs"},
		{"RS256 with a secret", []Key{{ID: "a", Algorithm: RS256, Private: k.rsa, Secret: k.secret}}, "a secret on"},
		{"alg none", []Key{{ID: "a", Algorithm: "none", Secret: k.secret}}, `"none"`},
		{"ES256", []Key{{ID: "a", Algorithm: "ES256"}}, `"ES256"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := New(Config{Keys: c.keys})
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), c.says) {
				t.Errorf("got %q, want it to say %q", err, c.says)
			}
			if strings.Contains(err.Error(), string(k.secret)) {
				t.Errorf("the error %q holds the secret", err)
			}
		})
	}
}

// TestKeysCopied: changing the Config's keys after New changes nothing.
func TestKeysCopied(t *testing.T) {
	secret := append([]byte(nil), keys().secret...)
	cfg := Config{Keys: []Key{{ID: "hs", Algorithm: HS256, Secret: secret}}, Now: clock}
	a := newAuth(t, cfg)
	tok := sign(t, gojwt.SigningMethodHS256, keys().secret, "hs", good())
	secret[0] ^= 1
	cfg.Keys[0].ID = "other"
	if _, err := a.Authenticate(t.Context(), tok); err != nil {
		t.Errorf("a change to the Config reached the Authenticator: %v", err)
	}
}
