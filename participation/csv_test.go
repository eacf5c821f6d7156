//go:build !js

package participation_test

import (
	"bytes"
	"encoding/csv"
	"go/ast"
	"go/parser"
	"go/token"
	"io/fs"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/expert"
	"github.com/osallisuus/osallisuus/feedback"
	p "github.com/osallisuus/osallisuus/participation"
)

// hostileCells are values a spreadsheet would run as formulas or
// commands (OWASP's CSV injection), each accepted by the field it goes
// into.
var hostileCells = []string{`=HYPERLINK("http://example.com/x","klikkaa")`, `+cmd|' /C calc'!A0`, `-2+3+cmd|' /C calc'!A0`, `@SUM(1+1)*cmd|' /C calc'!A0`}

// TestEveryCSVExportIsSafe writes the output of every CSV writer of the
// library with hostile values in every place a caller's text can reach,
// reads every cell back and checks that none begins with =, +, -, @, a
// tab or a carriage return (PRIV-4). The writers are found in the
// source: every function that writes CSV goes through the one helper
// (participation.NewCSVWriter), and each must be exercised here.
func TestEveryCSVExportIsSafe(t *testing.T) {
	writers := csvWriters(t)
	exercised := map[string][]byte{}

	t.Run("PRIV-4_feedback_WriteCSV", func(t *testing.T) {
		e := newFieldsEnv(t)
		for i, h := range hostileCells {
			for range 5 {
				_, err := e.fb.Submit(e.ctx, p.Anonymous, feedback.Submission{Channel: feedback.EForm, Service: h, Rating: feedback.Rating(1 + i%4)})
				require.NoError(t, err, "the service %q is accepted", h)
			}
		}
		endHour(t, e.s, e.clock)
		rep, err := e.fb.Report(e.s.View(), feedback.ReportQuery{From: t0.Truncate(24 * time.Hour), To: t0.AddDate(0, 0, 1)})
		require.NoError(t, err)
		var b bytes.Buffer
		require.NoError(t, feedback.WriteCSV(&b, rep))
		exercised["feedback.WriteCSV"] = b.Bytes()
	})

	t.Run("PRIV-4_feedback_WriteAccountabilityCSV", func(t *testing.T) {
		e := newFieldsEnv(t)
		for _, h := range hostileCells {
			in := input("Aukioloajat iltaisin")
			in.Service = h
			for range 5 {
				_, err := e.s.Submit(e.ctx, staff, in)
				require.NoError(t, err, "the service %q is accepted", h)
			}
		}
		a, err := e.fb.Accountability(feedback.AccountabilityQuery{From: t0.Truncate(24 * time.Hour), To: t0.AddDate(0, 0, 1)})
		require.NoError(t, err)
		var b bytes.Buffer
		require.NoError(t, feedback.WriteAccountabilityCSV(&b, a))
		exercised["feedback.WriteAccountabilityCSV"] = b.Bytes()
	})

	t.Run("PRIV-4_expert_WritePayroll", func(t *testing.T) {
		var totals []expert.Total
		for i, h := range hostileCells {
			totals = append(totals, expert.Total{Expert: p.MustParseID("0190a000-0000-7000-8000-00000000000" + strconv.Itoa(i)), Name: h, Assignments: 1, Hours: 2, Fees: 5000})
		}
		var b bytes.Buffer
		require.NoError(t, expert.WritePayroll(&b, totals))
		exercised["expert.WritePayroll"] = b.Bytes()
	})

	t.Run("PRIV-4_the_helper_itself", func(t *testing.T) {
		var b bytes.Buffer
		w := p.NewCSVWriter(&b)
		for _, h := range append(slices.Clone(hostileCells), "\tsarkain", "\rrivinvaihto", "=", "-") {
			require.NoError(t, w.Write([]string{h, "tavallinen", ""}))
		}
		require.NoError(t, w.Flush())
		exercised["participation.NewCSVWriter"] = b.Bytes()
	})

	cells := 0
	for name, out := range exercised {
		rows, err := csv.NewReader(bytes.NewReader(out)).ReadAll()
		require.NoError(t, err, name)
		seen := map[string]bool{}
		for _, row := range rows {
			for _, cell := range row {
				cells++
				seen[cell] = true
				if cell != "" {
					assert.NotContains(t, "=+-@\t\r", cell[:1], "%s: the cell %q could run as a formula", name, cell)
				}
			}
		}
		for _, h := range hostileCells {
			assert.True(t, seen["'"+h], "%s: the hostile value %q is kept, quoted with an apostrophe", name, h)
		}
	}
	for _, w := range writers {
		if _, ok := exercised[w]; !ok && w != "main.copyFeed" {
			t.Errorf("%s writes CSV but is not exercised by this test", w)
		}
	}
	t.Logf("%d writers found in the source, %d cells read", len(writers), cells)
}

// csvWriters reads the module's source: only the helper may import
// encoding/csv, and every function that calls the helper is returned as
// "package.Function". The feed copy of the loop example (main.copyFeed)
// writes only values the library makes: sequence numbers, times, event
// types, roles and hashes.
func csvWriters(t *testing.T) []string {
	var out []string
	root := ".."
	err := filepath.WalkDir(root, func(path string, d fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		if d.IsDir() && path != root && (strings.HasPrefix(d.Name(), ".") || d.Name() == "web") {
			return filepath.SkipDir
		}
		if d.IsDir() || !strings.HasSuffix(path, ".go") || strings.HasSuffix(path, "_test.go") {
			return nil
		}
		f, err := parser.ParseFile(token.NewFileSet(), path, nil, 0)
		if err != nil {
			return err
		}
		for _, imp := range f.Imports {
			if imp.Path.Value == `"encoding/csv"` {
				assert.Equal(t, filepath.Join("..", "participation", "csv.go"), path, "only the helper writes CSV directly")
			}
		}
		for _, decl := range f.Decls {
			fn, ok := decl.(*ast.FuncDecl)
			if !ok || fn.Body == nil {
				continue
			}
			ast.Inspect(fn.Body, func(n ast.Node) bool {
				if call, ok := n.(*ast.CallExpr); ok && identName(call.Fun) == "NewCSVWriter" {
					out = append(out, f.Name.Name+"."+fn.Name.Name)
				}
				return true
			})
		}
		return nil
	})
	require.NoError(t, err)
	return out
}

func identName(e ast.Expr) string {
	switch v := e.(type) {
	case *ast.Ident:
		return v.Name
	case *ast.SelectorExpr:
		return v.Sel.Name
	}
	return ""
}
