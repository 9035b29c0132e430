package gantt

import "strings"

// run is a stretch of text in one script.
type run struct {
	text   string
	bangla bool
}

// isBangla reports whether r belongs to the Bengali block (with the
// joiners that Bangla spelling uses).
func isBangla(r rune) bool {
	return (r >= 0x0980 && r <= 0x09FF) || r == 0x200C || r == 0x200D
}

// scriptRuns cuts s into runs of Bangla and of other text; spaces and
// punctuation join the run they follow.
func scriptRuns(s string) []run {
	var out []run
	for _, r := range s {
		b := isBangla(r)
		if len(out) > 0 && (out[len(out)-1].bangla == b || r == ' ' || strings.ContainsRune(".,;:-–()/", r)) {
			out[len(out)-1].text += string(r)
			continue
		}
		out = append(out, run{text: string(r), bangla: b})
	}
	return out
}

// Bangla letters visualBangla moves.
const (
	hasanta = '\u09CD'
	signI   = '\u09BF' // ি
	signE   = '\u09C7' // ে
	signAI  = '\u09C8' // ৈ
	signO   = '\u09CB' // ো = ে + া
	signAU  = '\u09CC' // ৌ = ে + ৗ
	signAA  = '\u09BE' // া
	markAU  = '\u09D7' // ৗ
)

func isConsonant(r rune) bool {
	return (r >= 0x0995 && r <= 0x09B9) || (r >= 0x09DC && r <= 0x09DF) || r == 0x09CE
}

// visualBangla puts Bangla text in the order its glyphs are drawn, for a
// PDF writer that does no shaping: a vowel sign written before its
// consonant cluster (ি, ে, ৈ, and the first half of ো and ৌ) is moved
// there. Conjuncts are not formed — a cluster shows its consonants with
// the hasanta (্) between them — and marks are not repositioned: the
// text reads, but not as a shaping engine would set it.
func visualBangla(s string) string {
	out := make([]rune, 0, len(s))
	cluster := -1 // where the current consonant cluster starts in out
	for _, r := range s {
		switch {
		case isConsonant(r):
			if len(out) == 0 || out[len(out)-1] != hasanta || cluster < 0 {
				cluster = len(out)
			}
			out = append(out, r)
		case r == signI || r == signE || r == signAI || r == signO || r == signAU:
			pre, post := r, rune(0)
			switch r {
			case signO:
				pre, post = signE, signAA
			case signAU:
				pre, post = signE, markAU
			}
			if cluster < 0 {
				out = append(out, pre)
			} else {
				out = append(out[:cluster], append([]rune{pre}, out[cluster:]...)...)
			}
			if post != 0 {
				out = append(out, post)
			}
			cluster = -1
		case r == hasanta || r == '\u09BC': // hasanta or nukta: the cluster goes on
			out = append(out, r)
		default:
			out = append(out, r)
			cluster = -1
		}
	}
	return string(out)
}
