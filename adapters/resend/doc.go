// Package resend sends email through Resend's API (POST
// https://api.resend.com/emails, a bearer API key, a JSON body of from,
// to, subject, html and text). A Provider is a notify.Provider on the
// email channel.
//
// The message's key goes in the Idempotency-Key header: for 24 hours
// Resend answers a request bearing a key it has seen with the first
// request's answer and sends nothing again, so trying again after a
// timeout, a dropped connection or an answer that does not parse is
// safe. Keys over Resend's 256 characters are sent as "sha256:" and the
// key's SHA-256 in hex, the same for the same key.
//
// Resend answers an accepted message with 200 and {"id": …} (the
// Receipt's ID); a 2xx without an id leaves the outcome unknown. Its
// failures carry {"statusCode", "name", "message"}, and the name (the
// SendError's Code) decides: rate_limit_exceeded and
// daily_quota_exceeded (429) are retryable after the Retry-After header,
// else ratelimit-reset; concurrent_idempotent_requests (409: the first
// request with the key is still being worked on) is retryable;
// application_error and internal_server_error (500) are retryable;
// monthly_quota_exceeded, invalid_idempotent_request (the key was used
// with another message), validation errors, a missing, invalid or
// restricted API key, an unverified sender are permanent. Other answers
// go by their status: 408, 429 and 5xx retryable, other 4xx permanent.
//
// A message is refused before any request (a permanent SendError
// wrapping notify.ErrInvalid) when its address does not parse, it has no
// subject or no body, or it is over Resend's 40 MB.
//
// A Provider is safe for concurrent use.
package resend
