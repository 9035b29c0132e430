package webpush

import (
	"bytes"
	"crypto/ecdh"
	crand "crypto/rand"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"math/rand/v2"
	"testing"
)

func b64(t testing.TB, s string) []byte {
	t.Helper()
	b, err := base64.RawURLEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("%q: %v", s, err)
	}
	return b
}

// decrypt is the user agent's side (RFC 8291 §3, RFC 8188 §2): it
// reads the header, derives the key and nonce with ua's private key and
// the auth secret, opens the one record and strips its delimiter and
// padding.
func decrypt(body []byte, ua *ecdh.PrivateKey, auth []byte) ([]byte, error) {
	if len(body) < 21 {
		return nil, errors.New("short header")
	}
	salt, rs, idlen := body[:16], binary.BigEndian.Uint32(body[16:20]), int(body[20])
	if len(body) < 21+idlen {
		return nil, errors.New("short key id")
	}
	asPublic, ciphertext := body[21:21+idlen], body[21+idlen:]
	if uint32(len(ciphertext)) > rs {
		return nil, errors.New("more than one record")
	}
	as, err := ecdh.P256().NewPublicKey(asPublic)
	if err != nil {
		return nil, err
	}
	secret, err := ua.ECDH(as)
	if err != nil {
		return nil, err
	}
	cek, nonce, err := derive(secret, auth, ua.PublicKey().Bytes(), asPublic, salt)
	if err != nil {
		return nil, err
	}
	gcm, err := newGCM(cek)
	if err != nil {
		return nil, err
	}
	record, err := gcm.Open(nil, nonce, ciphertext, nil)
	if err != nil {
		return nil, err
	}
	record = bytes.TrimRight(record, "\x00")
	if len(record) == 0 || record[len(record)-1] != 0x02 {
		return nil, errors.New("no last-record delimiter")
	}
	return record[:len(record)-1], nil
}

// RFC 8291 Appendix A, "Encryption Example": every value as the RFC
// prints it, in base64url.
const (
	rfcPlaintext = "When I grow up, I want to be a watermelon"
	rfcASPrivate = "yfWPiYE-n46HLnH0KqZOF1fJJU3MYrct3AELtAQ-oRw"
	rfcASPublic  = "BP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A8"
	rfcUAPrivate = "q1dXpw3UpT5VOmu_cf_v6ih07Aems3njxI-JWgLcM94"
	rfcUAPublic  = "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4"
	rfcSalt      = "DGv6ra1nlYgDCS1FRnbzlw"
	rfcAuth      = "BTBZMqHH6r4Tts7J_aSIgg"
	rfcSecret    = "kyrL1jIIOHEzg3sM2ZWRHDRB62YACZhhSlknJ672kSs"
	rfcCEK       = "oIhVW04MRdy2XN9CiKLxTg"
	rfcNonce     = "4h_95klXJ5E_qnoN"
	rfcBody      = "DGv6ra1nlYgDCS1FRnbzlwAAEABBBP4z9KsN6nGRTbVYI_c7VJSPQTBtkgcy27mlmlMoZIIgDll6e3vCYLocInmYWAmS6TlzAC8wEqKK6PBru3jl7A_yl95bQpu6cVPTpK4Mqgkf1CXztLVBSt2Ks3oZwbuwXPXLWyouBWLVWGNWQexSgSxsj_Qulcy4a-fN"
)

// TestRFC8291 encrypts the RFC's example with its keys and salt and
// compares every intermediate value and the body, byte for byte.
func TestRFC8291(t *testing.T) {
	as, err := ecdh.P256().NewPrivateKey(b64(t, rfcASPrivate))
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(as.PublicKey().Bytes(), b64(t, rfcASPublic)) {
		t.Fatal("as_public does not match as_private")
	}
	ua, err := ecdh.P256().NewPublicKey(b64(t, rfcUAPublic))
	if err != nil {
		t.Fatal(err)
	}
	secret, err := as.ECDH(ua)
	if err != nil {
		t.Fatal(err)
	}
	if got := base64.RawURLEncoding.EncodeToString(secret); got != rfcSecret {
		t.Errorf("ecdh_secret %s, want %s", got, rfcSecret)
	}
	cek, nonce, err := derive(secret, b64(t, rfcAuth), ua.Bytes(), as.PublicKey().Bytes(), b64(t, rfcSalt))
	if err != nil {
		t.Fatal(err)
	}
	if got := base64.RawURLEncoding.EncodeToString(cek); got != rfcCEK {
		t.Errorf("CEK %s, want %s", got, rfcCEK)
	}
	if got := base64.RawURLEncoding.EncodeToString(nonce); got != rfcNonce {
		t.Errorf("NONCE %s, want %s", got, rfcNonce)
	}
	body, err := encrypt([]byte(rfcPlaintext), ua, b64(t, rfcAuth), as, b64(t, rfcSalt))
	if err != nil {
		t.Fatal(err)
	}
	if got := base64.RawURLEncoding.EncodeToString(body); got != rfcBody {
		t.Errorf("body\n got %s\nwant %s", got, rfcBody)
	}
	// And the user agent reads it back with its private key.
	uaPrivate, err := ecdh.P256().NewPrivateKey(b64(t, rfcUAPrivate))
	if err != nil {
		t.Fatal(err)
	}
	plain, err := decrypt(b64(t, rfcBody), uaPrivate, b64(t, rfcAuth))
	if err != nil || string(plain) != rfcPlaintext {
		t.Errorf("decrypt: %q, %v", plain, err)
	}
}

// TestRoundTrip: random payloads of every size up to a full record,
// random keys: the user agent reads back what was encrypted, and a
// byte changed anywhere in the body fails.
func TestRoundTrip(t *testing.T) {
	r := rand.New(rand.NewPCG(8291, 1))
	sizes := []int{0, 1, 2, 15, 16, 17, 3000, 3993, recordSize - overhead}
	for range 40 {
		sizes = append(sizes, r.IntN(recordSize-overhead+1))
	}
	for _, n := range sizes {
		ua, _ := ecdh.P256().GenerateKey(nil)
		as, _ := ecdh.P256().GenerateKey(nil)
		auth, salt := make([]byte, 16), make([]byte, 16)
		crand.Read(auth)
		crand.Read(salt)
		plain := make([]byte, n)
		for k := range plain {
			plain[k] = byte(r.Uint32())
		}
		body, err := encrypt(plain, ua.PublicKey(), auth, as, salt)
		if err != nil {
			t.Fatalf("%d bytes: %v", n, err)
		}
		if len(body) != headerSize+n+overhead {
			t.Errorf("%d bytes: a body of %d", n, len(body))
		}
		got, err := decrypt(body, ua, auth)
		if err != nil || !bytes.Equal(got, plain) {
			t.Fatalf("%d bytes: decrypt %v", n, err)
		}
		k := r.IntN(len(body))
		body[k] ^= 1 << r.IntN(8)
		if _, err := decrypt(body, ua, auth); err == nil {
			t.Errorf("%d bytes: a body changed at %d decrypted", n, k)
		}
	}
	ua, _ := ecdh.P256().GenerateKey(nil)
	as, _ := ecdh.P256().GenerateKey(nil)
	if _, err := encrypt(make([]byte, recordSize-overhead+1), ua.PublicKey(), make([]byte, 16), as, make([]byte, 16)); err == nil {
		t.Error("a payload over one record encrypted")
	}
}
