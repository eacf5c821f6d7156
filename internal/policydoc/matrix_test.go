package policydoc_test

import (
	"context"
	"errors"
	"go/ast"
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	"github.com/osallisuus/osallisuus/expert"
	"github.com/osallisuus/osallisuus/feedback"
	"github.com/osallisuus/osallisuus/internal/policydoc"
	"github.com/osallisuus/osallisuus/panel"
	p "github.com/osallisuus/osallisuus/participation"
)

// TestAuthorizationMatrix runs every action of every module with every
// role through the store's gate and checks the outcome against the
// README's policy table (PART-7): allowed roles reach the command,
// others get EFORBIDDEN and change nothing.
func TestAuthorizationMatrix(t *testing.T) {
	ctx := context.Background()
	s, err := p.Open(ctx, &p.Config{Modules: []p.Module{panel.Module(), feedback.Module(nil), expert.Module(nil)}})
	require.NoError(t, err)
	doc := policydoc.Table(t)
	reached := errors.New("reached the command")
	actions := s.Policy().Actions()
	require.Len(t, doc, len(actions), "the README's table and the registered actions are the same set")
	cells := 0
	for _, action := range actions {
		allowed, ok := doc[action]
		require.True(t, ok, "README has no row for %s", action)
		for _, role := range p.Roles {
			actor := p.Actor{ID: p.MustParseID("0190fa00-0000-7000-8000-000000000001"), Role: role}
			if role == p.RoleAnonymous {
				actor.ID = p.ID{}
			}
			err := s.Exec(ctx, actor, action, func(tx *p.Tx) error { return reached })
			if slices.Contains(allowed, role) {
				assert.ErrorIs(t, err, reached, "%s as %s", action, role)
			} else {
				assert.Equal(t, p.EFORBIDDEN, p.ErrorCode(err), "%s as %s", action, role)
			}
			cells++
		}
	}
	head, _ := s.Head()
	assert.Zero(t, head, "no cell of the matrix changed anything")
	t.Logf("%d actions × %d roles = %d cells checked", len(actions), len(p.Roles), cells)
}

// TestEveryCommandIsGated reads the library's source: every exported
// function or method that takes a participation.Actor must run through
// Store.Exec (or Policy.Authorize) with an action of the README's table.
// A new command that skips the gate, or uses an action the matrix does
// not cover, fails here.
func TestEveryCommandIsGated(t *testing.T) {
	root := filepath.Join("..", "..")
	doc := policydoc.Table(t)
	known := map[string]p.Action{}
	s, err := p.Open(context.Background(), &p.Config{Modules: []p.Module{panel.Module(), feedback.Module(nil), expert.Module(nil)}})
	require.NoError(t, err)
	_ = s
	// Action constants by name, from the packages' source.
	commands := 0
	type command struct {
		name  string
		gated bool
		calls []string
	}
	var all []*command
	for _, dir := range []string{"participation", "panel", "feedback", "expert"} {
		fset := token.NewFileSet()
		pkgs, err := parser.ParseDir(fset, filepath.Join(root, dir), func(fi os.FileInfo) bool { return !strings.HasSuffix(fi.Name(), "_test.go") }, 0)
		require.NoError(t, err)
		for _, pkg := range pkgs {
			for _, f := range pkg.Files {
				for _, d := range f.Decls {
					if gd, ok := d.(*ast.GenDecl); ok && gd.Tok == token.CONST {
						for _, spec := range gd.Specs {
							vs := spec.(*ast.ValueSpec)
							for i, n := range vs.Names {
								if strings.HasPrefix(n.Name, "Action") && i < len(vs.Values) {
									if lit, ok := vs.Values[i].(*ast.BasicLit); ok {
										known[n.Name] = p.Action(strings.Trim(lit.Value, `"`))
									}
								}
							}
						}
					}
				}
			}
			for _, f := range pkg.Files {
				for _, d := range f.Decls {
					fn, ok := d.(*ast.FuncDecl)
					if !ok || !fn.Name.IsExported() || !takesActor(fn) {
						continue
					}
					if dir == "participation" && (fn.Name.Name == "Exec" || fn.Name.Name == "Authorize") {
						continue // the gate itself
					}
					commands++
					cmd := &command{name: dir + "." + fn.Name.Name}
					all = append(all, cmd)
					gated := false
					ast.Inspect(fn.Body, func(n ast.Node) bool {
						call, ok := n.(*ast.CallExpr)
						if !ok {
							return true
						}
						sel, ok := call.Fun.(*ast.SelectorExpr)
						if !ok {
							return true
						}
						cmd.calls = append(cmd.calls, dir+"."+sel.Sel.Name)
						if sel.Sel.Name != "Exec" && sel.Sel.Name != "Authorize" && sel.Sel.Name != "advance" {
							return true
						}
						for _, arg := range call.Args {
							name := identName(arg)
							if a, ok := known[name]; ok {
								gated = true
								_, inDoc := doc[a]
								assert.True(t, inDoc, "%s.%s uses %s (%s), which the README's table lacks", dir, fn.Name.Name, name, a)
							}
						}
						return true
					})
					cmd.gated = gated
				}
			}
		}
	}
	// A command may hand over to another gated command of its package.
	byName := map[string]*command{}
	for _, c := range all {
		byName[c.name] = c
	}
	for changed := true; changed; {
		changed = false
		for _, c := range all {
			for _, callee := range c.calls {
				if d, ok := byName[callee]; ok && d.gated && !c.gated {
					c.gated, changed = true, true
				}
			}
		}
	}
	for _, c := range all {
		assert.True(t, c.gated, "%s takes an actor but runs no gated action", c.name)
	}
	assert.Greater(t, commands, 50)
	t.Logf("%d commands read, each gated by an action of the table", commands)
}

func takesActor(fn *ast.FuncDecl) bool {
	for _, f := range fn.Type.Params.List {
		switch ty := f.Type.(type) {
		case *ast.SelectorExpr:
			if ty.Sel.Name == "Actor" {
				return true
			}
		case *ast.Ident:
			if ty.Name == "Actor" {
				return true
			}
		}
	}
	return false
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
