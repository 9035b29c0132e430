// Package sendgrid sends email through SendGrid's v3 Mail Send API
// (POST https://api.sendgrid.com/v3/mail/send, a bearer API key, a JSON
// body of personalizations, from, subject and content). A Provider is a
// notify.Provider on the email channel.
//
// SendGrid answers an accepted message with 202 Accepted, an empty body
// and the message's id in the X-Message-Id header (the Receipt's ID).
// Failures carry {"errors": [{"message", "field", "help"}]}: 400, 401,
// 403 and 413 are permanent; 429 is retryable after the Retry-After
// header or else X-RateLimit-Reset (a Unix time); 5xx is retryable; a
// timeout after the request went out leaves the outcome unknown.
//
// SendGrid takes no idempotency key: the message's key travels in
// custom_args as critpath_key, so that SendGrid's event webhook and
// activity feed can be matched to it, but a message sent twice is
// delivered twice.
//
// A message is refused before any request (a permanent SendError
// wrapping notify.ErrInvalid) when its address does not parse, it has no
// subject or no body, or it is over SendGrid's 30 MB.
//
// A Provider is safe for concurrent use.
package sendgrid
