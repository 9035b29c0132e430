package notify

import "maps"

// DefaultTemplates returns the package's templates: every Kind in English
// and Bangla, every channel. They compile (a test checks), so the error
// NewTemplates could return cannot happen here.
func DefaultTemplates() *Templates {
	ts, err := NewTemplates(defaultTemplates)
	if err != nil {
		panic(err) // the package's own templates; a test parses them
	}
	return ts
}

// DefaultTemplateDefs returns the definitions DefaultTemplates compiles,
// for a caller that changes some and compiles them with NewTemplates.
func DefaultTemplateDefs() map[Kind]KindTemplates {
	m := make(map[Kind]KindTemplates, len(defaultTemplates))
	for k, v := range defaultTemplates {
		langs := make(map[Language]Template, len(v.Languages))
		maps.Copy(langs, v.Languages)
		m[k] = KindTemplates{Vars: append([]string(nil), v.Vars...), Languages: langs}
	}
	return m
}

var defaultTemplates = map[Kind]KindTemplates{
	TaskAssigned: {
		Vars: []string{"task", "start"},
		Languages: map[Language]Template{
			English: {
				Subject: `[{{.project}}] You are assigned to {{.task}}`,
				Text: `{{greeting .name}}

You are assigned to "{{.task}}" on {{.project}}, starting {{date .start}}.{{with index . "finish"}} It is planned to finish {{date .}}.{{end}}`,
				SMS:        `{{.project}}: you are assigned to "{{.task}}", starting {{date .start}}.`,
				SMSShort:   `Assigned: {{.task}}, {{date .start}}`,
				PushTitle:  `New task: {{.task}}`,
				PushBody:   `{{.project}}: starts {{date .start}}`,
				InAppTitle: `You are assigned to {{.task}}`,
				InAppBody:  `Starts {{date .start}}{{with index . "finish"}}, planned to finish {{date .}}{{end}}.`,
			},
			Bangla: {
				Subject: `[{{.project}}] আপনাকে নতুন কাজ দেওয়া হয়েছে: {{.task}}`,
				Text: `{{greeting .name}}

{{.project}} প্রকল্পে আপনাকে "{{.task}}" কাজটি দেওয়া হয়েছে। কাজ শুরু {{date .start}}।{{with index . "finish"}} শেষ হওয়ার কথা {{date .}}।{{end}}`,
				SMS:        `{{.project}}: আপনাকে "{{.task}}" কাজটি দেওয়া হয়েছে, শুরু {{date .start}}।`,
				SMSShort:   `নতুন কাজ: {{.task}}, {{date .start}}`,
				PushTitle:  `নতুন কাজ: {{.task}}`,
				PushBody:   `{{.project}}: শুরু {{date .start}}`,
				InAppTitle: `আপনাকে নতুন কাজ দেওয়া হয়েছে: {{.task}}`,
				InAppBody:  `শুরু {{date .start}}{{with index . "finish"}}, শেষ হওয়ার কথা {{date .}}{{end}}।`,
			},
		},
	},
	DeadlineNear: {
		Vars: []string{"task", "deadline", "days"},
		Languages: map[Language]Template{
			English: {
				Subject: `[{{.project}}] {{.task}} is due {{date .deadline}}`,
				Text: `{{greeting .name}}

"{{.task}}" on {{.project}} is due {{date .deadline}}: {{workdays .days}} left.`,
				SMS:        `{{.project}}: "{{.task}}" is due {{date .deadline}}, {{workdays .days}} left.`,
				SMSShort:   `Due {{date .deadline}}: {{.task}}`,
				PushTitle:  `Due {{date .deadline}}: {{.task}}`,
				PushBody:   `{{.project}}: {{workdays .days}} left`,
				InAppTitle: `{{.task}} is due {{date .deadline}}`,
				InAppBody:  `{{workdays .days}} left.`,
			},
			Bangla: {
				Subject: `[{{.project}}] "{{.task}}" শেষ করার তারিখ {{date .deadline}}`,
				Text: `{{greeting .name}}

{{.project}} প্রকল্পের "{{.task}}" কাজটি {{date .deadline}} তারিখের মধ্যে শেষ করতে হবে; হাতে আছে আর {{workdays .days}}।`,
				SMS:        `{{.project}}: "{{.task}}" শেষ করতে হবে {{date .deadline}} তারিখের মধ্যে, বাকি {{workdays .days}}।`,
				SMSShort:   `শেষ তারিখ {{date .deadline}}: {{.task}}`,
				PushTitle:  `শেষ তারিখ {{date .deadline}}: {{.task}}`,
				PushBody:   `{{.project}}: বাকি {{workdays .days}}`,
				InAppTitle: `"{{.task}}" শেষ করার তারিখ {{date .deadline}}`,
				InAppBody:  `বাকি {{workdays .days}}।`,
			},
		},
	},
	DeadlinePast: {
		Vars: []string{"task", "deadline", "days"},
		Languages: map[Language]Template{
			English: {
				Subject: `[{{.project}}] {{.task}} is past its deadline`,
				Text: `{{greeting .name}}

"{{.task}}" on {{.project}} was due {{date .deadline}} and is {{workdays .days}} late.`,
				SMS:        `{{.project}}: "{{.task}}" was due {{date .deadline}}, now {{workdays .days}} late.`,
				SMSShort:   `Overdue: {{.task}} ({{date .deadline}})`,
				PushTitle:  `Overdue: {{.task}}`,
				PushBody:   `Was due {{date .deadline}}, {{workdays .days}} late`,
				InAppTitle: `{{.task}} is past its deadline`,
				InAppBody:  `Was due {{date .deadline}}; {{workdays .days}} late.`,
			},
			Bangla: {
				Subject: `[{{.project}}] "{{.task}}" কাজের নির্ধারিত তারিখ পেরিয়ে গেছে`,
				Text: `{{greeting .name}}

{{.project}} প্রকল্পের "{{.task}}" কাজটি {{date .deadline}} তারিখের মধ্যে শেষ হওয়ার কথা ছিল; এখন {{workdays .days}} দেরি।`,
				SMS:        `{{.project}}: "{{.task}}" শেষ হওয়ার কথা ছিল {{date .deadline}}, এখন {{workdays .days}} দেরি।`,
				SMSShort:   `দেরি: {{.task}} ({{date .deadline}})`,
				PushTitle:  `সময় পেরিয়ে গেছে: {{.task}}`,
				PushBody:   `শেষ তারিখ ছিল {{date .deadline}}, {{workdays .days}} দেরি`,
				InAppTitle: `"{{.task}}" কাজের নির্ধারিত তারিখ পেরিয়ে গেছে`,
				InAppBody:  `শেষ তারিখ ছিল {{date .deadline}}; {{workdays .days}} দেরি।`,
			},
		},
	},
	ResourceConflict: {
		Vars: []string{"resource", "from", "to", "tasks"},
		Languages: map[Language]Template{
			English: {
				Subject: `[{{.project}}] {{.resource}} is over-allocated`,
				Text: `{{greeting .name}}

{{.resource}} is over-allocated from {{date .from}} to {{date .to}}{{with index . "excess"}}, by {{num .}} units{{end}}: {{.tasks}} need it at the same time.`,
				SMS:        `{{.project}}: {{.resource}} over-allocated {{date .from}} to {{date .to}}: {{.tasks}}.`,
				SMSShort:   `Conflict: {{.resource}}, {{date .from}}`,
				PushTitle:  `Resource conflict: {{.resource}}`,
				PushBody:   `{{date .from}} to {{date .to}}: {{.tasks}}`,
				InAppTitle: `{{.resource}} is over-allocated`,
				InAppBody:  `{{date .from}} to {{date .to}}: {{.tasks}}.`,
			},
			Bangla: {
				Subject: `[{{.project}}] {{.resource}}: একই সময়ে একাধিক কাজে বরাদ্দ`,
				Text: `{{greeting .name}}

{{date .from}} থেকে {{date .to}} পর্যন্ত {{.resource}}-কে যতটা পাওয়া যাবে তার চেয়ে বেশি দরকার{{with index . "excess"}} ({{num .}} একক বেশি){{end}}: {{.tasks}} একই সময়ে চলছে।`,
				SMS:        `{{.project}}: {{date .from}} থেকে {{date .to}} {{.resource}}-এর অতিরিক্ত বরাদ্দ: {{.tasks}}।`,
				SMSShort:   `রিসোর্স সংঘাত: {{.resource}}, {{date .from}}`,
				PushTitle:  `রিসোর্স সংঘাত: {{.resource}}`,
				PushBody:   `{{date .from}} থেকে {{date .to}}: {{.tasks}}`,
				InAppTitle: `{{.resource}}: একই সময়ে একাধিক কাজে বরাদ্দ`,
				InAppBody:  `{{date .from}} থেকে {{date .to}}: {{.tasks}}।`,
			},
		},
	},
	MilestoneCompleted: {
		Vars: []string{"milestone", "date"},
		Languages: map[Language]Template{
			English: {
				Subject: `[{{.project}}] Milestone reached: {{.milestone}}`,
				Text: `{{greeting .name}}

{{.project}} reached the milestone "{{.milestone}}" on {{date .date}}.`,
				SMS:        `{{.project}}: milestone "{{.milestone}}" reached on {{date .date}}.`,
				SMSShort:   `Milestone: {{.milestone}}`,
				PushTitle:  `Milestone reached`,
				PushBody:   `{{.milestone}} ({{.project}})`,
				InAppTitle: `Milestone reached: {{.milestone}}`,
				InAppBody:  `On {{date .date}}.`,
			},
			Bangla: {
				Subject: `[{{.project}}] মাইলফলক অর্জিত: {{.milestone}}`,
				Text: `{{greeting .name}}

{{.project}} প্রকল্প {{date .date}} তারিখে "{{.milestone}}" মাইলফলকে পৌঁছেছে।`,
				SMS:        `{{.project}}: "{{.milestone}}" মাইলফলক অর্জিত, {{date .date}}।`,
				SMSShort:   `মাইলফলক: {{.milestone}}`,
				PushTitle:  `মাইলফলক অর্জিত`,
				PushBody:   `{{.milestone}} ({{.project}})`,
				InAppTitle: `মাইলফলক অর্জিত: {{.milestone}}`,
				InAppBody:  `{{date .date}}।`,
			},
		},
	},
	PermitStatus: {
		Vars: []string{"permit", "authority", "status"},
		Languages: map[Language]Template{
			English: {
				Subject: `[{{.project}}] {{authority .authority}} permit {{status .status}}: {{.permit}}`,
				Text: `{{greeting .name}}

The {{authority .authority}} permit "{{.permit}}" for {{.project}}: {{status .status}}.{{with index . "note"}}

{{.}}{{end}}`,
				SMS:        `{{.project}}: {{authority .authority}} permit "{{.permit}}" {{status .status}}.{{with index . "note"}} {{.}}{{end}}`,
				SMSShort:   `{{authority .authority}}: {{.permit}} {{status .status}}`,
				PushTitle:  `{{authority .authority}}: permit {{status .status}}`,
				PushBody:   `{{.permit}} ({{.project}})`,
				InAppTitle: `{{authority .authority}} permit {{status .status}}: {{.permit}}`,
				InAppBody:  `{{with index . "note"}}{{.}}{{else}}{{.permit}}{{end}}`,
			},
			Bangla: {
				Subject: `[{{.project}}] {{authority .authority}}: "{{.permit}}" {{status .status}}`,
				Text: `{{greeting .name}}

{{.project}} প্রকল্পের "{{.permit}}" ({{authority .authority}}): {{status .status}}।{{with index . "note"}}

{{.}}{{end}}`,
				SMS:        `{{.project}}: {{authority .authority}}-এর "{{.permit}}" {{status .status}}।{{with index . "note"}} {{.}}{{end}}`,
				SMSShort:   `{{authority .authority}}: {{.permit}} {{status .status}}`,
				PushTitle:  `{{authority .authority}}: {{status .status}}`,
				PushBody:   `{{.permit}} ({{.project}})`,
				InAppTitle: `{{authority .authority}}: "{{.permit}}" {{status .status}}`,
				InAppBody:  `{{with index . "note"}}{{.}}{{else}}{{.permit}}{{end}}`,
			},
		},
	},
	WeatherAlert: {
		Vars: []string{"date", "tasks"},
		Languages: map[Language]Template{
			English: {
				Subject: `[{{.project}}] Weather alert for {{date .date}}`,
				Text: `{{greeting .name}}

Bad weather is forecast for {{date .date}}{{weather .}}. Outdoor work planned that day on {{.project}}: {{.tasks}}.`,
				SMS:        `{{.project}}: weather alert for {{date .date}}{{weather .}}. Outdoor work: {{.tasks}}.`,
				SMSShort:   `Weather alert {{date .date}}{{weather .}}`,
				PushTitle:  `Weather alert: {{date .date}}`,
				PushBody:   `{{.project}}{{weather .}}: {{.tasks}}`,
				InAppTitle: `Weather alert for {{date .date}}`,
				InAppBody:  `Bad weather forecast{{weather .}}. Outdoor work: {{.tasks}}.`,
			},
			Bangla: {
				Subject: `[{{.project}}] আবহাওয়া সতর্কতা: {{date .date}}`,
				Text: `{{greeting .name}}

{{date .date}} তারিখে খারাপ আবহাওয়ার পূর্বাভাস রয়েছে{{weather .}}। {{.project}} প্রকল্পে সেদিনের বাইরের কাজ: {{.tasks}}।`,
				SMS:        `{{.project}}: আবহাওয়া সতর্কতা, {{date .date}}{{weather .}}। বাইরের কাজ: {{.tasks}}।`,
				SMSShort:   `আবহাওয়া সতর্কতা {{date .date}}{{weather .}}`,
				PushTitle:  `আবহাওয়া সতর্কতা: {{date .date}}`,
				PushBody:   `{{.project}}{{weather .}}: {{.tasks}}`,
				InAppTitle: `আবহাওয়া সতর্কতা: {{date .date}}`,
				InAppBody:  `খারাপ আবহাওয়ার পূর্বাভাস{{weather .}}। বাইরের কাজ: {{.tasks}}।`,
			},
		},
	},
	Announcement: {
		Vars: []string{"subject", "text"},
		Languages: map[Language]Template{
			English: {
				Subject:    `{{.subject}}`,
				Text:       `{{.text}}`,
				SMS:        `{{.text}}`,
				SMSShort:   `{{.subject}}`,
				PushTitle:  `{{.subject}}`,
				PushBody:   `{{.text}}`,
				InAppTitle: `{{.subject}}`,
				InAppBody:  `{{.text}}`,
			},
		},
	},
	Digest: {
		Vars: []string{"count", "items"},
		Languages: map[Language]Template{
			English: {
				Subject: `[{{.project}}] {{num .count}} updates`,
				Text: `{{greeting .name}}

What happened on {{.project}}:

{{range .items}}- {{.}}
{{end}}`,
				SMS:        `{{.project}}: {{num .count}} updates. {{index .items 0}}{{if gt (len .items) 1}} …{{end}}`,
				SMSShort:   `{{.project}}: {{num .count}} updates`,
				PushTitle:  `{{.project}}: {{num .count}} updates`,
				PushBody:   `{{index .items 0}}{{if gt (len .items) 1}} …{{end}}`,
				InAppTitle: `{{num .count}} updates on {{.project}}`,
				InAppBody:  `{{range $i, $e := .items}}{{if $i}}; {{end}}{{$e}}{{end}}`,
			},
			Bangla: {
				Subject: `[{{.project}}] {{num .count}}টি হালনাগাদ`,
				Text: `{{greeting .name}}

{{.project}} প্রকল্পে যা ঘটেছে:

{{range .items}}- {{.}}
{{end}}`,
				SMS:        `{{.project}}: {{num .count}}টি হালনাগাদ। {{index .items 0}}{{if gt (len .items) 1}} …{{end}}`,
				SMSShort:   `{{.project}}: {{num .count}}টি হালনাগাদ`,
				PushTitle:  `{{.project}}: {{num .count}}টি হালনাগাদ`,
				PushBody:   `{{index .items 0}}{{if gt (len .items) 1}} …{{end}}`,
				InAppTitle: `{{.project}}: {{num .count}}টি হালনাগাদ`,
				InAppBody:  `{{range $i, $e := .items}}{{if $i}}; {{end}}{{$e}}{{end}}`,
			},
		},
	},
}
