package notify

import (
	"fmt"
	"math/rand/v2"
	"strings"
	"testing"
	"unicode/utf16"
	"unicode/utf8"
)

// smsCase is a text and the encoding, units and segments it must count
// as; why says how the expectation was worked out.
type smsCase struct {
	name     string
	text     string
	enc      Encoding
	units    int
	segments int
}

// ceilDiv is ⌈a/b⌉.
func ceilDiv(a, b int) int { return (a + b - 1) / b }

// uniform returns the case of n copies of r, each w units wide in enc,
// worked out by construction rather than by the segmenter: n·w units; one
// segment when they fit the single size; otherwise each segment holds
// ⌊multi/w⌋ whole characters (a character is never split), so
// ⌈n / ⌊multi/w⌋⌉ segments.
func uniform(name string, r rune, n int, enc Encoding, w int) smsCase {
	single, multi := 160, 153
	if enc == UCS2 {
		single, multi = 70, 67
	}
	seg := 0
	switch {
	case n == 0:
	case n*w <= single:
		seg = 1
	default:
		seg = ceilDiv(n, multi/w)
	}
	return smsCase{fmt.Sprintf("%s×%d", name, n), strings.Repeat(string(r), n), enc, n * w, seg}
}

// smsCases is the table the segmenter is checked against: every entry
// is either written out with its count justified beside it, or made by
// uniform, whose count is the closed form above.
func smsCases() []smsCase {
	var cs []smsCase

	// Every character of the GSM 03.38 default alphabet, typed from
	// 3GPP TS 23.038 table 6.2.1 apart from the package's constant: 160
	// of one fills a single segment exactly (160 septets), 161 need two
	// (161 > 160; ⌈161/153⌉ = 2). 127 characters × 2 = 254 cases.
	basic := []rune{
		'@', '£', '$', '¥', 'è', 'é', 'ù', 'ì', 'ò', 'Ç', '\n', 'Ø', 'ø', '\r', 'Å', 'å',
		'Δ', '_', 'Φ', 'Γ', 'Λ', 'Ω', 'Π', 'Ψ', 'Σ', 'Θ', 'Ξ', 'Æ', 'æ', 'ß', 'É',
		' ', '!', '"', '#', '¤', '%', '&', '\'', '(', ')', '*', '+', ',', '-', '.', '/',
		'0', '1', '2', '3', '4', '5', '6', '7', '8', '9', ':', ';', '<', '=', '>', '?',
		'¡', 'A', 'B', 'C', 'D', 'E', 'F', 'G', 'H', 'I', 'J', 'K', 'L', 'M', 'N', 'O',
		'P', 'Q', 'R', 'S', 'T', 'U', 'V', 'W', 'X', 'Y', 'Z', 'Ä', 'Ö', 'Ñ', 'Ü', '§',
		'¿', 'a', 'b', 'c', 'd', 'e', 'f', 'g', 'h', 'i', 'j', 'k', 'l', 'm', 'n', 'o',
		'p', 'q', 'r', 's', 't', 'u', 'v', 'w', 'x', 'y', 'z', 'ä', 'ö', 'ñ', 'ü', 'à',
	}
	for _, r := range basic {
		name := fmt.Sprintf("GSM %U", r)
		cs = append(cs, uniform(name, r, 160, GSM7, 1), uniform(name, r, 161, GSM7, 1))
	}

	// The 160/153 edges on plain letters: 1–160 one segment; then
	// ⌈n/153⌉: 306 = 2·153 two, 307 three, 459 = 3·153 three, 460 four.
	for _, n := range []int{0, 1, 2, 80, 152, 153, 154, 159, 160, 161, 162, 305, 306, 307, 458, 459, 460, 611, 612, 613, 765, 766} {
		cs = append(cs, uniform("a", 'a', n, GSM7, 1))
	}

	// Each extension character is two septets: 158 letters and one of
	// them are 160 (one segment), 159 and one are 161 (two).
	for _, r := range []rune{'\f', '^', '{', '}', '\\', '[', '~', ']', '|', '€'} {
		name := fmt.Sprintf("a + %U", r)
		cs = append(cs,
			smsCase{name + " = 160", strings.Repeat("a", 158) + string(r), GSM7, 160, 1},
			smsCase{name + " = 161", strings.Repeat("a", 159) + string(r), GSM7, 161, 2})
	}

	// Extension characters alone: two septets each, so 80 fill a single
	// segment, and a segment of a longer text holds 76 (152 septets: a
	// 77th would need 154).
	for _, n := range []int{1, 79, 80, 81, 152, 153, 228, 229} {
		cs = append(cs, uniform("€", '€', n, GSM7, 2))
	}

	// An escape pair that would straddle a segment boundary moves whole
	// to the next segment. 152 letters leave one septet of the first
	// segment, too few for '€'.
	a152 := strings.Repeat("a", 152)
	cs = append(cs,
		// 152 + 2 + 6 = 160: still a single segment.
		smsCase{"152a € 6a", a152 + "€" + strings.Repeat("a", 6), GSM7, 160, 1},
		// 161 septets: segment 1 is 152a (one septet unused), segment 2
		// is € and 7a (9 septets).
		smsCase{"152a € 7a", a152 + "€" + strings.Repeat("a", 7), GSM7, 161, 2},
		// 305 septets: segment 2 holds € + 151a = 153 exactly.
		smsCase{"152a € 151a", a152 + "€" + strings.Repeat("a", 151), GSM7, 305, 2},
		// 306 septets would be two full segments if the pair could be
		// split; it cannot, so segment 2 (€ + 151a) leaves one letter
		// for a third.
		smsCase{"152a € 152a", a152 + "€" + strings.Repeat("a", 152), GSM7, 306, 3},
		// With 151 letters first the pair ends segment 1 exactly (153).
		smsCase{"151a € 153a", strings.Repeat("a", 151) + "€" + strings.Repeat("a", 153), GSM7, 306, 2},
		// Two straddling pairs: 152a | € 150a ~ | … segment 2 is € (2) +
		// 150a = 152, '~' does not fit the last septet: three segments,
		// the third holding '~' and 1a.
		smsCase{"152a € 150a ~ a", a152 + "€" + strings.Repeat("a", 150) + "~a", GSM7, 152 + 2 + 150 + 2 + 1, 3},
	)

	// Characters that look like GSM but are not in it force UCS-2: the
	// whole text is then counted in UTF-16 units (one each here).
	for _, r := range []rune{'ç', '`', 'á', 'í', 'ó', 'ú', 'â', 'ê', 'ô', 'ã', 'õ', '’', '‘', '“', '”', '–', '—', '…', '\u00a0', '•', '₹', '৳'} {
		name := fmt.Sprintf("a + %U", r)
		cs = append(cs,
			// 69 letters and it: 70 units, one UCS-2 segment.
			smsCase{name + " = 70", strings.Repeat("a", 69) + string(r), UCS2, 70, 1},
			// 159 letters and it: 160 units, which GSM would carry in
			// one segment; as UCS-2, ⌈160/67⌉ = 3.
			smsCase{name + " = 160", strings.Repeat("a", 159) + string(r), UCS2, 160, 3})
	}

	// Bangla: every letter, sign and digit is one BMP code point, one
	// unit; the 70/67 edges on a single letter ক (U+0995).
	for _, n := range []int{1, 35, 69, 70, 71, 72, 133, 134, 135, 136, 200, 201, 202, 268, 269} {
		cs = append(cs, uniform("ক", 'ক', n, UCS2, 1))
	}
	// Bengali digits (U+09E6–U+09EF), one unit each.
	for _, n := range []int{70, 71, 134, 135} {
		cs = append(cs, uniform("৭", '৭', n, UCS2, 1))
	}

	// Emoji outside the BMP are surrogate pairs: 2 units. 35 fill a
	// single segment (70); a segment of a longer text holds 33 (66
	// units: a 34th would need 68), so ⌈n/33⌉.
	for _, n := range []int{1, 34, 35, 36, 66, 67, 99, 100} {
		cs = append(cs, uniform("😀", '😀', n, UCS2, 2))
	}

	// A surrogate pair at the 67 boundary moves whole to the next
	// segment. 66 Bangla letters leave one unit of the first segment.
	k66 := strings.Repeat("ক", 66)
	cs = append(cs,
		// 66 + 2 + 2 = 70: a single segment.
		smsCase{"66ক 😀 2ক", k66 + "😀" + strings.Repeat("ক", 2), UCS2, 70, 1},
		// 71 units: segment 1 is 66ক, segment 2 is 😀 + 3ক.
		smsCase{"66ক 😀 3ক", k66 + "😀" + strings.Repeat("ক", 3), UCS2, 71, 2},
		// 133 units: segment 2 holds 😀 (2) + 65ক = 67 exactly.
		smsCase{"66ক 😀 65ক", k66 + "😀" + strings.Repeat("ক", 65), UCS2, 133, 2},
		// 134 units would be two full segments if the pair could be
		// split; it cannot, so a third holds the last letter.
		smsCase{"66ক 😀 66ক", k66 + "😀" + strings.Repeat("ক", 66), UCS2, 134, 3},
		// 65 letters first: the pair ends segment 1 exactly (67).
		smsCase{"65ক 😀 67ক", strings.Repeat("ক", 65) + "😀" + strings.Repeat("ক", 67), UCS2, 134, 2},
	)

	// Conjuncts are several code points joined by the virama ্ (U+09CD);
	// each code point is a unit, and a conjunct may be split between
	// segments (phones join the segments before showing them), so only
	// the units count.
	conjuncts := []struct {
		text  string
		units int // code points, spelled out
	}{
		{"ক্ষ", 3},                // ক ্ ষ
		{"জ্ঞ", 3},                // জ ্ ঞ
		{"ন্ত্র", 5},              // ন ্ ত ্ র
		{"শ্রী", 4},               // শ ্ র ী
		{"স্ত্রী", 6},             // স ্ ত ্ র ী
		{"ক্ষ্ম", 5},              // ক ্ ষ ্ ম
		{"র্ক", 3},                // র ্ ক (reph)
		{"ক্র", 3},                // ক ্ র (ra-phala)
		{"ক্য", 3},                // ক ্ য (ya-phala)
		{"দ্ব", 3},                // দ ্ ব
		{"বাংলা", 5},              // ব া ং ল া
		{"ঢাকা", 4},               // ঢ া ক া
		{"রাজউক", 5},              // র া জ উ ক
		{"চট্টগ্রাম", 9},          // চ ট ্ ট গ ্ র া ম
		{"সম\u09dfসীমা", 7},       // স ম য় স ী ম া, য় precomposed (U+09DF)
		{"সম\u09af\u09bcসীমা", 8}, // the same with য + ় (U+09AF U+09BC)
		{"৳১০০", 4},               // ৳ ১ ০ ০
		{"২০২৭", 4},               // ২ ০ ২ ৭
		{"ঋণ", 2},                 // ঋ ণ
		{"ক\u09cc", 2},            // ক ৌ: the two-part vowel sign as one code point
		{"ক\u09c7\u09d7", 3},      // the same written as its parts, ে + ৗ
		{"ক\u09cb", 2},            // ক ো
		{"\u09ce", 1},             // ৎ, khanda ta
		{"\u0981", 1},             // ঁ, candrabindu alone
	}
	for _, c := range conjuncts {
		// Alone: a single segment.
		cs = append(cs, smsCase{c.text, c.text, UCS2, c.units, 1})
		// After 70 − units letters: exactly 70, still one.
		pre := strings.Repeat("ক", 70-c.units)
		cs = append(cs, smsCase{c.text + " at 70", pre + c.text, UCS2, 70, 1})
		// One letter more: 71 units, two segments (⌈71/67⌉), the
		// conjunct free to straddle them.
		cs = append(cs, smsCase{c.text + " at 71", "ক" + pre + c.text, UCS2, 71, 2})
	}

	// Mixed texts with their units counted by hand.
	cs = append(cs,
		// ঢাকা (4) + space (1) + 😀 (2)
		smsCase{"ঢাকা 😀", "ঢাকা 😀", UCS2, 7, 1},
		// man, ZWJ, woman, ZWJ, girl: 2+1+2+1+2
		smsCase{"family ZWJ", "👨\u200d👩\u200d👧", UCS2, 8, 1},
		// two regional indicators, each a pair
		smsCase{"flag BD", "🇧🇩", UCS2, 4, 1},
		// ❤ (U+2764, BMP) + variation selector U+FE0F
		smsCase{"heart VS16", "❤️", UCS2, 2, 1},
		// ASCII digits in a Bangla text are UCS-2 units too: ক + 12 (2)
		smsCase{"ক12", "ক12", UCS2, 3, 1},
		// CR LF are one septet each in GSM.
		smsCase{"CRLF", "a\r\nb", GSM7, 4, 1},
		// € (2) + 10 (2) + space (1) + BDT (3)
		smsCase{"€10 BDT", "€10 BDT", GSM7, 8, 1},
		// Greek capitals of the table are GSM; a Greek small letter is not.
		smsCase{"ΔΣΩ", "ΔΣΩ", GSM7, 3, 1},
		smsCase{"Δα", "Δα", UCS2, 2, 1},
	)
	return cs
}

