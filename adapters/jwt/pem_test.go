package jwt

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"math/big"
	"strings"
	"testing"
	"time"
)

func pemOf(t *testing.T, typ string, der []byte, err error) []byte {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
	return pem.EncodeToMemory(&pem.Block{Type: typ, Bytes: der})
}

func TestKeyFromPEM(t *testing.T) {
	k := keys()
	rsaPKCS8, err := x509.MarshalPKCS8PrivateKey(k.rsa)
	edPKCS8, err2 := x509.MarshalPKCS8PrivateKey(k.ed)
	if err != nil || err2 != nil {
		t.Fatal(err, err2)
	}
	rsaPKIX, _ := x509.MarshalPKIXPublicKey(&k.rsa.PublicKey)
	edPKIX, _ := x509.MarshalPKIXPublicKey(k.ed.Public())
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "critpath"}, NotBefore: now, NotAfter: now.Add(time.Hour)}
	cert, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, k.ed.Public(), k.ed)

	signer := func(alg string) Key {
		for _, s := range signingKeys() {
			if s.Algorithm == alg {
				return s
			}
		}
		t.Fatal(alg)
		return Key{}
	}
	for _, c := range []struct {
		name     string
		pem      []byte
		alg      string
		private  bool
		verifies string // the algorithm of the signing key whose tokens it checks
	}{
		{"RSA PKCS #1 private", pemOf(t, "RSA PRIVATE KEY", x509.MarshalPKCS1PrivateKey(k.rsa), nil), RS256, true, RS256},
		{"RSA PKCS #8 private", pemOf(t, "PRIVATE KEY", rsaPKCS8, nil), RS256, true, RS256},
		{"RSA PKIX public", pemOf(t, "PUBLIC KEY", rsaPKIX, nil), RS256, false, RS256},
		{"RSA PKCS #1 public", pemOf(t, "RSA PUBLIC KEY", x509.MarshalPKCS1PublicKey(&k.rsa.PublicKey), nil), RS256, false, RS256},
		{"Ed25519 PKCS #8 private", pemOf(t, "PRIVATE KEY", edPKCS8, nil), EdDSA, true, EdDSA},
		{"Ed25519 PKIX public", pemOf(t, "PUBLIC KEY", edPKIX, nil), EdDSA, false, EdDSA},
		{"Ed25519 certificate", pemOf(t, "CERTIFICATE", cert, err), EdDSA, false, EdDSA},
	} {
		t.Run(c.name, func(t *testing.T) {
			key, err := KeyFromPEM("site", c.pem)
			if err != nil {
				t.Fatal(err)
			}
			if key.Algorithm != c.alg || (key.Private != nil) != c.private || key.ID != "site" {
				t.Fatalf("got %s, private %v, id %q; want %s, private %v, site", key.Algorithm, key.Private != nil, key.ID, c.alg, c.private)
			}
			// Tokens of the original key verify with the loaded one.
			s := signer(c.verifies)
			s.ID = "site"
			iss, err := NewIssuer(Config{Keys: []Key{s}, Now: clock})
			if err != nil {
				t.Fatal(err)
			}
			tok, _, err := iss.Issue(Grant{User: "karim"})
			if err != nil {
				t.Fatal(err)
			}
			if _, err := newAuth(t, Config{Keys: []Key{key}}).Authenticate(t.Context(), tok); err != nil {
				t.Errorf("the loaded key refuses the original's token: %v", err)
			}
			if c.private {
				// And the loaded key signs what the original verifies.
				iss, err := NewIssuer(Config{Keys: []Key{key}, Now: clock})
				if err != nil {
					t.Fatal(err)
				}
				tok, _, _ := iss.Issue(Grant{User: "karim"})
				if _, err := newAuth(t, Config{Keys: []Key{s}}).Authenticate(t.Context(), tok); err != nil {
					t.Errorf("the original key refuses the loaded one's token: %v", err)
				}
			}
		})
	}
}

func TestKeyFromPEMRefuses(t *testing.T) {
	ec, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	ecPKCS8, _ := x509.MarshalPKCS8PrivateKey(ec)
	ecPKIX, _ := x509.MarshalPKIXPublicKey(&ec.PublicKey)
	garbage := pem.EncodeToMemory(&pem.Block{Type: "PRIVATE KEY", Bytes: []byte("not DER at all, and secret")})
	encrypted := pem.EncodeToMemory(&pem.Block{Type: "RSA PRIVATE KEY", Headers: map[string]string{"Proc-Type": "4,ENCRYPTED"}, Bytes: []byte("x")})
	for _, c := range []struct {
		name string
		pem  []byte
		says string
	}{
		{"empty", nil, "no PEM block"},
		{"not PEM", []byte("-----BEGIN nothing"), "no PEM block"},
		{"EC private", pemOf(t, "PRIVATE KEY", ecPKCS8, nil), "not RSA or Ed25519"},
		{"EC public", pemOf(t, "PUBLIC KEY", ecPKIX, nil), "not RSA or Ed25519"},
		{"garbage", garbage, "does not parse"},
		{"encrypted", encrypted, "encrypted"},
		{"another block", pem.EncodeToMemory(&pem.Block{Type: "OPENSSH PRIVATE KEY", Bytes: []byte("x")}), `"OPENSSH PRIVATE KEY"`},
	} {
		t.Run(c.name, func(t *testing.T) {
			_, err := KeyFromPEM("site", c.pem)
			if err == nil {
				t.Fatal("accepted")
			}
			if !strings.Contains(err.Error(), c.says) || !strings.Contains(err.Error(), `"site"`) {
				t.Errorf("got %q, want it to name the key and say %q", err, c.says)
			}
			if strings.Contains(err.Error(), "secret") {
				t.Errorf("the error %q holds the block's content", err)
			}
		})
	}
}
