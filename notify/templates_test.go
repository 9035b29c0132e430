package notify

import (
	"errors"
	"strings"
	"testing"
)

// sampleData gives every kind the data its templates need.
var sampleData = map[Kind]map[string]string{
	TaskAssigned:       {"project": "Dhaka Tower", "task": "Piling, block B", "start": "2027-07-12", "finish": "2027-08-02"},
	DeadlineNear:       {"project": "Dhaka Tower", "task": "Piling, block B", "deadline": "2027-07-15", "days": "3"},
	DeadlinePast:       {"project": "Dhaka Tower", "task": "Piling, block B", "deadline": "2027-07-15", "days": "1"},
	ResourceConflict:   {"project": "Dhaka Tower", "resource": "Crane 2", "from": "2027-07-12", "to": "2027-07-16", "tasks": "Piling, Formwork", "excess": "1"},
	MilestoneCompleted: {"project": "Dhaka Tower", "milestone": "Basement slab cast", "date": "2027-09-30"},
	PermitStatus:       {"project": "Dhaka Tower", "permit": "Building construction approval", "authority": "RAJUK", "status": "query raised", "note": "Soil test report requested."},
	WeatherAlert:       {"project": "Dhaka Tower", "date": "2027-07-12", "tasks": "Piling (PIL3)", "rain_mm": "42.5", "wind_kmh": "55"},
	Announcement:       {"subject": "Site closed", "text": "The site is closed on Friday."},
}

func TestTemplatesRenderEveryKind(t *testing.T) {
	ts := DefaultTemplates()
	formats := []Format{
		{Language: English},
		{Language: Bangla},
		{Language: Bangla, BengaliDigits: true},
		{Language: Bangla, BengaliDigits: true, BanglaCalendar: true},
	}
	for _, kind := range ts.Kinds() {
		if kind == Digest {
			continue // rendered by the package with a list; TestDigestTemplate
		}
		data, ok := sampleData[kind]
		if !ok {
			t.Fatalf("no sample data for %s", kind)
		}
		for _, f := range formats {
			p, err := ts.Preview(kind, data, f)
			if err != nil {
				t.Errorf("%s %+v: %v", kind, f, err)
				continue
			}
			for name, s := range map[string]string{
				"subject": p.Email.Subject, "text": p.Email.Text, "html": p.Email.HTML, "sms": p.SMS.Text,
				"short": p.SMS.Short, "push title": p.Push.Title, "push body": p.Push.Body,
				"in-app title": p.InApp.Title, "in-app body": p.InApp.Body,
			} {
				if s == "" || strings.Contains(s, "<no value>") || strings.Contains(s, "{{") {
					t.Errorf("%s %+v %s: %q", kind, f, name, s)
				}
				// Digits the data's names carry (Crane 2) stay as written.
				bare := s
				for _, k := range []string{"task", "resource", "tasks", "permit", "milestone"} {
					if v := data[k]; v != "" {
						bare = strings.ReplaceAll(bare, v, "")
					}
				}
				if f.BengaliDigits && kind != Announcement && strings.ContainsAny(bare, "0123456789") && name != "html" {
					t.Errorf("%s %+v %s: Latin digits in %q", kind, f, name, s)
				}
			}
			if p.SMS.ShortInfo.Units > p.SMS.Info.Units {
				t.Errorf("%s %+v: the short SMS (%d units) is longer than the full one (%d)", kind, f, p.SMS.ShortInfo.Units, p.SMS.Info.Units)
			}
			if f.Language == Bangla && kind != Announcement && p.SMS.Info.Encoding != UCS2 {
				t.Errorf("%s: a Bangla SMS encoded as %v", kind, p.SMS.Info.Encoding)
			}
		}
	}
}

func TestTemplateTexts(t *testing.T) {
	ts := DefaultTemplates()
	for _, c := range []struct {
		kind Kind
		ch   Channel
		f    Format
		want Rendered
	}{
		{WeatherAlert, SMS, Format{Language: English}, Rendered{
			Text:  "Dhaka Tower: weather alert for Mon 12 Jul 2027 (rain 42.5 mm, wind 55 km/h). Outdoor work: Piling (PIL3).",
			Short: "Weather alert Mon 12 Jul 2027 (rain 42.5 mm, wind 55 km/h)"}},
		{WeatherAlert, SMS, Format{Language: Bangla, BengaliDigits: true}, Rendered{
			Text:  "Dhaka Tower: আবহাওয়া সতর্কতা, সোমবার, ১২ জুলাই ২০২৭ (বৃষ্টি ৪২.৫ মিমি, বাতাস ৫৫ কিমি/ঘণ্টা)। বাইরের কাজ: Piling (PIL3)।",
			Short: "আবহাওয়া সতর্কতা সোমবার, ১২ জুলাই ২০২৭ (বৃষ্টি ৪২.৫ মিমি, বাতাস ৫৫ কিমি/ঘণ্টা)"}},
		{PermitStatus, Push, Format{Language: Bangla}, Rendered{
			Title: "রাজউক: প্রশ্ন উত্থাপিত হয়েছে", Text: "Building construction approval (Dhaka Tower)"}},
		{DeadlineNear, InApp, Format{Language: English}, Rendered{
			Title: "Piling, block B is due Thu 15 Jul 2027", Text: "3 working days left."}},
		{DeadlinePast, InApp, Format{Language: English}, Rendered{
			Title: "Piling, block B is past its deadline", Text: "Was due Thu 15 Jul 2027; 1 working day late."}},
		{TaskAssigned, Email, Format{Language: Bangla, BengaliDigits: true, BanglaCalendar: true}, Rendered{
			Subject: "[Dhaka Tower] আপনাকে নতুন কাজ দেওয়া হয়েছে: Piling, block B",
			Text:    "প্রিয় সহকর্মী,\n\nDhaka Tower প্রকল্পে আপনাকে \"Piling, block B\" কাজটি দেওয়া হয়েছে। কাজ শুরু সোমবার, ২৮ আষাঢ় ১৪৩৪। শেষ হওয়ার কথা সোমবার, ১৮ শ্রাবণ ১৪৩৪।"}},
	} {
		got, err := ts.Render(c.kind, c.ch, sampleData[c.kind], c.f)
		if err != nil {
			t.Errorf("%s %s: %v", c.kind, c.ch, err)
			continue
		}
		got.HTML = ""
		if got != c.want {
			t.Errorf("%s %s %+v:\ngot  %+q\nwant %+q", c.kind, c.ch, c.f, got, c.want)
		}
	}
}

