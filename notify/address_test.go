package notify

import (
	"errors"
	"strings"
	"testing"
)

func TestNormalizePhone(t *testing.T) {
	for _, c := range []struct {
		in, want string
		reason   string // part of the refusal, when refused
	}{
		{"01711000000", "+8801711000000", ""},
		{"01711-000000", "+8801711000000", ""},
		{"0171 100 0000", "+8801711000000", ""},
		{"8801711000000", "+8801711000000", ""},
		{"+8801711000000", "+8801711000000", ""},
		{"+880 1711-000000", "+8801711000000", ""},
		{"+88 01711 000000", "+8801711000000", ""},
		{"+880 01711 000000", "+8801711000000", ""},
		{"008801911222333", "+8801911222333", ""},
		{"(017) 1100-0000", "+8801711000000", ""},
		{"  01311000000 ", "+8801311000000", ""},
		{"01411000000", "+8801411000000", ""},
		{"01511000000", "+8801511000000", ""},
		{"01611000000", "+8801611000000", ""},
		{"01811000000", "+8801811000000", ""},
		{"01911000000", "+8801911000000", ""},
		{"০১৭১১০০০০০০", "+8801711000000", ""},
		{"", "", "no digits"},
		{"---", "", "no digits"},
		{"0171100000", "", "9 digits after 0"},
		{"017110000000", "", "11 digits after 0"},
		{"+88017110000001", "", "11 digits after 0"},
		{"01211000000", "", "prefix 012"},
		{"01111000000", "", "prefix 011"},
		{"01011000000", "", "prefix 010"},
		{"0211000000", "", "not a mobile number"},
		{"+880 2 9123456", "", "not a mobile number"},
		{"+14155550100", "", "not a Bangladeshi number"},
		{"0014155550100", "", "not a Bangladeshi number"},
		{"1711000000", "", "neither a national number"},
		{"01711O00000", "", `'O' is not part`},
		{"0171100000+0", "", `'+' is not part`},
		{"tel:01711000000", "", `'t' is not part`},
	} {
		got, err := NormalizePhone(c.in)
		if c.reason == "" {
			if err != nil || got != c.want {
				t.Errorf("NormalizePhone(%q) = %q, %v; want %q", c.in, got, err, c.want)
			}
			continue
		}
		if err == nil || !errors.Is(err, ErrInvalid) || !strings.Contains(err.Error(), c.reason) {
			t.Errorf("NormalizePhone(%q) = %q, %v; want a refusal saying %q", c.in, got, err, c.reason)
		}
	}
}

func TestParseEmail(t *testing.T) {
	for _, c := range []struct {
		in, want string
		ok       bool
	}{
		{"rahim@example.com", "rahim@example.com", true},
		{"Rahim Uddin <rahim@example.com.bd>", "rahim@example.com.bd", true},
		{"rahim+site@mail.example.org", "rahim+site@mail.example.org", true},
		{"rahim@gmail", "", false},
		{"rahim@.com", "", false},
		{"rahim", "", false},
		{"rahim@@example.com", "", false},
		{"rahim@example.com, karim@example.com", "", false},
		{"", "", false},
	} {
		got, err := ParseEmail(c.in)
		if c.ok != (err == nil) || got != c.want {
			t.Errorf("ParseEmail(%q) = %q, %v; want %q, ok %v", c.in, got, err, c.want, c.ok)
		}
		if err != nil && !errors.Is(err, ErrInvalid) {
			t.Errorf("ParseEmail(%q): %v does not wrap ErrInvalid", c.in, err)
		}
	}
}

func TestPayloadSize(t *testing.T) {
	m := &Message{Title: "Rain", Text: "বৃষ্টি", Data: map[string]string{"k": "v"}}
	// {"title":"Rain","body":"বৃষ্টি","data":{"k":"v"}}: 6 Bangla code
	// points of 3 bytes each.
	want := len(`{"title":"Rain","body":"","data":{"k":"v"}}`) + 6*3
	if got := PayloadSize(m); got != want {
		t.Errorf("got %d, want %d", got, want)
	}
}
