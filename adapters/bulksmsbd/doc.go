// Package bulksmsbd sends SMS through BulkSMSBD's HTTP API (POST
// https://bulksmsbd.net/api/smsapi, a form of api_key, type, number,
// senderid and message), a Bangladeshi gateway. A Provider is a
// notify.Provider on the SMS channel; it takes Bangladeshi mobile
// numbers only (+8801…, sent as 8801…). The form is UTF-8 and
// percent-encoded, so Bangla goes as it is, with type=text as the
// published API has it (the gateway tells Unicode text itself;
// Config.Type changes it).
//
// The gateway answers failures with HTTP 200 too, so the body decides:
// {"response_code": 202, "message_id": …, "success_message": "SMS
// Submitted Successfully", "error_message": ""} is accepted (message_id
// the Receipt's ID); any other response_code is a failure, the code the
// SendError's Code. The codes BulkSMSBD publishes are permanent — 1002 a
// sender id wrong or disabled, 1003 a field missing, 1006 and 1007 the
// balance, 1011 the user, 1012 masking SMS to be in Bengali, 1013 to 1021
// the sender's gateway, type and prices, the account or its parent —
// save 1005, an internal error, which is retryable; 1001, an invalid
// number, which integrators report, is permanent too. A code not on the
// list is retryable. A body that is a bare number is read as the code.
// A body that does not parse, or has no code, leaves the outcome
// unknown. HTTP 429 and 5xx are retryable (after Retry-After when
// given); a timeout after sending leaves the outcome unknown.
//
// BulkSMSBD takes no idempotency key: a message whose answer was lost
// and that is sent again is delivered twice.
//
// The published API (bulksmsbd.com/bulksms-api-bangladesh.php) gives the
// URL with http://; the default here is https://, which the same host
// answers, so that the API key does not cross the network in clear.
//
// A message is refused before any request (a permanent SendError
// wrapping notify.ErrInvalid) when its address is not a Bangladeshi
// mobile number in E.164 or its text is empty.
//
// A Provider is safe for concurrent use.
package bulksmsbd
