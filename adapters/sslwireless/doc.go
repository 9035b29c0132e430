// Package sslwireless sends SMS through SSL Wireless's SMS Plus API, v3
// (POST https://smsplus.sslwireless.com/api/v3/send-sms, a JSON body of
// api_token, sid, msisdn, sms and csms_id), the gateway many Bangladeshi
// services use for Grameenphone, Robi, Airtel, Banglalink and Teletalk
// numbers. A Provider is a notify.Provider on the SMS channel; it takes
// Bangladeshi mobile numbers only (+8801…, sent as 8801…). The text goes
// as UTF-8 JSON; the gateway tells Bangla from English itself (its
// answer's sms_type).
//
// The message's key is sent as csms_id, the customer's SMS id that the
// gateway asks to be unique, so a message tried again carries the same
// one: the key itself when it is 1 to 20 letters, digits, _ or -, else
// the first 20 hex digits of its SHA-256. A message without a key gets
// a random csms_id, and no protection against sending twice.
//
// The gateway answers failures with HTTP 200 too, so the body decides:
// {"status": "SUCCESS", "status_code": 200, "smsinfo": [{"sms_status",
// "status_message", "csms_id", "reference_id", …}]} is accepted when the
// message's own sms_status is SUCCESS (the reference_id is the Receipt's
// ID); {"status": "FAILED", "status_code": 4003, "error_message": "IP
// Blacklisted"} is a failure with the status_code as the SendError's
// Code: 4xxx codes (4001 unauthorized, 4003 IP blacklisted, 4022 a
// required field missing, and the rest of that range: the account's,
// the request's) are permanent, other codes retryable. A failure saying
// the csms_id is a duplicate is taken as the gateway's answer that it
// already has this message, and returns a Receipt without an ID. A body
// that does not parse, or says neither SUCCESS nor FAILED, leaves the
// outcome unknown. HTTP 429 and 5xx are retryable (after Retry-After
// when given), whatever the body; other statuses that are not 2xx go by
// their body when it says FAILED, else by the status; a timeout after
// sending leaves the outcome unknown.
//
// What could not be checked: SSL Wireless's API document (v3.0.0) is
// given to customers and is not public; the request's fields and the
// answers' shape follow SSL Wireless's own client (github.com/sslw/
// ismsplus_api) and answers published by integrators. Its full list of
// failure codes, the wording of a duplicate csms_id failure and the
// csms_id's length limit (20 characters is what integrators keep to)
// were not found; the rules above are written to be safe where the code
// is not known.
//
// A message is refused before any request (a permanent SendError
// wrapping notify.ErrInvalid) when its address is not a Bangladeshi
// mobile number in E.164 or its text is empty.
//
// A Provider is safe for concurrent use.
package sslwireless
