// Package twilio sends SMS through Twilio's Programmable Messaging API:
// POST https://api.twilio.com/2010-04-01/Accounts/{AccountSid}/Messages.json
// with HTTP basic authentication (the account SID and auth token, or an
// API key's SID and secret) and a form body of To, From (or
// MessagingServiceSid) and Body, UTF-8 and percent-encoded, so Bangla
// goes as it is and Twilio picks the UCS-2 encoding. A Provider is a
// notify.Provider on the SMS channel.
//
// Twilio answers a message it took with 201 Created and the Message
// resource: its sid (the Receipt's ID) and a status of queued, accepted
// or scheduled; a status of failed or undelivered at creation is
// permanent, with the resource's error_code. A 2xx whose body does not
// parse or has no sid leaves the outcome unknown. Failures carry
// {"code", "message", "more_info", "status"}; the code is the
// SendError's Code. 429 (code 20429) and code 21611 (the sender's queue
// is full) are retryable after Retry-After when given; 5xx is retryable;
// 401 (20003, the credentials) and the other 4xx — 21211 an invalid To,
// 21408 a region not enabled, 21610 a recipient who replied STOP, 21614
// not a mobile number, 21606 a From that cannot send — are permanent.
//
// Twilio takes no idempotency key for a new message: a message whose
// answer was lost and that is sent again is delivered twice.
//
// A message is refused before any request (a permanent SendError
// wrapping notify.ErrInvalid) when its address is not in E.164, its text
// is empty, or its text is over Twilio's 1,600 characters (counted in
// UTF-16 units, as Twilio counts; a character outside the Basic
// Multilingual Plane, an emoji, counts two).
//
// A Provider is safe for concurrent use.
package twilio
