//go:build !(js && wasm)

package participation

import "sync/atomic"

// cowTree is a set of entries E, in the order of cmp, in a B-tree whose
// nodes are shared between copies and copied on their first change
// (copy-on-write): copy is O(1), and a write copies only the nodes on its
// path, once per copy.
// A tree that has been copied must not be changed again; the store only
// changes the copy a write transaction made (see dbTxn), so a committed
// tree, which readers hold, never changes.
//
// The items written since the last flush wait in fresh, a short sorted
// slice beside the nodes, and go down into them cowFresh at a time: a
// command adds a contribution to six trees, and copying a slice of a few
// items for each costs less than copying every node on each path. No
// item is in both.
//
// It is the store's own rather than a library's (see the README's
// Dependencies): a node keeps only what it holds, where the libraries
// keep room for the most a node can hold, and trees written in key order
// leave most nodes half full.
type cowTree[E any] struct {
	root *cowNode[E]
	n    int32 // items; a table has one per contribution
	// slack is how many more writes a copy of a node, or of fresh, makes
	// room for beyond the one that copies it: the writes still to come
	// in this generation, which a group of commands knows (see
	// contribTable.setSlack). Without it the group's second write to a
	// node grew it by half again and threw the copy away. Zero
	// otherwise: a node keeps only what it holds.
	slack int32
	gen   uint64 // nodes of this generation belong to this tree alone
	cmp   func(a, b E) int

	fresh    []E
	freshGen uint64 // fresh belongs to the tree of this generation
}

// cowFresh is how many items wait in fresh before they go into the
// nodes.
const cowFresh = 32

type cowNode[E any] struct {
	gen   uint64
	items []E
	kids  []*cowNode[E] // nil in a leaf
}

// cowDegree is the trees' minimum degree: a node holds from cowDegree−1
// to 2×cowDegree−1 items. A write copies the nodes on its path once per
// transaction, so small nodes copy less, and deep trees cost a replay
// more searching: 16 replayed a county fastest (8 and 32 were 20 % and
// 15 % slower), and keeps a million entries within 5 levels.
const cowDegree = 16

const cowMax = 2*cowDegree - 1

var cowGens atomic.Uint64

func newCowTree[E any](cmp func(a, b E) int) *cowTree[E] {
	return &cowTree[E]{gen: cowGens.Add(1), cmp: cmp}
}

// copy returns a tree with the same items that shares every node with t.
func (t *cowTree[E]) copy() *cowTree[E] {
	return &cowTree[E]{root: t.root, n: t.n, gen: cowGens.Add(1), cmp: t.cmp, fresh: t.fresh, freshGen: t.freshGen}
}

// len returns how many items the tree holds.
func (t *cowTree[E]) len() int { return int(t.n) }

// own returns n, or a copy of it that belongs to t.
func (t *cowTree[E]) own(n *cowNode[E]) *cowNode[E] {
	if n.gen == t.gen {
		return n
	}
	// Room for one more item: a write adds at most one to a node, and a
	// node keeps only what it holds, however full, since a tree written
	// in key order leaves most nodes half full; and for the slack, up to
	// a full node.
	c := &cowNode[E]{gen: t.gen, items: append(make([]E, 0, roomFor(len(n.items), int(t.slack), cowMax)), n.items...)}
	if n.kids != nil {
		c.kids = append(make([]*cowNode[E], 0, roomFor(len(n.kids), int(t.slack), cowMax+1)), n.kids...)
	}
	return c
}

// roomFor is the capacity of a copy of n things: one more, and up to
// slack more again but no more than most.
func roomFor(n, slack, most int) int {
	return max(n+1, min(n+1+slack, most))
}

// search returns the index of the first item of n not less than key, and
// whether it equals key.
func (t *cowTree[E]) search(n *cowNode[E], key E) (int, bool) {
	return t.searchIn(n.items, key)
}

