package webpush

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"errors"
	"fmt"
	"math/big"
	"net/url"
	"strings"
	"testing"
	"time"
)

// newVAPIDKey returns a fresh VAPID key pair: the private key as Config
// takes it and the public key.
func newVAPIDKey(t testing.TB) (string, *ecdsa.PublicKey) {
	k, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	raw, err := k.Bytes()
	if err != nil {
		t.Fatal(err)
	}
	return base64.RawURLEncoding.EncodeToString(raw), &k.PublicKey
}

// checkVAPID verifies an Authorization header as a push service would
// (RFC 8292 §3, §4): the key is pub, the JWT is ES256 over its header and
// claims with that key, its audience the endpoint's origin, its expiry
// within 24 hours of now, its subject sub.
func checkVAPID(header string, pub *ecdsa.PublicKey, endpoint string, now time.Time, sub string) error {
	rest, ok := strings.CutPrefix(header, "vapid t=")
	if !ok {
		return fmt.Errorf("%q is not vapid", header)
	}
	jwt, k, ok := strings.Cut(rest, ", k=")
	if !ok {
		return fmt.Errorf("%q has no k=", header)
	}
	raw, err := pub.Bytes()
	if err != nil {
		return err
	}
	if k != base64.RawURLEncoding.EncodeToString(raw) {
		return fmt.Errorf("k=%s is not the application server's key", k)
	}
	parts := strings.Split(jwt, ".")
	if len(parts) != 3 {
		return errors.New("not a JWT")
	}
	enc := base64.RawURLEncoding
	sig, err := enc.DecodeString(parts[2])
	if err != nil || len(sig) != 64 {
		return fmt.Errorf("a signature of %d bytes, not 64 (%v)", len(sig), err)
	}
	digest := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
	if !ecdsa.Verify(pub, digest[:], new(big.Int).SetBytes(sig[:32]), new(big.Int).SetBytes(sig[32:])) {
		return errors.New("the ES256 signature does not verify")
	}
	var head struct{ Typ, Alg string }
	var claims struct {
		Aud string
		Exp int64
		Sub string
	}
	for k, v := range []any{&head, &claims} {
		b, err := enc.DecodeString(parts[k])
		if err != nil {
			return err
		}
		if err := json.Unmarshal(b, v); err != nil {
			return err
		}
	}
	if head.Typ != "JWT" || head.Alg != "ES256" {
		return fmt.Errorf("header %+v", head)
	}
	u, _ := url.Parse(endpoint)
	if claims.Aud != u.Scheme+"://"+u.Host {
		return fmt.Errorf("aud %q, want %q", claims.Aud, u.Scheme+"://"+u.Host)
	}
	if exp := time.Unix(claims.Exp, 0); !exp.After(now) || exp.Sub(now) > 24*time.Hour {
		return fmt.Errorf("exp %v is not within 24 hours of %v", exp, now)
	}
	if claims.Sub != sub {
		return fmt.Errorf("sub %q, want %q", claims.Sub, sub)
	}
	return nil
}

func TestVAPID(t *testing.T) {
	private, pub := newVAPIDKey(t)
	v, err := newVAPID(private, "mailto:ops@critpath.example")
	if err != nil {
		t.Fatal(err)
	}
	now := time.Date(2027, 7, 11, 9, 0, 0, 0, time.UTC)
	endpoint := "https://fcm.googleapis.com/fcm/send/dpH5lCsTSSM:APA91bHqjZxM0VImWWqDRN7U0a3AycjUf4O-byuxb_wJsKRaKvV_iKw56s16ekq6FUqoCF7k2nICUpd8fHPxVTgqLunFeVeB9lLCQZyohyAztTH8ZQL9WCxKpA6dvTG_TUIhQUFq_n"
	u, _ := url.Parse(endpoint)
	h, err := v.authorization(u, now)
	if err != nil {
		t.Fatal(err)
	}
	if err := checkVAPID(h, pub, endpoint, now, "mailto:ops@critpath.example"); err != nil {
		t.Error(err)
	}
	other, _ := newVAPIDKey(t)
	w, _ := newVAPID(other, "mailto:ops@critpath.example")
	h2, _ := w.authorization(u, now)
	if err := checkVAPID(h2, pub, endpoint, now, "mailto:ops@critpath.example"); err == nil {
		t.Error("another key's token verified")
	}
	for _, bad := range []string{"", "not base64!", base64.RawURLEncoding.EncodeToString(make([]byte, 32)), base64.RawURLEncoding.EncodeToString(make([]byte, 31))} {
		if _, err := newVAPID(bad, "mailto:x@example.com"); err == nil {
			t.Errorf("newVAPID(%q) took it", bad)
		}
	}
}
