//go:build !(js && wasm)

package api_test

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"strconv"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/api"
)

// TestAccessFollowsTheSource reads the package's source: a method whose
// body asks for an actor (a.actor, so the role policy decides) has the
// access policy, and every other has open, own or staff. A new method
// that changes something without being listed as a write, or a listed
// write that never asks the policy, fails here.
func TestAccessFollowsTheSource(t *testing.T) {
	files, err := filepath.Glob("*.go")
	require.NoError(t, err)
	fset := token.NewFileSet()
	asks := map[string]bool{}
	for _, f := range files {
		file, err := parser.ParseFile(fset, f, nil, 0)
		require.NoError(t, err)
		ast.Inspect(file, func(n ast.Node) bool {
			call, ok := n.(*ast.CallExpr)
			if !ok || len(call.Args) != 2 {
				return true
			}
			if id, ok := call.Fun.(*ast.Ident); !ok || id.Name != "method" {
				if ix, ok := call.Fun.(*ast.IndexExpr); !ok || ix.X.(*ast.Ident).Name != "method" {
					return true
				}
			}
			lit, ok := call.Args[0].(*ast.BasicLit)
			if !ok {
				return true
			}
			name, _ := strconv.Unquote(lit.Value)
			asks[name] = false
			ast.Inspect(call.Args[1], func(m ast.Node) bool {
				if sel, ok := m.(*ast.SelectorExpr); ok && sel.Sel.Name == "actor" {
					asks[name] = true
				}
				return true
			})
			return true
		})
	}
	require.NotEmpty(t, asks)
	for _, m := range api.Describe() {
		ask, ok := asks[m.Name]
		require.True(t, ok, "method %s found in the source", m.Name)
		assert.Equal(t, ask, m.Access == api.AccessPolicy, "%s: asks the policy for an actor = %v, but its access is %s", m.Name, ask, m.Access)
	}
}
