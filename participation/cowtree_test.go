//go:build !(js && wasm)

package participation

import (
	"bytes"
	"encoding/binary"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"testing"
)

// testItem is an item of the tree tests: ordered by k alone (see byK), as
// the rows' tree is, so that a set with a new v replaces.
func testItem(k int, v uint64) keyEntry {
	var e keyEntry
	binary.BigEndian.PutUint64(e.k[:], uint64(k))
	binary.BigEndian.PutUint64(e.id[:], v)
	return e
}

func byK(a, b keyEntry) int { return bytes.Compare(a.k[:], b.k[:]) }

// treeVersion is a copy of a tree and what it held when it was copied.
type treeVersion struct {
	tr    *keyTree
	model []keyEntry
}

// keepVersion keeps tr, with a copy of what it holds, among the
// versions, and returns the copy of tr that the test writes to next.
func keepVersion(versions *[]treeVersion, tr *keyTree, model []keyEntry) *keyTree {
	*versions = append(*versions, treeVersion{tr, slices.Clone(model)})
	return tr.copy()
}

// sameVersions checks that every step-th copy (and the last) still holds
// what it held, after all that was written to the copies made from it.
func sameVersions(t *testing.T, versions []treeVersion, step int) {
	t.Helper()
	for i, v := range versions {
		if i%step == 0 || i == len(versions)-1 {
			sameTree(t, v.tr, v.model)
		}
		if t.Failed() {
			t.Fatalf("the copy after step %d changed", i)
		}
	}
}

// TestCowTree checks the copy-on-write B-tree against a sorted slice:
// random inserts, replacements and deletes (in runs that fill and empty
// the tree, so that every split, borrow and merge happens), every item
// read back, in order from every pivot, and every earlier copy unchanged
// by the writes made after it.
func TestCowTree(t *testing.T) {
	for seed := range uint64(4) {
		t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) {
			rnd := rand.New(rand.NewPCG(seed, 11))
			tr := newCowTree(byK)
			var model []keyEntry
			var versions []treeVersion
			keys := 50 + rnd.IntN(2000)
			for round := range 40 {
				// Fill in some rounds, empty in others, so that the tree
				// grows and shrinks through every height.
				grow := round%4 != 3
				for range 1 + rnd.IntN(300) {
					k := rnd.IntN(keys)
					i, found := slices.BinarySearchFunc(model, testItem(k, 0), byK)
					if grow || rnd.IntN(4) == 0 {
						it := testItem(k, rnd.Uint64())
						old, replaced := tr.set(it)
						if replaced != found || (found && old != model[i]) {
							t.Fatalf("set %d: replaced %v %v, the model %v", k, replaced, old, found)
						}
						if found {
							model[i] = it
						} else {
							model = slices.Insert(model, i, it)
						}
						continue
					}
					old, ok := tr.delete(testItem(k, 0))
					if ok != found || (found && old != model[i]) {
						t.Fatalf("delete %d: %v %v, the model %v", k, ok, old, found)
					}
					if found {
						model = slices.Delete(model, i, i+1)
					}
				}
				sameTree(t, tr, model)
				tr = keepVersion(&versions, tr, model)
				if t.Failed() {
					t.Fatalf("round %d", round)
				}
			}
			sameVersions(t, versions, 1)
		})
	}
}

// TestCowTreeInOrder: trees written as the store writes most of its
// indexes, a few new items at the end at a time (a command), a copy after
// each, and now and then an item replaced or deleted anywhere; the same
// checks as TestCowTree, with most items waiting in fresh or just gone
// down into the nodes.
func TestCowTreeInOrder(t *testing.T) {
	rnd := rand.New(rand.NewPCG(5, 11))
	tr := newCowTree(byK)
	var model []keyEntry
	var versions []treeVersion
	next := 0
	for command := range 1500 {
		for range 1 + rnd.IntN(3) {
			next += 1 + rnd.IntN(3)
			it := testItem(next, rnd.Uint64())
			if _, replaced := tr.set(it); replaced {
				t.Fatalf("command %d: a new item replaced one", command)
			}
			model = append(model, it)
		}
		if len(model) > 0 && rnd.IntN(3) == 0 {
			i := rnd.IntN(len(model))
			if rnd.IntN(2) == 0 {
				it := testItem(int(binary.BigEndian.Uint64(model[i].k[:])), rnd.Uint64())
				if old, replaced := tr.set(it); !replaced || old != model[i] {
					t.Fatalf("command %d: replacing item %d: %v %v", command, i, replaced, old)
				}
				model[i] = it
			} else {
				if old, ok := tr.delete(model[i]); !ok || old != model[i] {
					t.Fatalf("command %d: deleting item %d: %v %v", command, i, ok, old)
				}
				model = slices.Delete(model, i, i+1)
			}
		}
		if command%50 == 0 {
			sameTree(t, tr, model)
		}
		tr = keepVersion(&versions, tr, model)
		if t.Failed() {
			t.Fatalf("command %d", command)
		}
	}
	sameVersions(t, versions, 25)
}

