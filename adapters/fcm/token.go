package fcm

import (
	"context"
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"github.com/critpath/critpath/internal/httpsend"
	"github.com/critpath/critpath/notify"
)

const (
	// scope is the OAuth scope of FCM's send API.
	scope = "https://www.googleapis.com/auth/firebase.messaging"
	// grantType is the JWT bearer grant (RFC 7523).
	grantType = "urn:ietf:params:oauth:grant-type:jwt-bearer"
	// assertionLife is how long a signed assertion is good for: Google
	// takes an hour at most.
	assertionLife = time.Hour
	// refreshBefore is how long before its expiry a token is replaced.
	refreshBefore = 5 * time.Minute
)

// serviceAccount is a service account's JSON key.
type serviceAccount struct {
	Type         string `json:"type"`
	ProjectID    string `json:"project_id"`
	PrivateKeyID string `json:"private_key_id"`
	PrivateKey   string `json:"private_key"`
	ClientEmail  string `json:"client_email"`
	TokenURI     string `json:"token_uri"`
}

// parseKey reads a PEM private key, PKCS #8 or PKCS #1, that must be RSA.
func parseKey(s string) (*rsa.PrivateKey, error) {
	block, _ := pem.Decode([]byte(s))
	if block == nil {
		return nil, errors.New("no PEM block")
	}
	if k, err := x509.ParsePKCS1PrivateKey(block.Bytes); err == nil {
		return k, nil
	}
	k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	if err != nil {
		return nil, err
	}
	rk, ok := k.(*rsa.PrivateKey)
	if !ok {
		return nil, fmt.Errorf("a %T, not an RSA key", k)
	}
	return rk, nil
}

// tokens gets access tokens and keeps the current one.
type tokens struct {
	key      *rsa.PrivateKey
	keyID    string
	email    string
	tokenURL string
	client   *http.Client
	now      func() time.Time

	// lock is held while the token is read or fetched; a channel, so
	// that a send waiting for it stops with its ctx.
	lock   chan struct{}
	token  string
	expiry time.Time
}

// get returns a token good for the next five minutes at least, fetching
// one when the one kept is not.
func (s *tokens) get(ctx context.Context) (string, error) {
	select {
	case s.lock <- struct{}{}:
	case <-ctx.Done():
		return "", &notify.SendError{Provider: name, Class: notify.Retryable, Err: ctx.Err()}
	}
	defer func() { <-s.lock }()
	if s.token != "" && s.now().Before(s.expiry.Add(-refreshBefore)) {
		return s.token, nil
	}
	token, expiry, err := s.fetch(ctx)
	if err != nil {
		return "", err
	}
	s.token, s.expiry = token, expiry
	return token, nil
}

// drop forgets token, when it is the one kept, so that the next get
// fetches another.
func (s *tokens) drop(token string) {
	s.lock <- struct{}{}
	if s.token == token {
		s.token = ""
	}
	<-s.lock
}

// assertion returns the signed JWT that asks for a token, issued at now.
func (s *tokens) assertion(now time.Time) (string, error) {
	header, err := json.Marshal(map[string]string{"alg": "RS256", "typ": "JWT", "kid": s.keyID})
	if err != nil {
		return "", err
	}
	claims, err := json.Marshal(map[string]any{
		"iss": s.email, "scope": scope, "aud": s.tokenURL,
		"iat": now.Unix(), "exp": now.Add(assertionLife).Unix(),
	})
	if err != nil {
		return "", err
	}
	enc := base64.RawURLEncoding
	signed := enc.EncodeToString(header) + "." + enc.EncodeToString(claims)
	digest := sha256.Sum256([]byte(signed))
	sig, err := rsa.SignPKCS1v15(nil, s.key, crypto.SHA256, digest[:])
	if err != nil {
		return "", err
	}
	return signed + "." + enc.EncodeToString(sig), nil
}

// tokenAnswer is the token endpoint's answer, or its error.
type tokenAnswer struct {
	AccessToken      string `json:"access_token"`
	ExpiresIn        int64  `json:"expires_in"`
	TokenType        string `json:"token_type"`
	Error            string `json:"error"`
	ErrorDescription string `json:"error_description"`
}

// fetch exchanges a new assertion for a token. Its errors are
// SendErrors: permanent when the endpoint refuses the key, retryable
// otherwise — no message has gone out.
func (s *tokens) fetch(ctx context.Context) (string, time.Time, error) {
	now := s.now()
	jwt, err := s.assertion(now)
	if err != nil {
		return "", time.Time{}, &notify.SendError{Provider: name, Class: notify.Permanent, Err: fmt.Errorf("signing the token request: %w", err)}
	}
	form := url.Values{"grant_type": {grantType}, "assertion": {jwt}}
	a, err := httpsend.Post(ctx, s.client, name, s.tokenURL, []byte(form.Encode()),
		http.Header{"Accept": {"application/json"}, "Content-Type": {"application/x-www-form-urlencoded"}})
	if err != nil {
		se, ok := errors.AsType[*notify.SendError](err)
		if !ok {
			se = &notify.SendError{Provider: name, Err: err}
		}
		se.Class = notify.Retryable
		se.Err = fmt.Errorf("getting an access token: %w", se.Err)
		return "", time.Time{}, se
	}
	var t tokenAnswer
	jsonErr := json.Unmarshal(a.Body, &t)
	if a.Status >= 200 && a.Status <= 299 && jsonErr == nil && t.AccessToken != "" && t.ExpiresIn > 0 {
		return t.AccessToken, now.Add(time.Duration(t.ExpiresIn) * time.Second), nil
	}
	class := notify.Retryable
	switch t.Error {
	case "invalid_grant", "invalid_client", "unauthorized_client", "invalid_scope", "unsupported_grant_type":
		class = notify.Permanent
	}
	reason := t.ErrorDescription
	if reason == "" {
		reason = httpsend.Snippet(a.Body)
	}
	return "", time.Time{}, httpsend.Failure(name, a, class, t.Error,
		fmt.Errorf("getting an access token: HTTP %d: %s", a.Status, reason), now)
}
