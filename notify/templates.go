package notify

import (
	"bytes"
	"errors"
	"fmt"
	htmltemplate "html/template"
	"maps"
	"slices"
	"strings"
	"text/template"
)

// Template is one kind's messages in one language: a text/template for
// each part of each channel. A template reads the notification's data
// as {{.name}} (a variable it names but is not given is an error) or
// {{index . "name"}} for one that may be missing, the recipient's name as
// {{.name}} and the project as {{.project}}, and these functions, which
// write in the reader's Format:
//
//	date      a date or RFC 3339 time ("2027-07-12"), as Format.Date writes it
//	time      a time of day
//	num       a number, in the reader's digits
//	workdays  a number of working days: "3 working days", "৩ কর্মদিবস"
//	greeting  the opening of a letter to a name: "Hello Rahim,", "প্রিয় রহিম,"
//	authority a permit authority's name: rajuk, doe, fire_service
//	status    a permit status: submitted, under_review, query_raised, approved, refused
//	weather   " (rain 42.5 mm, wind 50 km/h)" from the data's rain_mm and wind_kmh
//
// HTML, when given, is an html/template (values escaped); otherwise the
// e-mail's HTML is the Text in a plain layout, a paragraph per blank line.
type Template struct {
	Subject, Text, HTML string
	// SMS is the text message; SMSShort a shorter one, sent when SMS
	// would take more segments than allowed (DeliveryPolicy.MaxSegments).
	SMS, SMSShort string
	PushTitle     string
	PushBody      string
	InAppTitle    string
	InAppBody     string
}

// KindTemplates are a kind's templates: the variables its data must give
// (checked before any template runs), and a Template per language.
type KindTemplates struct {
	Vars      []string
	Languages map[Language]Template
}

// TemplateError refuses a message whose templates cannot be rendered: a
// variable the data lacks, a kind or language without templates, a
// value a function cannot read. It wraps ErrInvalid.
type TemplateError struct {
	Kind     Kind
	Language Language
	// Part is the template that failed ("sms", "email subject" …), Var
	// the missing variable; either may be empty.
	Part string
	Var  string
	Err  error
}

func (e *TemplateError) Error() string {
	s := fmt.Sprintf("notify: template %s/%s", e.Kind, e.Language)
	if e.Part != "" {
		s += " " + e.Part
	}
	if e.Var != "" {
		s += fmt.Sprintf(": variable %q missing", e.Var)
	}
	if e.Err != nil {
		s += ": " + e.Err.Error()
	}
	return s
}

func (e *TemplateError) Unwrap() []error {
	if e.Err == nil {
		return []error{ErrInvalid}
	}
	return []error{ErrInvalid, e.Err}
}

// Templates are the compiled templates of every kind and language. They
// are safe for concurrent use.
type Templates struct {
	kinds map[Kind]*kindSet
}

type kindSet struct {
	vars  []string
	langs map[Language]*compiled
}

type compiled struct {
	text map[string]*template.Template // by part
	html *htmltemplate.Template        // nil: the layout
}

// The parts of a Template, as named in errors.
const (
	partSubject    = "email subject"
	partText       = "email text"
	partSMS        = "sms"
	partSMSShort   = "sms short"
	partPushTitle  = "push title"
	partPushBody   = "push body"
	partInAppTitle = "in-app title"
	partInAppBody  = "in-app body"
	partHTML       = "email html"
)

func (t Template) parts() map[string]string {
	return map[string]string{
		partSubject: t.Subject, partText: t.Text, partSMS: t.SMS, partSMSShort: t.SMSShort,
		partPushTitle: t.PushTitle, partPushBody: t.PushBody, partInAppTitle: t.InAppTitle, partInAppBody: t.InAppBody,
	}
}