func TestTemplateErrors(t *testing.T) {
	ts := DefaultTemplates()
	without := func(kind Kind, key string) map[string]string {
		m := map[string]string{}
		for k, v := range sampleData[kind] {
			if k != key {
				m[k] = v
			}
		}
		return m
	}
	with := func(kind Kind, key, value string) map[string]string {
		m := without(kind, key)
		m[key] = value
		return m
	}
	for _, c := range []struct {
		name    string
		kind    Kind
		data    map[string]string
		wantVar string
		want    string
	}{
		{"missing task", TaskAssigned, without(TaskAssigned, "task"), "task", `variable "task" missing`},
		{"empty start", TaskAssigned, with(TaskAssigned, "start", ""), "start", `variable "start" missing`},
		{"missing days", DeadlineNear, without(DeadlineNear, "days"), "days", ""},
		{"missing authority", PermitStatus, without(PermitStatus, "authority"), "authority", ""},
		{"unknown authority", PermitStatus, with(PermitStatus, "authority", "WASA"), "", `unknown permit authority "WASA"`},
		{"unknown status", PermitStatus, with(PermitStatus, "status", "lost"), "", `unknown permit status "lost"`},
		{"bad date", WeatherAlert, with(WeatherAlert, "date", "12/07/2027"), "", "neither a date"},
		{"bad rain", WeatherAlert, with(WeatherAlert, "rain_mm", "heavy"), "", `rain_mm "heavy" is not a number`},
		{"bad days", DeadlineNear, with(DeadlineNear, "days", "three"), "", `"three" is not a number`},
		{"unknown kind", Kind("party"), map[string]string{}, "", "no templates for this kind"},
	} {
		_, err := ts.Render(c.kind, SMS, c.data, Format{Language: Bangla})
		te, ok := errors.AsType[*TemplateError](err)
		if !ok || !errors.Is(err, ErrInvalid) || te.Var != c.wantVar || !strings.Contains(err.Error(), c.want) {
			t.Errorf("%s: got %v; want a TemplateError for variable %q saying %q", c.name, err, c.wantVar, c.want)
		}
	}
	// A template naming a variable its kind does not declare fails on
	// that variable too (missingkey=error), rather than writing "<no value>".
	ts2, err := NewTemplates(map[Kind]KindTemplates{"k": {Languages: map[Language]Template{English: {SMS: "{{.nope}}"}}}})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := ts2.Render("k", SMS, nil, Format{}); err == nil || !strings.Contains(err.Error(), "nope") {
		t.Errorf("undeclared variable: got %v", err)
	}
	if _, err := NewTemplates(map[Kind]KindTemplates{"k": {Languages: map[Language]Template{English: {SMS: "{{.x"}}}}); err == nil {
		t.Error("a template that does not parse compiled")
	}
}

func TestTemplateHTMLEscapes(t *testing.T) {
	ts := DefaultTemplates()
	data := map[string]string{"project": "P & Q", "task": `<script>alert("x")</script>`, "start": "2027-07-12"}
	r, err := ts.Render(TaskAssigned, Email, data, Format{})
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(r.HTML, "<script>") || !strings.Contains(r.HTML, "&lt;script&gt;") || !strings.Contains(r.HTML, "P &amp; Q") {
		t.Errorf("HTML not escaped: %s", r.HTML)
	}
	if !strings.Contains(r.Text, `<script>`) {
		t.Errorf("the text part should carry the name as written: %s", r.Text)
	}
	// A template's own HTML is an html/template.
	ts2, err := NewTemplates(map[Kind]KindTemplates{"k": {Languages: map[Language]Template{English: {
		Subject: "s", Text: "t", HTML: `<b>{{.task}}</b> {{date .start}}`}}}})
	if err != nil {
		t.Fatal(err)
	}
	r, err = ts2.Render("k", Email, data, Format{})
	if err != nil || r.HTML != `<b>&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;</b> Mon 12 Jul 2027` {
		t.Errorf("got %q, %v", r.HTML, err)
	}
}

func TestDigestTemplate(t *testing.T) {
	ts := DefaultTemplates()
	data := map[string]any{"project": "Dhaka Tower", "name": "Rahim", "count": "2", "items": []string{"Milestone reached: Slab", "Crane 2 is over-allocated"}}
	r, err := ts.render(Digest, Email, data, Format{Language: Bangla, BengaliDigits: true})
	if err != nil {
		t.Fatal(err)
	}
	if r.Subject != "[Dhaka Tower] ২টি হালনাগাদ" || !strings.Contains(r.Text, "- Milestone reached: Slab\n- Crane 2 is over-allocated") {
		t.Errorf("got %+q", r)
	}
}
