package gantt

import "testing"

func TestVisualBangla(t *testing.T) {
	for _, c := range []struct{ in, want string }{
		{"কি", "িক"},         // ি before its consonant
		{"কিউরিং", "িকউিরং"}, // each cluster on its own
		{"বৈদ্যুতিক", "ৈবদ্যুিতক"},
		{"স্কি", "িস্ক"}, // before the whole conjunct
		{"কো", "েকা"},    // ো in two halves around it
		{"কৌ", "েকৗ"},    // ৌ likewise
		{"ি", "ি"},       // a sign alone stays
		{"abc কি", "abc িক"},
	} {
		if got := visualBangla(c.in); got != c.want {
			t.Errorf("visualBangla(%q) = %q, want %q", c.in, got, c.want)
		}
	}
}

func TestScriptRuns(t *testing.T) {
	got := scriptRuns("ছাদ (৩য়) roof, slab")
	if len(got) != 2 || got[0].text != "ছাদ (৩য়) " || !got[0].bangla || got[1].text != "roof, slab" || got[1].bangla {
		t.Errorf("got %+v", got)
	}
}
