package webpush

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/url"
	"time"
)

// vapidLife is how long a VAPID token is good for: RFC 8292 allows 24
// hours at most; some push services take less.
const vapidLife = 12 * time.Hour

// vapid signs the application server's VAPID tokens (RFC 8292).
type vapid struct {
	key     *ecdsa.PrivateKey
	public  string // the public key, uncompressed, base64url
	subject string
}

// newVAPID reads a private key given as base64url (the 32-byte P-256
// scalar, as web-push libraries print it).
func newVAPID(private, subject string) (*vapid, error) {
	raw, err := decode(private)
	if err != nil {
		return nil, err
	}
	key, err := ecdsa.ParseRawPrivateKey(elliptic.P256(), raw)
	if err != nil {
		return nil, err
	}
	pub, err := key.PublicKey.Bytes()
	if err != nil {
		return nil, err
	}
	return &vapid{key: key, public: base64.RawURLEncoding.EncodeToString(pub), subject: subject}, nil
}

// authorization returns the Authorization header for a request to
// endpoint at now: "vapid t=<JWT>, k=<public key>", the JWT's audience
// the endpoint's origin.
func (v *vapid) authorization(endpoint *url.URL, now time.Time) (string, error) {
	claims, err := json.Marshal(struct {
		Aud string `json:"aud"`
		Exp int64  `json:"exp"`
		Sub string `json:"sub"`
	}{endpoint.Scheme + "://" + endpoint.Host, now.Add(vapidLife).Unix(), v.subject})
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	signed := enc.EncodeToString([]byte(`{"typ":"JWT","alg":"ES256"}`)) + "." + enc.EncodeToString(claims)
	digest := sha256.Sum256([]byte(signed))
	r, s, err := ecdsa.Sign(rand.Reader, v.key, digest[:])
	if err != nil {
		return "", fmt.Errorf("webpush: signing the VAPID token: %w", err)
	}
	// ES256 is r and s, 32 bytes each, big-endian (RFC 7518 §3.4).
	sig := make([]byte, 64)
	r.FillBytes(sig[:32])
	s.FillBytes(sig[32:])
	return "vapid t=" + signed + "." + enc.EncodeToString(sig) + ", k=" + v.public, nil
}