// searchIn is search in a sorted slice of items.
func (t *cowTree[E]) searchIn(items []E, key E) (int, bool) {
	lo, hi := 0, len(items)
	for lo < hi {
		m := int(uint(lo+hi) >> 1)
		if t.cmp(items[m], key) < 0 {
			lo = m + 1
		} else {
			hi = m
		}
	}
	return lo, lo < len(items) && t.cmp(items[lo], key) == 0
}

// ownFresh makes fresh the tree's own, with room for one more item.
func (t *cowTree[E]) ownFresh() {
	if t.freshGen != t.gen {
		t.fresh = append(make([]E, 0, roomFor(len(t.fresh), int(t.slack), cowFresh)), t.fresh...)
		t.freshGen = t.gen
	}
}

// get returns the item equal to key.
func (t *cowTree[E]) get(key E) (E, bool) {
	if i, ok := t.searchIn(t.fresh, key); ok {
		return t.fresh[i], true
	}
	return t.getNode(key)
}

// getNode is get in the nodes alone.
func (t *cowTree[E]) getNode(key E) (E, bool) {
	for n := t.root; n != nil; {
		i, found := t.search(n, key)
		if found {
			return n.items[i], true
		}
		if n.kids == nil {
			break
		}
		n = n.kids[i]
	}
	var zero E
	return zero, false
}

// set inserts item, or replaces the item equal to it and returns that.
// A new item waits in fresh, unless the tree owns its nodes.
func (t *cowTree[E]) set(item E) (old E, replaced bool) {
	i, ok := t.searchIn(t.fresh, item)
	if ok {
		t.ownFresh()
		old, t.fresh[i] = t.fresh[i], item
		return old, true
	}
	if t.root != nil && t.root.gen == t.gen {
		// The nodes are this tree's already (a replay, a group's later
		// commands): a write down them copies nothing.
		return t.setNode(item)
	}
	if _, ok := t.getNode(item); ok {
		return t.setNode(item)
	}
	t.ownFresh()
	t.fresh = insertAt(t.fresh, i, item)
	t.n++
	if len(t.fresh) >= cowFresh {
		t.flush()
	}
	return old, false
}

// flush puts the items waiting in fresh into the nodes.
func (t *cowTree[E]) flush() {
	t.n -= int32(len(t.fresh))
	for _, item := range t.fresh {
		t.setNode(item)
	}
	clear(t.fresh) // fresh is the tree's own: nothing else reads it
	t.fresh = t.fresh[:0]
}

// setNode is set in the nodes alone.
func (t *cowTree[E]) setNode(item E) (old E, replaced bool) {
	if t.root == nil {
		t.root = &cowNode[E]{gen: t.gen, items: []E{item}}
		t.n = 1
		return old, false
	}
	t.root = t.own(t.root)
	if len(t.root.items) == cowMax {
		r := &cowNode[E]{gen: t.gen, kids: []*cowNode[E]{t.root}}
		t.split(r, 0)
		t.root = r
	}
	n := t.root
	for {
		i, found := t.search(n, item)
		if found {
			old, n.items[i] = n.items[i], item
			return old, true
		}
		if n.kids == nil {
			n.items = insertAt(n.items, i, item)
			t.n++
			return old, false
		}
		k := t.own(n.kids[i])
		n.kids[i] = k
		if len(k.items) == cowMax {
			t.split(n, i)
			switch c := t.cmp(item, n.items[i]); {
			case c == 0:
				old, n.items[i] = n.items[i], item
				return old, true
			case c > 0:
				i++
			}
		}
		n = n.kids[i]
	}
}

