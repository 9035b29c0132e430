package notify

import (
	"encoding/json"
	"fmt"
	"net/mail"
	"strings"
)

// AddressError refuses an address before any provider is called: what
// was given, on which channel, and why. It wraps ErrInvalid.
type AddressError struct {
	Channel Channel
	Input   string
	Reason  string
}

func (e *AddressError) Error() string {
	return fmt.Sprintf("notify: %s address %q: %s", e.Channel, e.Input, e.Reason)
}

func (e *AddressError) Unwrap() error { return ErrInvalid }

// NormalizePhone returns a Bangladeshi mobile number in E.164,
// +8801[3-9]XXXXXXXX, from the ways people write it: 01711-000000,
// 8801711000000, +880 1711 000000, 00880…, with spaces, dashes, dots or
// brackets between the digits. Anything else — letters, too few or too
// many digits, another country's code, an operator prefix no operator
// uses (011, 012) — is refused with an *AddressError saying why.
func NormalizePhone(s string) (string, error) {
	refuse := func(format string, a ...any) (string, error) {
		return "", &AddressError{Channel: SMS, Input: s, Reason: fmt.Sprintf(format, a...)}
	}
	var b strings.Builder
	plus := false
	for i, r := range strings.TrimSpace(s) {
		switch {
		case r >= '0' && r <= '9':
			b.WriteRune(r)
		case r >= '০' && r <= '৯':
			// Bengali digits, as a Bangla keyboard types them.
			b.WriteRune('0' + (r - '০'))
		case r == '+' && i == 0:
			plus = true
		case r == ' ' || r == '-' || r == '.' || r == '(' || r == ')' || r == '\u00a0':
		default:
			return refuse("%q is not part of a phone number", r)
		}
	}
	d := b.String()
	if d == "" {
		return refuse("no digits")
	}
	var national string
	switch {
	case plus && strings.HasPrefix(d, "880"):
		national = d[3:]
	case plus:
		return refuse("not a Bangladeshi number (country code +880)")
	case strings.HasPrefix(d, "00880"):
		national = d[5:]
	case strings.HasPrefix(d, "00"):
		return refuse("not a Bangladeshi number (country code +880)")
	case strings.HasPrefix(d, "880"):
		national = d[3:]
	case strings.HasPrefix(d, "0"):
		national = d[1:]
	default:
		return refuse("neither a national number (01…) nor one with the country code (+880…)")
	}
	// "+880 01711…": the trunk 0 written after the country code.
	if len(national) == 11 && strings.HasPrefix(national, "01") {
		national = national[1:]
	}
	switch {
	case !strings.HasPrefix(national, "1"):
		return refuse("not a mobile number (mobile numbers start 01)")
	case len(national) < 10:
		return refuse("%d digits after 0, want 10 (01 and 9 more)", len(national))
	case len(national) > 10:
		return refuse("%d digits after 0, want 10 (01 and 9 more)", len(national))
	case national[1] < '3':
		return refuse("no mobile operator uses the prefix 01%c", national[1])
	}
	return "+880" + national, nil
}

// ParseEmail returns the address of an e-mail address as net/mail reads
// it ("Name <user@example.com>" gives user@example.com). An address that
// does not parse, or whose domain has no dot (user@gmail: a typo, never
// a deliverable address for our purposes), is refused with an
// *AddressError.
func ParseEmail(s string) (string, error) {
	a, err := mail.ParseAddress(s)
	if err != nil {
		return "", &AddressError{Channel: Email, Input: s, Reason: err.Error()}
	}
	at := strings.LastIndexByte(a.Address, '@')
	domain := a.Address[at+1:]
	if !strings.Contains(domain, ".") || strings.HasPrefix(domain, ".") || strings.HasSuffix(domain, ".") {
		return "", &AddressError{Channel: Email, Input: s, Reason: fmt.Sprintf("domain %q is not a full domain name", domain)}
	}
	return a.Address, nil
}

// The payload limits of the push services, in bytes: Firebase Cloud
// Messaging takes 4,096 bytes of notification and data; a Web Push
// message is encrypted into a record of at most 4,096 bytes, of which
// about 3,000 are safe to fill with the JSON the service worker reads.
const (
	FCMPayloadLimit     = 4096
	WebPushPayloadLimit = 3000
)

// PayloadError refuses a push message over a provider's limit. It wraps
// ErrInvalid.
type PayloadError struct {
	Provider    string
	Size, Limit int
}

func (e *PayloadError) Error() string {
	return fmt.Sprintf("notify: push payload for %s is %d bytes, over its limit of %d", e.Provider, e.Size, e.Limit)
}

func (e *PayloadError) Unwrap() error { return ErrInvalid }

// PayloadSize returns the size of a push message's payload as the push
// services count it: the JSON of its title, body and data.
func PayloadSize(m *Message) int {
	b, _ := json.Marshal(struct {
		Title string            `json:"title,omitempty"`
		Body  string            `json:"body,omitempty"`
		Data  map[string]string `json:"data,omitempty"`
	}{m.Title, m.Text, m.Data})
	return len(b)
}
