package jwt

import (
	"crypto"
	"crypto/ed25519"
	"crypto/rsa"
	"crypto/x509"
	"encoding/pem"
	"errors"
	"fmt"
)

// KeyFromPEM returns the key id of the PEM block in b: RS256 for an RSA
// key, EdDSA for an Ed25519 one; a private key (PKCS #1 or PKCS #8) can
// sign and verify, a public key (PKIX, PKCS #1, or a certificate) only
// verify. Its errors say what the block is, never what it holds.
func KeyFromPEM(id string, b []byte) (Key, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return Key{}, fmt.Errorf("jwt: key %q: no PEM block", id)
	}
	k := Key{ID: id}
	switch block.Type {
	case "PRIVATE KEY", "RSA PRIVATE KEY":
		priv, err := ParsePrivateKeyPEM(b)
		if err != nil {
			return Key{}, fmt.Errorf("jwt: key %q: %w", id, err)
		}
		k.Private, k.Public = priv, priv.Public()
	default:
		pub, err := ParsePublicKeyPEM(b)
		if err != nil {
			return Key{}, fmt.Errorf("jwt: key %q: %w", id, err)
		}
		k.Public = pub
	}
	switch k.Public.(type) {
	case *rsa.PublicKey:
		k.Algorithm = RS256
	case ed25519.PublicKey:
		k.Algorithm = EdDSA
	}
	return k, nil
}

// ParsePrivateKeyPEM reads an RSA (PKCS #1 "RSA PRIVATE KEY" or PKCS #8
// "PRIVATE KEY") or Ed25519 (PKCS #8) private key from the first PEM
// block of b. An encrypted key, another kind of key or block is an
// error.
func ParsePrivateKeyPEM(b []byte) (crypto.Signer, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("jwt: no PEM block")
	}
	if _, encrypted := block.Headers["Proc-Type"]; encrypted {
		return nil, errors.New("jwt: an encrypted PEM key; decrypt it first")
	}
	switch block.Type {
	case "RSA PRIVATE KEY":
		k, err := x509.ParsePKCS1PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("jwt: an RSA PRIVATE KEY block that does not parse as PKCS #1")
		}
		return k, nil
	case "PRIVATE KEY":
		k, err := x509.ParsePKCS8PrivateKey(block.Bytes)
		if err != nil {
			return nil, errors.New("jwt: a PRIVATE KEY block that does not parse as PKCS #8")
		}
		switch k := k.(type) {
		case *rsa.PrivateKey:
			return k, nil
		case ed25519.PrivateKey:
			return k, nil
		default:
			return nil, fmt.Errorf("jwt: a PKCS #8 key of type %T, not RSA or Ed25519", k)
		}
	}
	return nil, fmt.Errorf("jwt: a PEM block of type %q, not a private key", block.Type)
}

// ParsePublicKeyPEM reads an RSA or Ed25519 public key from the first
// PEM block of b: "PUBLIC KEY" (PKIX), "RSA PUBLIC KEY" (PKCS #1) or
// "CERTIFICATE" (its subject's key). Another kind of key or block is an
// error.
func ParsePublicKeyPEM(b []byte) (crypto.PublicKey, error) {
	block, _ := pem.Decode(b)
	if block == nil {
		return nil, errors.New("jwt: no PEM block")
	}
	var pub any
	switch block.Type {
	case "PUBLIC KEY":
		k, err := x509.ParsePKIXPublicKey(block.Bytes)
		if err != nil {
			return nil, errors.New("jwt: a PUBLIC KEY block that does not parse as PKIX")
		}
		pub = k
	case "RSA PUBLIC KEY":
		k, err := x509.ParsePKCS1PublicKey(block.Bytes)
		if err != nil {
			return nil, errors.New("jwt: an RSA PUBLIC KEY block that does not parse as PKCS #1")
		}
		pub = k
	case "CERTIFICATE":
		c, err := x509.ParseCertificate(block.Bytes)
		if err != nil {
			return nil, errors.New("jwt: a CERTIFICATE block that does not parse")
		}
		pub = c.PublicKey
	default:
		return nil, fmt.Errorf("jwt: a PEM block of type %q, not a public key", block.Type)
	}
	switch k := pub.(type) {
	case *rsa.PublicKey:
		return k, nil
	case ed25519.PublicKey:
		return k, nil
	}
	return nil, fmt.Errorf("jwt: a public key of type %T, not RSA or Ed25519", pub)
}