// split divides p's full child i (which t owns) in two around its median,
// which moves up into p (also t's).
func (t *cowTree[E]) split(p *cowNode[E], i int) {
	k := p.kids[i]
	const mid = cowDegree - 1
	right := &cowNode[E]{gen: t.gen, items: append(make([]E, 0, mid+1), k.items[mid+1:]...)}
	median := k.items[mid]
	k.items = append(make([]E, 0, mid+1), k.items[:mid]...)
	if k.kids != nil {
		right.kids = append(make([]*cowNode[E], 0, mid+2), k.kids[mid+1:]...)
		k.kids = append(make([]*cowNode[E], 0, mid+2), k.kids[:mid+1]...)
	}
	p.items = insertAt(p.items, i, median)
	p.kids = insertAt(p.kids, i+1, right)
}

// delete removes the item equal to key and returns it.
func (t *cowTree[E]) delete(key E) (old E, found bool) {
	if i, ok := t.searchIn(t.fresh, key); ok {
		t.ownFresh()
		old = t.fresh[i]
		t.fresh = removeAt(t.fresh, i)
		t.n--
		return old, true
	}
	if t.root == nil {
		return old, false
	}
	if _, ok := t.getNode(key); !ok {
		return old, false // nothing is copied for a key that is not there
	}
	t.root = t.own(t.root)
	old = t.remove(t.root, key)
	t.n--
	if len(t.root.items) == 0 {
		if t.root.kids == nil {
			t.root = nil
		} else {
			t.root = t.root.kids[0]
		}
	}
	return old, true
}

// remove deletes key, which is in n's subtree, from n (which t owns and
// which, unless it is the root, holds at least cowDegree items).
func (t *cowTree[E]) remove(n *cowNode[E], key E) E {
	for {
		i, found := t.search(n, key)
		if n.kids == nil {
			old := n.items[i]
			n.items = removeAt(n.items, i)
			return old
		}
		if found {
			old := n.items[i]
			switch {
			case len(n.kids[i].items) >= cowDegree:
				// Put the predecessor in its place, and remove it below.
				k := t.own(n.kids[i])
				n.kids[i] = k
				n.items[i] = t.removeMax(k)
				return old
			case len(n.kids[i+1].items) >= cowDegree:
				k := t.own(n.kids[i+1])
				n.kids[i+1] = k
				n.items[i] = t.removeMin(k)
				return old
			}
			t.merge(n, i)
			n = n.kids[i]
			continue
		}
		n = t.fill(n, i)
	}
}

// removeMax and removeMin remove the largest and smallest items of n's
// subtree (n owned, with at least cowDegree items unless a leaf's root).
func (t *cowTree[E]) removeMax(n *cowNode[E]) E {
	for n.kids != nil {
		n = t.fill(n, len(n.kids)-1)
	}
	last := n.items[len(n.items)-1]
	n.items = removeAt(n.items, len(n.items)-1)
	return last
}

func (t *cowTree[E]) removeMin(n *cowNode[E]) E {
	for n.kids != nil {
		n = t.fill(n, 0)
	}
	first := n.items[0]
	n.items = removeAt(n.items, 0)
	return first
}

// fill makes sure n's child i holds at least cowDegree items before a
// removal descends into it — borrowing through n from a sibling, or
// merging with one — and returns the owned child that now holds what
// child i held.
func (t *cowTree[E]) fill(n *cowNode[E], i int) *cowNode[E] {
	k := t.own(n.kids[i])
	n.kids[i] = k
	if len(k.items) >= cowDegree {
		return k
	}
	if i > 0 && len(n.kids[i-1].items) >= cowDegree {
		l := t.own(n.kids[i-1])
		n.kids[i-1] = l
		k.items = insertAt(k.items, 0, n.items[i-1])
		n.items[i-1] = l.items[len(l.items)-1]
		l.items = removeAt(l.items, len(l.items)-1)
		if l.kids != nil {
			k.kids = insertAt(k.kids, 0, l.kids[len(l.kids)-1])
			l.kids = removeAt(l.kids, len(l.kids)-1)
		}
		return k
	}
	if i < len(n.kids)-1 && len(n.kids[i+1].items) >= cowDegree {
		r := t.own(n.kids[i+1])
		n.kids[i+1] = r
		k.items = append(k.items, n.items[i])
		n.items[i] = r.items[0]
		r.items = removeAt(r.items, 0)
		if r.kids != nil {
			k.kids = append(k.kids, r.kids[0])
			r.kids = removeAt(r.kids, 0)
		}
		return k
	}
	if i == len(n.kids)-1 {
		i--
	}
	t.merge(n, i)
	return n.kids[i]
}

