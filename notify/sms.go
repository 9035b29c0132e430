package notify

import (
	"fmt"
	"unicode/utf8"
)

// Encoding is how an SMS's text travels: in the GSM 03.38 7-bit default
// alphabet, or in UCS-2 (UTF-16 in practice) when any character is
// outside it — as every Bangla text is.
type Encoding uint8

// The encodings.
const (
	GSM7 Encoding = iota + 1
	UCS2
)

func (e Encoding) String() string {
	switch e {
	case GSM7:
		return "GSM-7"
	case UCS2:
		return "UCS-2"
	}
	return fmt.Sprintf("encoding(%d)", uint8(e))
}

// Segment sizes, in septets for GSM-7 and UTF-16 code units for UCS-2: a
// message that fits one segment has the whole 140 bytes; a longer one is
// sent as concatenated segments, each giving 6 bytes to the header that
// joins them.
const (
	gsmSingle  = 160
	gsmMulti   = 153
	ucs2Single = 70
	ucs2Multi  = 67
)

// gsmBasic is the GSM 03.38 default alphabet (3GPP TS 23.038 §6.2.1),
// in the order of its table, without the escape at 0x1B: each of these
// characters is one septet.
const gsmBasic = "@£$¥èéùìòÇ\nØø\rÅå" +
	"Δ_ΦΓΛΩΠΨΣΘΞ" + "ÆæßÉ" +
	" !\"#¤%&'()*+,-./" +
	"0123456789:;<=>?" +
	"¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§" +
	"¿abcdefghijklmnopqrstuvwxyzäöñüà"

// gsmExtension is the default alphabet's extension table (§6.2.1.1):
// each of these characters is the escape and one more septet, two in
// all, and the two are never split between segments.
const gsmExtension = "\f^{}\\[~]|€"

var gsmWidth = func() map[rune]int {
	m := make(map[rune]int, 140)
	for _, r := range gsmBasic {
		m[r] = 1
	}
	for _, r := range gsmExtension {
		m[r] = 2
	}
	return m
}()

// SMSInfo is what an SMS text costs to send: its encoding, its length in
// that encoding's units (septets, or UTF-16 code units), the segments it
// is sent as and, when a price per segment is known, their cost.
type SMSInfo struct {
	Encoding Encoding `json:"encoding"`
	Units    int      `json:"units"`
	Segments int      `json:"segments"`
	// Cost is Segments times the provider's price per segment, in its
	// currency (BDT for the Bangladeshi gateways); zero when unknown.
	Cost float64 `json:"cost,omitempty"`
}

// CountSMS returns the encoding, length and segments of an SMS text.
// GSM-7 is used when every character is in the GSM 03.38 default
// alphabet or its extension table (extension characters count two
// septets); otherwise UCS-2, where a character outside the Basic
// Multilingual Plane (an emoji) is a surrogate pair of two units. One
// segment holds 160 septets or 70 units; a longer text is split into
// segments of 153 septets or 67 units, never between an escape and its
// character or between the halves of a surrogate pair, so a segment may
// end a unit short. An empty text is no segment.
func CountSMS(text string) SMSInfo {
	enc, widths := smsWidths(text)
	info := SMSInfo{Encoding: enc}
	for _, w := range widths {
		info.Units += w
	}
	info.Segments = len(splitWidths(enc, widths))
	return info
}

// SplitSMS returns text cut where the segments of CountSMS end: the
// pieces a concatenated SMS carries, in order; one piece when the text
// fits a single segment; none when it is empty.
func SplitSMS(text string) []string {
	enc, widths := smsWidths(text)
	ends := splitWidths(enc, widths)
	parts := make([]string, 0, len(ends))
	start, i, byteAt := 0, 0, 0
	for _, end := range ends {
		for i < end {
			_, size := utf8.DecodeRuneInString(text[byteAt:])
			byteAt += size
			i++
		}
		parts = append(parts, text[start:byteAt])
		start = byteAt
	}
	return parts
}

// smsWidths returns the encoding text needs and each of its characters'
// width in that encoding's units.
func smsWidths(text string) (Encoding, []int) {
	widths := make([]int, 0, len(text))
	enc := GSM7
	for _, r := range text {
		w, ok := gsmWidth[r]
		if !ok {
			enc = UCS2
			break
		}
		widths = append(widths, w)
	}
	if enc == GSM7 {
		return enc, widths
	}
	widths = widths[:0]
	for _, r := range text {
		// A rune outside the BMP is a surrogate pair; an invalid byte
		// is sent as U+FFFD, one unit.
		widths = append(widths, utf16Len(r))
	}
	return enc, widths
}

func utf16Len(r rune) int {
	if r > 0xFFFF {
		return 2
	}
	return 1
}

// splitWidths returns the index after the last character of each segment
// of characters of widths in enc: one segment when they fit a single
// one, else greedy segments of the concatenated size (a character that
// does not fit whole starts the next segment; greedy filling gives the
// fewest segments, as any split of a sequence into runs of bounded sum).
func splitWidths(enc Encoding, widths []int) []int {
	single, multi := gsmSingle, gsmMulti
	if enc == UCS2 {
		single, multi = ucs2Single, ucs2Multi
	}
	total := 0
	for _, w := range widths {
		total += w
	}
	switch {
	case len(widths) == 0:
		return nil
	case total <= single:
		return []int{len(widths)}
	}
	var ends []int
	used := 0
	for i, w := range widths {
		if used+w > multi {
			ends = append(ends, i)
			used = 0
		}
		used += w
	}
	return append(ends, len(widths))
}
