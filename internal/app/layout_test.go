package app

import (
	"os"
	"os/exec"
	"slices"
	"strings"
	"testing"
)

const module = "github.com/treffpunkt/treffpunkt/"

// goList runs `go list` in the module's root and returns its lines.
func goList(t *testing.T, args ...string) []string {
	t.Helper()
	cmd := exec.Command("go", append([]string{"list"}, args...)...)
	cmd.Dir = "../.."
	out, err := cmd.Output()
	if err != nil {
		t.Fatalf("go list %v: %v", args, err)
	}
	return strings.Fields(string(out))
}

// TestDependencyRules keeps the direction data flows in (scrapers → ingest
// → store → search/graph/calendar/review) and the domain at the bottom. A
// rule names a package, whether all its dependencies or only its own
// imports count, and what it must not reach.
func TestDependencyRules(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the module")
	}
	for _, r := range []struct {
		pkg    string
		direct bool     // only the package's own imports, not their dependencies
		forbid []string // prefixes; "ours" is every package of the module
		except []string
		why    string
	}{
		{pkg: "internal/event", forbid: []string{"ours"}, except: []string{"internal/event"},
			why: "the domain depends on nothing of ours"},
		{pkg: "internal/metrics", forbid: []string{"ours"}, except: []string{"internal/metrics"},
			why: "metrics only counts; what a page's outcome is, is scrapers' to say"},
		{pkg: "internal/source", forbid: []string{"ours"}, except: []string{"internal/source", "internal/event"},
			why: "the sources domain type knows only the domain"},
		{pkg: "scrapers", forbid: []string{"internal/ingest", "internal/store", "internal/search", "internal/jobs", "graph"},
			why: "a scraper reports what the page said; storing it is ingest's"},
		{pkg: "internal/store", forbid: []string{"internal/ingest", "internal/search", "internal/jobs", "graph", "scrapers", "internal/review"},
			why: "storage is below the pipeline and its readers"},
		{pkg: "graph", direct: true, forbid: []string{"github.com/jackc/pgx"},
			why: "resolvers delegate; SQL lives in internal/store"},
	} {
		listing := []string{"-deps"}
		if r.direct {
			listing = []string{"-f", `{{join .Imports "\n"}}`}
		}
		for _, dep := range goList(t, append(listing, "./"+r.pkg)...) {
			ours, found := strings.CutPrefix(dep, module)
			if slices.Contains(r.except, ours) {
				continue
			}
			for _, f := range r.forbid {
				if (f == "ours" && found) || (found && strings.HasPrefix(ours, f)) || strings.HasPrefix(dep, f) {
					t.Errorf("%s depends on %s: %s", r.pkg, dep, r.why)
				}
			}
		}
	}
	// The composition root is imported by the binary alone (and apptest,
	// which starts it in tests).
	for _, line := range goList(t, "-f", `{{.ImportPath}}:{{join .Imports ","}}`, "./...") {
		pkg, imports, _ := strings.Cut(line, ":")
		if pkg != module+"cmd/treffpunkt" && pkg != module+"internal/app/apptest" && slices.Contains(strings.Split(imports, ","), module+"internal/app") {
			t.Errorf("%s imports internal/app: only cmd/treffpunkt builds the process", pkg)
		}
	}
}

// TestREADMELayout: the README's Layout section lists every package of the
// module on a line of its own, and nothing that is not one.
func TestREADMELayout(t *testing.T) {
	if testing.Short() {
		t.Skip("runs go list over the module")
	}
	b, err := os.ReadFile("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	_, section, ok := strings.Cut(string(b), "\n## Layout\n")
	if !ok {
		t.Fatal("README.md has no Layout section")
	}
	_, block, _ := strings.Cut(section, "```\n")
	block, _, _ = strings.Cut(block, "```")
	listed := map[string]bool{}
	for _, line := range strings.Split(block, "\n") {
		if f := strings.Fields(line); len(f) > 0 {
			listed[strings.TrimSuffix(f[0], "/")] = true
		}
	}
	for _, pkg := range goList(t, "./...") {
		dir := strings.TrimPrefix(pkg, module)
		if !listed[dir] {
			t.Errorf("README.md's Layout lacks %s/", dir)
		}
		delete(listed, dir)
	}
	for dir := range listed {
		t.Errorf("README.md's Layout lists %s/, which is not a package", dir)
	}
}
