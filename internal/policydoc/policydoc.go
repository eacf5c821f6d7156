// Package policydoc checks that the role policy table in the README says
// what the code does, so the two cannot drift apart.
package policydoc

import (
	"os"
	"path/filepath"
	"regexp"
	"slices"
	"strings"
	"testing"

	p "github.com/osallisuus/osallisuus/participation"
)

var row = regexp.MustCompile("^\\| `([a-z_.]+)` \\| ([a-z_, ]+) \\|")

// Table reads the README's policy rows: action → roles.
func Table(tb testing.TB) map[p.Action][]p.Role {
	tb.Helper()
	dir, err := os.Getwd()
	if err != nil {
		tb.Fatal(err)
	}
	var b []byte
	for {
		if b, err = os.ReadFile(filepath.Join(dir, "README.md")); err == nil {
			if strings.Contains(string(b), "module github.com/osallisuus/osallisuus") || fileExists(filepath.Join(dir, "go.mod")) {
				break
			}
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			tb.Fatal("README.md of the module not found")
		}
		dir = parent
	}
	out := map[p.Action][]p.Role{}
	for _, line := range strings.Split(string(b), "\n") {
		m := row.FindStringSubmatch(line)
		if m == nil {
			continue
		}
		var roles []p.Role
		for _, r := range strings.Split(m[2], ",") {
			roles = append(roles, p.Role(strings.TrimSpace(r)))
		}
		out[p.Action(m[1])] = roles
	}
	return out
}

func fileExists(path string) bool {
	_, err := os.Stat(path)
	return err == nil
}

// Check fails tb unless every action of policy whose name starts with one
// of prefixes has a README row listing exactly its roles.
func Check(tb testing.TB, policy *p.Policy, prefixes ...string) {
	tb.Helper()
	doc := Table(tb)
	n := 0
	for _, a := range policy.Actions() {
		if !slices.ContainsFunc(prefixes, func(pre string) bool { return strings.HasPrefix(string(a), pre) }) {
			continue
		}
		n++
		want := policy.Roles(a)
		got, ok := doc[a]
		if !ok {
			tb.Errorf("README's policy table has no row for %s (roles: %v)", a, want)
			continue
		}
		if !slices.Equal(want, got) {
			tb.Errorf("README says %s is for %v; the code allows %v", a, got, want)
		}
	}
	if n == 0 {
		tb.Errorf("no action starts with %v", prefixes)
	}
}