func TestCountSMS(t *testing.T) {
	cases := smsCases()
	t.Logf("%d cases", len(cases))
	if len(cases) < 200 {
		t.Fatalf("only %d cases", len(cases))
	}
	for _, c := range cases {
		got := CountSMS(c.text)
		if got.Encoding != c.enc || got.Units != c.units || got.Segments != c.segments {
			t.Errorf("%s: got %v, %d units, %d segments; want %v, %d, %d",
				c.name, got.Encoding, got.Units, got.Segments, c.enc, c.units, c.segments)
		}
		if n := len(SplitSMS(c.text)); n != c.segments {
			t.Errorf("%s: SplitSMS gave %d parts, want %d", c.name, n, c.segments)
		}
	}
}

// TestSplitSMSProperties checks on random texts that the parts join back
// to the text, that each fits its segment, that no surrogate pair or
// escape pair is split (each part is whole runes), and that no part
// could have taken the next part's first character (greedy, so fewest).
func TestSplitSMSProperties(t *testing.T) {
	alphabets := [][]rune{
		[]rune("abc xyz 0123456789.,"),
		[]rune("abc €^{}[]~|\\"),
		[]rune("কখগঘ্ষািীুূেৈোৌংঃঁ০১২৩ "),
		[]rune("ক😀👍🇧 a€"),
		[]rune("a😀"),
	}
	rng := rand.New(rand.NewPCG(1, 2))
	for i := range 3000 {
		abc := alphabets[i%len(alphabets)]
		n := rng.IntN(400)
		var b strings.Builder
		for range n {
			b.WriteRune(abc[rng.IntN(len(abc))])
		}
		text := b.String()
		info := CountSMS(text)
		parts := SplitSMS(text)
		if strings.Join(parts, "") != text {
			t.Fatalf("%q: parts %q do not join back", text, parts)
		}
		if len(parts) != info.Segments {
			t.Fatalf("%q: %d parts, %d segments", text, len(parts), info.Segments)
		}
		capacity := 153
		if info.Encoding == UCS2 {
			capacity = 67
		}
		if len(parts) == 1 {
			capacity = 160
			if info.Encoding == UCS2 {
				capacity = 70
			}
		}
		for j, p := range parts {
			if !utf8.ValidString(p) {
				t.Fatalf("%q: part %d splits a character", text, j)
			}
			u := units(info.Encoding, p)
			if u > capacity {
				t.Fatalf("%q: part %d has %d units, over %d", text, j, u, capacity)
			}
			if j+1 < len(parts) {
				r, _ := utf8.DecodeRuneInString(parts[j+1])
				if u+units(info.Encoding, string(r)) <= capacity {
					t.Fatalf("%q: part %d (%d units) could have taken %q", text, j, u, r)
				}
			}
		}
	}
}

// units counts s in enc by a second route: UTF-16 through unicode/utf16,
// GSM septets through strings.ContainsRune on the extension table.
func units(enc Encoding, s string) int {
	if enc == UCS2 {
		return len(utf16.Encode([]rune(s)))
	}
	n := 0
	for _, r := range s {
		n++
		if strings.ContainsRune(gsmExtension, r) {
			n++
		}
	}
	return n
}

func TestGSMAlphabetSize(t *testing.T) {
	if n := utf8.RuneCountInString(gsmBasic); n != 127 {
		t.Errorf("the default alphabet has %d characters, want 127 (128 less the escape)", n)
	}
	if n := utf8.RuneCountInString(gsmExtension); n != 10 {
		t.Errorf("the extension table has %d characters, want 10", n)
	}
}
