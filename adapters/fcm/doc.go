// Package fcm sends push notifications through Firebase Cloud Messaging's
// HTTP v1 API (POST https://fcm.googleapis.com/v1/projects/{project}/
// messages:send, a JSON message to one device's registration token). A
// Provider is a notify.Provider on the push channel: the message's To is
// the device token, its Title and Text the notification, its Data the
// data payload.
//
// Authorization is an OAuth 2.0 access token for the scope
// https://www.googleapis.com/auth/firebase.messaging, got with the
// project's service-account key (the JSON file the Firebase console
// gives): a JWT signed with the key (RS256) is exchanged at the key's
// token_uri (https://oauth2.googleapis.com/token) with grant_type
// urn:ietf:params:oauth:grant-type:jwt-bearer. The token is kept and
// shared by all sends, and a new one is fetched five minutes before it
// expires; an FCM answer of 401 that is not a third-party error drops it,
// and the send is made once more with a new one. A token endpoint that
// refuses the key (invalid_grant, invalid_client) fails the send as
// permanent; one that is down fails it as retryable (no message went out).
//
// FCM answers a message it took with 200 and {"name": "projects/…/
// messages/…"} (the Receipt's ID); a 2xx without a name leaves the
// outcome unknown. Failures carry a google.rpc.Status whose details hold
// FCM's errorCode (the SendError's Code; the status, such as
// PERMISSION_DENIED, when there is none):
//   - UNREGISTERED (404): the app was uninstalled or the token expired —
//     permanent, and DeadAddress, so the caller removes the token;
//   - SENDER_ID_MISMATCH (403): the token belongs to another project —
//     permanent and DeadAddress;
//   - INVALID_ARGUMENT (400): permanent, and DeadAddress when the field
//     at fault is message.token or the message says the registration
//     token is not valid;
//   - QUOTA_EXCEEDED (429): retryable after Retry-After, or a minute when
//     it gives none (FCM asks for at least a minute's backoff);
//   - UNAVAILABLE (503) and INTERNAL (500): retryable after Retry-After
//     when given;
//   - THIRD_PARTY_AUTH_ERROR (401, the APNs certificate or web push key):
//     permanent.
//
// Other answers go by their status: 408, 429 and 5xx retryable, other
// 4xx permanent. A timeout after the request went out leaves the outcome
// unknown: FCM takes no idempotency key, so a message tried again may
// arrive twice.
//
// A message is refused before any request (a permanent SendError
// wrapping notify.ErrInvalid) when its token is empty or not printable
// ASCII, its data uses a key FCM reserves (from, message_type, or one
// starting with google or gcm), or its payload — the title, the text and
// each data key and value — is over FCM's 4,096 bytes.
//
// A Provider is safe for concurrent use.
package fcm