func sameTree(t *testing.T, tr *keyTree, model []keyEntry) {
	t.Helper()
	if tr.len() != len(model) {
		t.Errorf("%d items, the model %d", tr.len(), len(model))
	}
	all := func(it *cowIter[keyEntry]) []keyEntry {
		var out []keyEntry
		for v, ok := it.next(); ok; v, ok = it.next() {
			out = append(out, v)
		}
		return out
	}
	var zero keyEntry
	if got := all(tr.iter(zero, false)); !slices.Equal(got, model) {
		i := 0
		for i < len(got) && i < len(model) && got[i] == model[i] {
			i++
		}
		t.Errorf("in order: %d items, the model %d; they differ from item %d", len(got), len(model), i)
	}
	for i, m := range model {
		if v, ok := tr.get(m); !ok || v != m {
			t.Errorf("get item %d: %v %v", i, v, ok)
		}
		if i%7 != 0 {
			continue
		}
		if got := all(tr.iter(m, true)); !slices.Equal(got, model[i:]) {
			t.Errorf("from item %d: %d items, the model %d", i, len(got), len(model)-i)
		}
	}
	checkNodes(t, tr, tr.root, true)
	if len(tr.fresh) >= cowFresh {
		t.Errorf("%d items wait in fresh", len(tr.fresh))
	}
	for i, f := range tr.fresh {
		if i > 0 && tr.cmp(tr.fresh[i-1], f) >= 0 {
			t.Errorf("fresh out of order at %d", i)
		}
		if _, ok := tr.getNode(f); ok {
			t.Errorf("fresh item %d is in the nodes too", i)
		}
	}
}

// checkNodes fails on a node out of the B-tree's bounds.
func checkNodes(t *testing.T, tr *keyTree, n *cowNode[keyEntry], root bool) int {
	t.Helper()
	if n == nil {
		return 0
	}
	if len(n.items) > cowMax || (!root && len(n.items) < cowDegree-1) || (root && len(n.items) == 0) {
		t.Errorf("a node of %d items", len(n.items))
	}
	for i := 1; i < len(n.items); i++ {
		if tr.cmp(n.items[i-1], n.items[i]) >= 0 {
			t.Errorf("a node out of order")
		}
	}
	if n.kids == nil {
		return 1
	}
	if len(n.kids) != len(n.items)+1 {
		t.Errorf("%d items and %d children", len(n.items), len(n.kids))
	}
	depth := -1
	for _, k := range n.kids {
		if d := checkNodes(t, tr, k, false); depth >= 0 && d != depth {
			t.Errorf("leaves at depths %d and %d", depth, d)
		} else {
			depth = d
		}
	}
	return depth + 1
}

// TestIndexEntriesHoldNoPointer holds the indexes' entries to what
// keyEntry promises: no pointer, so that the garbage collector never
// scans an index's nodes and copying one needs no write barrier.
func TestIndexEntriesHoldNoPointer(t *testing.T) {
	var pointers func(reflect.Type) bool
	pointers = func(ty reflect.Type) bool {
		switch ty.Kind() {
		case reflect.Array:
			return ty.Len() > 0 && pointers(ty.Elem())
		case reflect.Struct:
			for i := range ty.NumField() {
				if pointers(ty.Field(i).Type) {
					return true
				}
			}
			return false
		case reflect.Bool, reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
			reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr,
			reflect.Float32, reflect.Float64, reflect.Complex64, reflect.Complex128:
			return false
		}
		return true
	}
	if pointers(reflect.TypeFor[keyEntry]()) {
		t.Fatalf("keyEntry holds a pointer: every index node would be scanned by the garbage collector")
	}
	if !pointers(reflect.TypeFor[rowEntry]()) {
		t.Fatalf("the check finds no pointer in rowEntry, which holds one")
	}
}

// TestCowTreeSlack: a copy made with slack takes the writes still to
// come in its generation without growing again — a group's later
// commands write to the nodes and the fresh items its first copied —
// and without slack a node keeps only what it holds. Either way the
// tree holds what was written, and the tree it was copied from is as it
// was.
func TestCowTreeSlack(t *testing.T) {
	base := newCowTree(byK)
	var model []keyEntry
	for k := range 1000 {
		base.set(testItem(2*k, 0))
		model = append(model, testItem(2*k, 0))
	}
	base.flush() // every item in the nodes
	// writes writes odd keys from 101 into one leaf of a copy, each into
	// the nodes, as a group's commands after the first copied the path.
	writes := func(slack int32, n int) *keyTree {
		tr := base.copy()
		tr.slack = slack
		for i := range n {
			tr.setNode(testItem(101+2*i, 1))
		}
		return tr
	}
	allocs := func(slack int32, n int) float64 {
		return testing.AllocsPerRun(20, func() { writes(slack, n) })
	}
	first, eight := allocs(7, 1), allocs(7, 8)
	if eight != first {
		t.Errorf("with slack 7, eight writes allocated %v times and the first alone %v: the later ones grew the leaf", eight, first)
	}
	if bare := allocs(0, 8); bare <= eight {
		t.Errorf("without slack eight writes allocated %v times, with it %v: the test sees no slack", bare, eight)
	}
	want := slices.Clone(model)
	for i := range 8 {
		want = append(want, testItem(101+2*i, 1))
	}
	slices.SortFunc(want, byK)
	for _, slack := range []int32{0, 7} {
		sameTree(t, writes(slack, 8), want)
	}
	sameTree(t, base, model)
}
