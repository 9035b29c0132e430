package webpush

import (
	"crypto/aes"
	"crypto/cipher"
	"crypto/ecdh"
	"crypto/hkdf"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
)

const (
	// recordSize is the rs of the aes128gcm header: one record of at
	// most 4,096 bytes, which every push service takes (RFC 8291 §4).
	recordSize = 4096
	// saltSize, authSize and keySize are the sizes RFC 8291 fixes: a
	// 16-byte salt and auth secret, a P-256 public key uncompressed.
	saltSize = 16
	authSize = 16
	keySize  = 65
	// headerSize is the aes128gcm header: salt, rs, idlen, keyid.
	headerSize = saltSize + 4 + 1 + keySize
	// overhead is what a record adds to the plaintext: the delimiter
	// and the AES-GCM tag.
	overhead = 1 + 16
)

// encrypt returns the body of a push message (RFC 8291 §3, the
// aes128gcm content coding of RFC 8188): plaintext encrypted for the user
// agent's public key ua and auth secret, with the sender's one-time key
// as and salt, in one record, its header naming as's public key.
func encrypt(plaintext []byte, ua *ecdh.PublicKey, auth []byte, as *ecdh.PrivateKey, salt []byte) ([]byte, error) {
	if len(auth) != authSize || len(salt) != saltSize {
		return nil, fmt.Errorf("webpush: an auth secret of %d bytes and a salt of %d, not 16 and 16", len(auth), len(salt))
	}
	if len(plaintext)+overhead > recordSize {
		return nil, fmt.Errorf("webpush: %d bytes do not fit a record of %d", len(plaintext), recordSize)
	}
	secret, err := as.ECDH(ua)
	if err != nil {
		return nil, fmt.Errorf("webpush: ECDH: %w", err)
	}
	cek, nonce, err := derive(secret, auth, ua.Bytes(), as.PublicKey().Bytes(), salt)
	if err != nil {
		return nil, err
	}
	gcm, err := newGCM(cek)
	if err != nil {
		return nil, err
	}
	asPublic := as.PublicKey().Bytes()
	out := make([]byte, 0, headerSize+len(plaintext)+overhead)
	out = append(out, salt...)
	out = binary.BigEndian.AppendUint32(out, recordSize)
	out = append(out, byte(len(asPublic)))
	out = append(out, asPublic...)
	record := make([]byte, 0, len(plaintext)+1)
	record = append(append(record, plaintext...), 0x02) // the last record's delimiter, no padding
	return gcm.Seal(out, nonce, record, nil), nil
}

// derive returns the content-encryption key and the nonce (RFC 8291
// §3.3–3.4, RFC 8188 §2.2–2.3): the shared secret combined with the auth
// secret and both public keys into the input keying material, which the
// salt turns into the key and the nonce.
func derive(secret, auth, uaPublic, asPublic, salt []byte) (cek, nonce []byte, err error) {
	keyInfo := "WebPush: info\x00" + string(uaPublic) + string(asPublic)
	ikm, err := hkdf.Key(sha256.New, secret, auth, keyInfo, 32)
	if err != nil {
		return nil, nil, err
	}
	prk, err := hkdf.Extract(sha256.New, ikm, salt)
	if err != nil {
		return nil, nil, err
	}
	if cek, err = hkdf.Expand(sha256.New, prk, "Content-Encoding: aes128gcm\x00", 16); err != nil {
		return nil, nil, err
	}
	if nonce, err = hkdf.Expand(sha256.New, prk, "Content-Encoding: nonce\x00", 12); err != nil {
		return nil, nil, err
	}
	return cek, nonce, nil
}

func newGCM(key []byte) (cipher.AEAD, error) {
	block, err := aes.NewCipher(key)
	if err != nil {
		return nil, err
	}
	return cipher.NewGCM(block)
}
