// Package phone checks the phone numbers the SMS adapters are given: in
// E.164 (a plus sign, the country code and the number, digits only), as
// the notify package writes them once it has normalised what people
// typed.
package phone

import (
	"fmt"
	"strings"
)

// E164 checks that s is a number in E.164: "+", a first digit from 1 to
// 9, then digits, 8 to 15 in all. It returns s without the plus sign.
func E164(s string) (string, error) {
	digits, ok := strings.CutPrefix(s, "+")
	if !ok {
		return "", fmt.Errorf("phone: %q does not start with + (E.164)", s)
	}
	if len(digits) < 8 || len(digits) > 15 {
		return "", fmt.Errorf("phone: %q has %d digits, E.164 has 8 to 15", s, len(digits))
	}
	for k, c := range []byte(digits) {
		if c < '0' || c > '9' {
			return "", fmt.Errorf("phone: %q has %q, not a digit", s, c)
		}
		if k == 0 && c == '0' {
			return "", fmt.Errorf("phone: %q: a country code does not start with 0", s)
		}
	}
	return digits, nil
}

// Bangladesh checks that s is a Bangladeshi mobile number in E.164,
// +8801 then an operator digit from 3 to 9 (013 to 019: Grameenphone,
// Banglalink, Teletalk, Airtel, Robi) and eight digits, and returns it
// as the Bangladeshi gateways take it: 8801XXXXXXXXX, without the plus.
func Bangladesh(s string) (string, error) {
	digits, err := E164(s)
	if err != nil {
		return "", err
	}
	rest, ok := strings.CutPrefix(digits, "8801")
	if !ok {
		return "", fmt.Errorf("phone: %q is not a Bangladeshi mobile number (+8801…)", s)
	}
	if len(rest) != 9 {
		return "", fmt.Errorf("phone: %q: a Bangladeshi mobile number has 13 digits after the +, not %d", s, len(digits))
	}
	if rest[0] < '3' {
		return "", fmt.Errorf("phone: %q: no Bangladeshi operator has the prefix 01%c", s, rest[0])
	}
	return digits, nil
}