// NewTemplates compiles templates. Every part of every Template must
// parse; an empty part falls back to another (SMSShort to SMS, push and
// in-app texts to each other, the subject to the push title). An error
// names the kind, language and part.
func NewTemplates(defs map[Kind]KindTemplates) (*Templates, error) {
	ts := &Templates{kinds: map[Kind]*kindSet{}}
	for kind, def := range defs {
		set := &kindSet{vars: slices.Clone(def.Vars), langs: map[Language]*compiled{}}
		for lang, t := range def.Languages {
			t = t.withFallbacks()
			c := &compiled{text: map[string]*template.Template{}}
			for part, src := range t.parts() {
				tt, err := template.New(part).Option("missingkey=error").Funcs(placeholderFuncs).Parse(src)
				if err != nil {
					return nil, &TemplateError{Kind: kind, Language: lang, Part: part, Err: err}
				}
				c.text[part] = tt
			}
			if t.HTML != "" {
				ht, err := htmltemplate.New(partHTML).Option("missingkey=error").Funcs(placeholderFuncs).Parse(t.HTML)
				if err != nil {
					return nil, &TemplateError{Kind: kind, Language: lang, Part: partHTML, Err: err}
				}
				c.html = ht
			}
			set.langs[lang] = c
		}
		ts.kinds[kind] = set
	}
	return ts, nil
}

func (t Template) withFallbacks() Template {
	t.SMSShort = cmpOr(t.SMSShort, t.SMS)
	t.PushTitle = cmpOr(t.PushTitle, t.InAppTitle, t.Subject)
	t.PushBody = cmpOr(t.PushBody, t.InAppBody, t.SMS)
	t.InAppTitle = cmpOr(t.InAppTitle, t.PushTitle)
	t.InAppBody = cmpOr(t.InAppBody, t.PushBody)
	t.Subject = cmpOr(t.Subject, t.PushTitle)
	t.Text = cmpOr(t.Text, t.InAppBody)
	t.SMS = cmpOr(t.SMS, t.Text)
	return t
}

func cmpOr(s ...string) string {
	for _, v := range s {
		if v != "" {
			return v
		}
	}
	return ""
}

// Kinds lists the kinds with templates, sorted.
func (ts *Templates) Kinds() []Kind { return slices.Sorted(maps.Keys(ts.kinds)) }

// Vars returns the variables a kind's data must give.
func (ts *Templates) Vars(kind Kind) []string {
	if s, ok := ts.kinds[kind]; ok {
		return slices.Clone(s.vars)
	}
	return nil
}

// Rendered is a message's texts for one channel: an e-mail's Subject,
// Text and HTML; an SMS's Text (and Short, its shorter variant); a push
// or in-app message's Title and Text.
type Rendered struct {
	Subject, Text, HTML, Title string
	Short                      string
}

// Render renders kind's templates for ch in f's language with data. A
// variable of the kind missing from data, a kind or language without
// templates, a template that fails: a *TemplateError, before anything is
// sent. English templates stand in for a language a kind lacks.
func (ts *Templates) Render(kind Kind, ch Channel, data map[string]string, f Format) (Rendered, error) {
	in := make(map[string]any, len(data)+2)
	in["name"], in["project"] = "", ""
	for k, v := range data {
		in[k] = v
	}
	return ts.render(kind, ch, in, f)
}

func (ts *Templates) render(kind Kind, ch Channel, data map[string]any, f Format) (Rendered, error) {
	f.Language = cmpLang(f.Language)
	set, ok := ts.kinds[kind]
	if !ok {
		return Rendered{}, &TemplateError{Kind: kind, Language: f.Language, Err: errors.New("no templates for this kind")}
	}
	c, ok := set.langs[f.Language]
	if !ok {
		if c, ok = set.langs[English]; !ok {
			return Rendered{}, &TemplateError{Kind: kind, Language: f.Language, Err: errors.New("no templates in this language or in English")}
		}
	}
	for _, v := range set.vars {
		if s, ok := data[v]; !ok || s == "" {
			return Rendered{}, &TemplateError{Kind: kind, Language: f.Language, Var: v}
		}
	}
	funcs := formatFuncs(f)
	run := func(part string) (string, error) {
		t, err := c.text[part].Clone()
		if err == nil {
			var b bytes.Buffer
			if err = t.Funcs(funcs).Execute(&b, data); err == nil {
				return strings.TrimSpace(b.String()), nil
			}
		}
		return "", &TemplateError{Kind: kind, Language: f.Language, Part: part, Err: err}
	}
	var r Rendered
	var err error
	switch ch {
	case Email:
		if r.Subject, err = run(partSubject); err != nil {
			return r, err
		}
		if r.Text, err = run(partText); err != nil {
			return r, err
		}
		r.HTML, err = c.renderHTML(kind, f, data, funcs, r)
	case SMS:
		if r.Text, err = run(partSMS); err != nil {
			return r, err
		}
		r.Short, err = run(partSMSShort)
	case Push:
		if r.Title, err = run(partPushTitle); err != nil {
			return r, err
		}
		r.Text, err = run(partPushBody)
	case InApp:
		if r.Title, err = run(partInAppTitle); err != nil {
			return r, err
		}
		r.Text, err = run(partInAppBody)
	default:
		err = &TemplateError{Kind: kind, Language: f.Language, Err: fmt.Errorf("no channel %q", ch)}
	}
	return r, err
}

