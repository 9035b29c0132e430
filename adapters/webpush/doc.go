// Package webpush sends push notifications to browsers by the Web Push
// protocol: delivery by RFC 8030 (an HTTP POST to the subscription's
// endpoint, with TTL, Urgency and Topic), the message encrypted by RFC
// 8291 (the aes128gcm content coding: ECDH on P-256 with the browser's
// key, HKDF-SHA-256 with its auth secret, AES-128-GCM, one record) and
// the sender identified by VAPID, RFC 8292 (an ES256 JWT for the
// endpoint's origin and the public key, in the Authorization header) —
// all on the standard library's crypto/ecdh, crypto/hkdf, crypto/ecdsa
// and crypto/aes. The encryption reproduces RFC 8291's example (Appendix
// A) byte for byte. A Provider is a notify.Provider on the push channel.
//
// The message's To is the browser's subscription as
// PushSubscription.toJSON() writes it: {"endpoint": …, "keys":
// {"p256dh": …, "auth": …}}. The endpoint names the push service, so
// there is no base URL to set; endpoints off the known push services
// (DefaultHosts, or Config.Hosts) are refused. The payload is the JSON
// of a Payload (title, body, data, key) for the service worker to show.
// The message's key also becomes the Topic header, so that a push
// service still holding an undelivered copy replaces it.
//
// The push service answers an accepted message with 201 Created and its
// URL in Location (the Receipt's ID). 404 and 410 say the subscription
// is gone (expired, or the user unsubscribed): permanent, with
// DeadAddress, so the caller removes it. 429 is retryable after
// Retry-After; 5xx retryable; 400, 401 and 403 (a VAPID token or key the
// service refuses), 413 (too large) and the other 4xx permanent. A
// timeout after the request went out leaves the outcome unknown; Web
// Push takes no idempotency key, but the Topic and the key in the
// payload keep a message sent twice from showing twice.
//
// A message is refused before any request (a permanent SendError
// wrapping notify.ErrInvalid) when its subscription does not parse, its
// endpoint is not https on a push service allowed, its keys are not a
// P-256 point and 16 bytes, it has nothing to show, or its payload is
// over Config.MaxPayload (3,000 bytes unless set).
//
// A Provider is safe for concurrent use.
package webpush
