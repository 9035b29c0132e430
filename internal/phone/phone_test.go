package phone

import (
	"math/rand/v2"
	"strings"
	"testing"
)

func TestE164(t *testing.T) {
	for _, c := range []struct {
		in, want string
	}{
		{"+8801712345678", "8801712345678"},
		{"+14155550100", "14155550100"},
		{"+44207946000", "44207946000"},
		{"+123456789012345", "123456789012345"},
		{"8801712345678", ""},     // no plus
		{"+01712345678", ""},      // country code starting with 0
		{"+1234567", ""},          // 7 digits
		{"+1234567890123456", ""}, // 16 digits
		{"+880 1712 345678", ""},  // spaces
		{"+880-1712-345678", ""},  // dashes
		{"+৮৮০১৭১২৩৪৫৬৭৮", ""},    // Bengali digits
		{"", ""},
		{"+", ""},
	} {
		got, err := E164(c.in)
		if got != c.want || (err == nil) != (c.want != "") {
			t.Errorf("E164(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

func TestBangladesh(t *testing.T) {
	for _, c := range []struct {
		in, want string
	}{
		{"+8801712345678", "8801712345678"},
		{"+8801312345678", "8801312345678"},
		{"+8801912345678", "8801912345678"},
		{"+8801112345678", ""},  // no operator 011 any more
		{"+8801212345678", ""},  // nor 012
		{"+880171234567", ""},   // a digit short
		{"+88017123456789", ""}, // a digit over
		{"+8802912345678", ""},  // a Dhaka land line
		{"+14155550100", ""},    // not Bangladesh
		{"01712345678", ""},     // local form: the notify package normalises it first
		{"8801712345678", ""},   // no plus
	} {
		got, err := Bangladesh(c.in)
		if got != c.want || (err == nil) != (c.want != "") {
			t.Errorf("Bangladesh(%q) = %q, %v; want %q", c.in, got, err, c.want)
		}
	}
}

// TestBangladeshRandom: every +8801[3-9] number of the right length is
// taken, and changing any one digit to something else, or dropping one,
// is refused or still a valid number.
func TestBangladeshRandom(t *testing.T) {
	r := rand.New(rand.NewPCG(1, 2))
	for range 1000 {
		var b strings.Builder
		b.WriteString("+8801")
		b.WriteByte(byte('3' + r.IntN(7)))
		for range 8 {
			b.WriteByte(byte('0' + r.IntN(10)))
		}
		s := b.String()
		got, err := Bangladesh(s)
		if err != nil || got != s[1:] {
			t.Fatalf("Bangladesh(%q) = %q, %v", s, got, err)
		}
		k := 1 + r.IntN(len(s)-1)
		if _, err := Bangladesh(s[:k] + s[k+1:]); err == nil {
			t.Errorf("Bangladesh(%q) took a number a digit short", s[:k]+s[k+1:])
		}
		if _, err := Bangladesh(s[:k] + "x" + s[k+1:]); err == nil {
			t.Errorf("Bangladesh(%q) took a letter", s[:k]+"x"+s[k+1:])
		}
	}
}