// layout is the e-mail HTML of a template without its own.
var layout = htmltemplate.Must(htmltemplate.New("layout").Parse(`<!DOCTYPE html>
<html lang="{{.Lang}}"><head><meta charset="utf-8"><title>{{.Subject}}</title></head>
<body style="font-family: sans-serif; line-height: 1.5">
{{range .Paragraphs}}<p>{{range $i, $l := .}}{{if $i}}<br>{{end}}{{$l}}{{end}}</p>
{{end}}</body></html>
`))

func (c *compiled) renderHTML(kind Kind, f Format, data map[string]any, funcs template.FuncMap, r Rendered) (string, error) {
	var b bytes.Buffer
	if c.html != nil {
		t, err := c.html.Clone()
		if err == nil {
			err = t.Funcs(htmltemplate.FuncMap(funcs)).Execute(&b, data)
		}
		if err != nil {
			return "", &TemplateError{Kind: kind, Language: f.Language, Part: partHTML, Err: err}
		}
		return b.String(), nil
	}
	var paras [][]string
	for p := range strings.SplitSeq(r.Text, "\n\n") {
		if p = strings.TrimSpace(p); p != "" {
			paras = append(paras, strings.Split(p, "\n"))
		}
	}
	err := layout.Execute(&b, struct {
		Lang, Subject string
		Paragraphs    [][]string
	}{cmpOr(string(f.Language), string(English)), r.Subject, paras})
	return b.String(), err
}

// Preview is a notification as each channel would carry it, with the
// SMS's segments and the push payload's size: what a person sees before
// anything is sent.
type Preview struct {
	Kind   Kind   `json:"kind"`
	Format Format `json:"format"`
	Email  struct {
		Subject string `json:"subject"`
		Text    string `json:"text"`
		HTML    string `json:"html"`
	} `json:"email"`
	SMS struct {
		Text      string  `json:"text"`
		Info      SMSInfo `json:"info"`
		Short     string  `json:"short"`
		ShortInfo SMSInfo `json:"short_info"`
	} `json:"sms"`
	Push struct {
		Title string `json:"title"`
		Body  string `json:"body"`
		// Size is the payload's size in bytes (PayloadSize).
		Size int `json:"size"`
	} `json:"push"`
	InApp struct {
		Title string `json:"title"`
		Body  string `json:"body"`
	} `json:"inapp"`
}

// Preview renders kind with data on every channel in format f, or
// returns the first *TemplateError.
func (ts *Templates) Preview(kind Kind, data map[string]string, f Format) (*Preview, error) {
	p := &Preview{Kind: kind, Format: f}
	e, err := ts.Render(kind, Email, data, f)
	if err != nil {
		return nil, err
	}
	p.Email.Subject, p.Email.Text, p.Email.HTML = e.Subject, e.Text, e.HTML
	s, err := ts.Render(kind, SMS, data, f)
	if err != nil {
		return nil, err
	}
	p.SMS.Text, p.SMS.Info, p.SMS.Short, p.SMS.ShortInfo = s.Text, CountSMS(s.Text), s.Short, CountSMS(s.Short)
	pu, err := ts.Render(kind, Push, data, f)
	if err != nil {
		return nil, err
	}
	p.Push.Title, p.Push.Body = pu.Title, pu.Text
	p.Push.Size = PayloadSize(&Message{Title: pu.Title, Text: pu.Text})
	in, err := ts.Render(kind, InApp, data, f)
	if err != nil {
		return nil, err
	}
	p.InApp.Title, p.InApp.Body = in.Title, in.Text
	return p, nil
}