// merge joins n's children i and i+1 and the item between them into
// child i (owned).
func (t *cowTree[E]) merge(n *cowNode[E], i int) {
	l := t.own(n.kids[i])
	r := n.kids[i+1]
	l.items = append(append(l.items, n.items[i]), r.items...)
	if l.kids != nil {
		l.kids = append(l.kids, r.kids...)
	}
	n.kids[i] = l
	n.items = removeAt(n.items, i)
	n.kids = removeAt(n.kids, i+1)
}

// insertAt and removeAt are slices.Insert and slices.Delete of one item,
// kept by hand on the tree's hottest path: a replay with the library's
// ran slower in every run but one (noisy, so not proven).
func insertAt[S ~[]E, E any](s S, i int, v E) S {
	var zero E
	s = append(s, zero)
	copy(s[i+1:], s[i:])
	s[i] = v
	return s
}

func removeAt[S ~[]E, E any](s S, i int) S {
	copy(s[i:], s[i+1:])
	var zero E
	s[len(s)-1] = zero
	return s[:len(s)-1]
}

// cowIter walks a tree in order, its nodes and fresh items merged. It
// reads the tree as it was when it started, whatever is written after.
type cowIter[E any] struct {
	t     *cowTree[E]
	stack []cowFrame[E]
	fresh []E // the fresh items still to come
	// head is the nodes' next item, read ahead to merge; has says there
	// is one, and read that head holds it.
	head      E
	has, read bool
}

// cowFrame is a node and the index of its next item; in an inner node,
// the subtree of kids[i] comes first.
type cowFrame[E any] struct {
	n *cowNode[E]
	i int
}

// iter returns an iterator from the first item not less than pivot, or
// from the first item when from is false.
func (t *cowTree[E]) iter(pivot E, from bool) *cowIter[E] {
	it := &cowIter[E]{t: t, fresh: t.fresh}
	if from {
		i, _ := t.searchIn(t.fresh, pivot)
		it.fresh = t.fresh[i:]
	}
	for n := t.root; n != nil; {
		i := 0
		if from {
			i, _ = t.search(n, pivot)
		}
		it.stack = append(it.stack, cowFrame[E]{n, i})
		if n.kids == nil {
			break
		}
		n = n.kids[i]
	}
	return it
}

// next returns the next item, or false at the end.
func (it *cowIter[E]) next() (E, bool) {
	if !it.read {
		it.head, it.has = it.nextNode()
		it.read = true
	}
	if len(it.fresh) > 0 && (!it.has || it.t.cmp(it.fresh[0], it.head) < 0) {
		v := it.fresh[0]
		it.fresh = it.fresh[1:]
		return v, true
	}
	it.read = false
	return it.head, it.has
}

// nextNode returns the nodes' next item, or false at the end.
func (it *cowIter[E]) nextNode() (E, bool) {
	for len(it.stack) > 0 {
		f := &it.stack[len(it.stack)-1]
		if f.i < len(f.n.items) {
			item := f.n.items[f.i]
			f.i++
			if f.n.kids != nil {
				for n := f.n.kids[f.i]; ; n = n.kids[0] {
					it.stack = append(it.stack, cowFrame[E]{n, 0})
					if n.kids == nil {
						break
					}
				}
			}
			return item, true
		}
		it.stack = it.stack[:len(it.stack)-1]
	}
	var zero E
	return zero, false
}
