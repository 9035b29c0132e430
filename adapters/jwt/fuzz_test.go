package jwt

import (
	"errors"
	"strings"
	"testing"
	"time"

	gojwt "github.com/golang-jwt/jwt/v5"

	"github.com/critpath/critpath/realtime"
)

// FuzzAuthenticate checks that Authenticate never panics and refuses
// whatever it is given: a string that is not a token signed with a key
// of the set (which a fuzzer cannot make) is always an error wrapping
// realtime.ErrUnauthorized.
func FuzzAuthenticate(f *testing.F) {
	k := keys()
	tok := func(m gojwt.SigningMethod, key any, kid string, c gojwt.MapClaims) string {
		return sign(f, m, key, kid, c)
	}
	expired := with(good(), "exp", now.Add(-time.Hour).Unix())
	for _, s := range []string{
		"", ".", "..", "a.b.c", "a.b.c.d", "eyJ.eyJ.", strings.Repeat(".", 100),
		tok(gojwt.SigningMethodHS256, k.secret, "hs", expired),
		tok(gojwt.SigningMethodRS256, k.rsa, "rs", expired),
		tok(gojwt.SigningMethodEdDSA, k.ed, "ed", expired),
		tok(gojwt.SigningMethodHS256, k.otherSecret, "hs", good()),
		tok(gojwt.SigningMethodNone, gojwt.UnsafeAllowNoneSignatureType, "hs", good()),
		tok(gojwt.SigningMethodHS256, pemPublic(f, &k.rsa.PublicKey), "rs", good()),
		tok(gojwt.SigningMethodHS256, k.secret, "hs", with(good(), "projects", map[string]any{"p": "admin"})),
		tok(gojwt.SigningMethodHS256, k.secret, "hs", with(good(), "sub", nil)),
	} {
		f.Add(s)
	}
	a := newAuth(f, Config{Keys: verifyingKeys(), Issuer: "critpath"})
	f.Fuzz(func(t *testing.T, s string) {
		id, err := a.Authenticate(t.Context(), s)
		if err == nil {
			t.Fatalf("%q accepted as %+v", s, id)
		}
		if !errors.Is(err, realtime.ErrUnauthorized) {
			t.Fatalf("%q: %v does not wrap realtime.ErrUnauthorized", s, err)
		}
	})
}
