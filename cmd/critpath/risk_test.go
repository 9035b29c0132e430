package main

import (
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

const riskDoc = `{
  "project": "slab.json",
  "durations": [
    {"task": "F", "pert": [2, 3, 6]},
    {"task": "R", "triangle": [1, 2, 4]},
    {"task": "K", "trigen": [6, 7, 10], "percentiles": [10, 90]}
  ],
  "risks": [{"id": "RAIN", "probability": 0.3, "impact": {"fixed": 2}, "tasks": ["C"]}],
  "correlations": [{"a": "F", "b": "R", "rank": 0.5}]
}`

func TestRisk(t *testing.T) {
	proj := write(t, "slab.json", smallProject)
	doc := filepath.Join(filepath.Dir(proj), "risk.json")
	writeAt(t, doc, riskDoc)
	code, out, errOut := runCLI("risk", "--iterations", "2000", "--seed", "3", doc)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	for _, want := range []string{"Slab: 2000 iterations, seed 3", "finish as planned Wed 2027-01-13 17:00", "P80", "risk score", "contingency at P80", "(project)", "driven by", "high-risk tasks"} {
		if !strings.Contains(out, want) {
			t.Errorf("output lacks %q:\n%s", want, out)
		}
	}
	code, out1, errOut := runCLI("risk", "--iterations", "2000", "--seed", "3", "--json", "--workers", "1", doc)
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errOut)
	}
	_, out2, _ := runCLI("risk", "--iterations", "2000", "--seed", "3", "--json", "--workers", "3", doc)
	if out1 != out2 {
		t.Error("--json differs between 1 and 3 workers")
	}
	var got struct {
		Iterations int `json:"iterations"`
		Project    struct {
			Deterministic float64 `json:"deterministic_days"`
		} `json:"project"`
		Contingency []struct {
			Days float64 `json:"days"`
		} `json:"contingency"`
		Tasks []struct {
			Task string `json:"task"`
		} `json:"tasks"`
	}
	if err := json.Unmarshal([]byte(out1), &got); err != nil {
		t.Fatal(err)
	}
	if got.Iterations != 2000 || got.Project.Deterministic != 9 || len(got.Contingency) == 0 || got.Contingency[0].Days <= 0 || len(got.Tasks) != 5 {
		t.Errorf("JSON %+v", got)
	}
}

func TestRiskErrors(t *testing.T) {
	proj := write(t, "slab.json", smallProject)
	dir := filepath.Dir(proj)
	for _, c := range []struct{ doc, want string }{
		{`{"project": "slab.json", "durations": [{"task": "F", "pert": [3, 2, 6]}]}`, "durations[0] (F): pert"},
		{`{"project": "slab.json", "durations": [{"task": "X", "fixed": 2}]}`, `durations[0].task: no task "X"`},
		{`{"project": "slab.json", "durations": [{"task": "F", "fixed": 2, "uniform": [1, 2]}]}`, "2 distributions given"},
		{`{"project": "slab.json", "risks": [{"probability": 1.5, "impact": {"fixed": 1}, "tasks": ["F"]}]}`, "risks[0].probability 1.5"},
		{`{"project": "missing.json"}`, "missing.json"},
		{`{"durations": []}`, "project: missing"},
		{`{"project": "slab.json", "colour": "red"}`, `unknown field "colour"`},
		{"{\n\"project\": \"slab.json\",\n,}", "line 3"},
	} {
		doc := filepath.Join(dir, "bad.json")
		writeAt(t, doc, c.doc)
		code, _, errOut := runCLI("risk", "--iterations", "10", doc)
		if code != 1 || !strings.Contains(errOut, c.want) {
			t.Errorf("%s: exit %d, %q; want 1 and %q", c.doc, code, errOut, c.want)
		}
	}
	if code, _, _ := runCLI("risk", "--iterations", "0", proj); code != 2 {
		t.Errorf("--iterations 0: exit %d, want 2", code)
	}
}

func writeAt(t *testing.T, path, content string) {
	t.Helper()
	if err := os.WriteFile(path, []byte(content), 0o644); err != nil {
		t.Fatal(err)
	}
}
