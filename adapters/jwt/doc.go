// Package jwt checks and issues the JSON Web Tokens a client sends in the
// realtime protocol's hello (over github.com/golang-jwt/jwt/v5). An
// Authenticator is a realtime.Authenticator; an Issuer makes the tokens
// the example server hands out at log-in.
//
// # Keys and algorithms
//
// A Config holds a key set: each Key has an ID (the token header's kid),
// one algorithm — HS256 (a shared secret of at least 32 bytes), RS256 (an
// RSA key of at least 2,048 bits) or EdDSA (Ed25519) — and its key
// material. A token is verified with the key its kid names, and only when
// the header's alg is that key's algorithm: the token never chooses how
// it is checked, so "none", an unknown alg, and an HS256 token whose
// secret is an RS256 key's public key (the classic confusion) are all
// refused. A token without a kid is checked with the only key of a set of
// one, and refused by a larger set. KeyFromPEM, ParsePrivateKeyPEM and
// ParsePublicKeyPEM read RSA and Ed25519 keys from PEM.
//
// # Claims
//
// exp is required; nbf and iat, when present, must not be in the future;
// iss and aud must match Config.Issuer and Config.Audience when those are
// set. Times are compared with Config.Leeway of slack (30 s by default).
// The user is sub (required), the display name name. Roles per project
// come from the claim "projects", an object of project ID to role
// ("viewer", "planner" or "owner"), where "*" gives the role in every
// project not named:
//
//	{"sub": "rahim", "name": "Rahim Uddin", "exp": 1796000000,
//	 "projects": {"dhaka-tower": "planner", "*": "viewer"}}
//
// or, when Config.Roles is set, from that function (a server that keeps
// roles in its database); the claim is then ignored. A user's own room
// of notifications (realtime.UserRoom) is open to that user alone.
//
// # Errors
//
// Every token refused is an error wrapping realtime.ErrUnauthorized and
// one of this package's sentinels (ErrMalformed, ErrAlgorithm,
// ErrUnknownKey, ErrSignature, ErrExpired, ErrNotYetValid, ErrIssuer,
// ErrAudience, ErrClaims), whose message says why — "token expired at
// 2026-12-07T10:00:00Z", "unknown key \"k9\"" — and never holds key
// material or the token itself. The time claims are checked only after
// the signature: a forged token is told no more than that its signature
// is bad.
//
// # Issuing
//
// An Issuer signs with one key of the set that has its private part
// (Config.SigningKey). Issue makes a token for a user with their roles
// and a lifetime; a refresh is another Issue, which the client sends in
// a new hello before the old token expires.
//
// Authenticators and Issuers are safe for concurrent use.
package jwt
