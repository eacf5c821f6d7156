//go:build !js

package web_test

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io/fs"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"testing"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"

	p "github.com/osallisuus/osallisuus/participation"
	"github.com/osallisuus/osallisuus/participation/merkle"
	"github.com/osallisuus/osallisuus/wasm/web"
)

// node finds node for running the page's JavaScript. Under CI its
// absence fails the test; elsewhere the test is skipped with the reason.
func node(t *testing.T) string {
	exe, err := exec.LookPath("node")
	if err == nil {
		return exe
	}
	if os.Getenv("CI") != "" {
		t.Fatal("CI needs node to test the page's JavaScript: apt-get install -y nodejs")
	}
	t.Skip("no node on this machine: apt-get install -y nodejs (CI installs it)")
	return ""
}

// countyKey reads the demo county's key from county.js: the public key
// and the seed of the private one, as a note signer key.
func countyKey(t *testing.T) (private, public string) {
	src, err := fs.ReadFile(web.Files, "county.js")
	require.NoError(t, err)
	constant := func(name string) string {
		m := regexp.MustCompile(`const ` + name + ` = "([^"]+)"`).FindSubmatch(src)
		require.NotNil(t, m, "county.js defines %s", name)
		return string(m[1])
	}
	public = constant("PUBLIC_KEY")
	seed, err := hex.DecodeString(constant("SEED"))
	require.NoError(t, err)
	require.Len(t, seed, 32)
	name, rest, _ := strings.Cut(public, "+")
	hash, _, _ := strings.Cut(rest, "+")
	require.Equal(t, constant("KEY_NAME"), name)
	private = "PRIVATE+KEY+" + name + "+" + hash + "+" + base64.StdEncoding.EncodeToString(append([]byte{1}, seed...))
	return private, public
}

// jsCase is one proof for the page's verifier: want is "" when it must
// verify, else the reason it must fail with.
type jsCase struct {
	Name   string          `json:"name"`
	Proofs json.RawMessage `json:"proofs"`
	Key    string          `json:"key"`
	Want   string          `json:"want"`
}

// jsTree is a tree for the page's county to prove: its leaves, and the
// proofs of every leaf that package merkle made.
type jsTree struct {
	Leaves []string       `json:"leaves"`
	Go     *p.EventProofs `json:"-"`
	Seqs   []uint64       `json:"seqs"`
}

// harness runs verify.js and county.js under node over the cases and
// trees, and returns each case's outcome ("" or the reason it failed)
// and the county's proofs of each tree.
const harness = `
import { readFileSync } from "node:fs";
import { verifyProofs } from "./verify.js";
import { prove } from "./county.js";
const input = JSON.parse(readFileSync(process.argv[2], "utf8"));
const out = { cases: [], trees: [] };
for (const c of input.cases) {
  try { await verifyProofs(c.proofs, c.key); out.cases.push(""); }
  catch (e) { out.cases.push(e.reason || ("threw: " + e.message)); }
}
for (const t of input.trees) out.trees.push(await prove(t.leaves, t.seqs));
console.log(JSON.stringify(out));
`

// TestVerifyJS checks the page's receipt verifier (verify.js) against
// package merkle: over trees of 1 to 64 events and larger ones, every
// proof the Go package makes verifies, and a flipped bit in the leaf, the
// path, the root or the signature, a wrong index, a wrong tree size and a
// wrong key each fail, as they fail in Go. It checks the page's county
// (county.js) too: its proofs and its signed checkpoint are byte for byte
// those package merkle makes with the same key.
func TestVerifyJS(t *testing.T) {
	exe := node(t)
	private, public := countyKey(t)
	signer, err := merkle.NewSigner(private)
	require.NoError(t, err)
	_, otherKey, err := merkle.GenerateKey(strings.NewReader(strings.Repeat("x", 64)), signer.Name())
	require.NoError(t, err)
	_, otherName, err := merkle.GenerateKey(strings.NewReader(strings.Repeat("y", 64)), "toinen.example/osallisuus")
	require.NoError(t, err)

	sizes := []int{}
	for n := 1; n <= 64; n++ {
		sizes = append(sizes, n)
	}
	sizes = append(sizes, 100, 127, 128, 129, 255, 256, 257, 1000)
	tree := merkle.New(signer)
	var leaves []string
	var cases []jsCase
	var trees []jsTree
	proofsAt := map[int]*p.EventProofs{}
	add := func(name string, e *p.EventProofs, key, want string) {
		b, err := json.Marshal(e)
		require.NoError(t, err)
		// Go agrees: what the page must accept, package merkle accepts,
		// and what it must refuse, package merkle refuses.
		var back p.EventProofs
		require.NoError(t, json.Unmarshal(b, &back))
		_, gerr := merkle.VerifyProofs(&back, key)
		require.Equal(t, want == "", gerr == nil, "%s: package merkle says %v", name, gerr)
		cases = append(cases, jsCase{Name: name, Proofs: b, Key: key, Want: want})
	}
	clone := func(e *p.EventProofs) *p.EventProofs {
		b, _ := json.Marshal(e)
		var out p.EventProofs
		require.NoError(t, json.Unmarshal(b, &out))
		return &out
	}
	// resign replaces the checkpoint's signature by one over text.
	flipSig := func(note string) string {
		body, sig, _ := strings.Cut(note, "\n\n")
		f := strings.Fields(sig)
		raw, err := base64.StdEncoding.DecodeString(f[2])
		require.NoError(t, err)
		raw[len(raw)-1] ^= 1
		return body + "\n\n" + f[0] + " " + f[1] + " " + base64.StdEncoding.EncodeToString(raw) + "\n"
	}
	seq := uint64(0)
	for _, n := range sizes {
		for seq < uint64(n) {
			seq++
			h := p.Hash(sha256.Sum256([]byte(fmt.Sprint("event ", seq))))
			tree.Append([]p.Event{{Seq: seq, Hash: h}})
			leaves = append(leaves, h.String())
		}
		all := make([]uint64, n)
		for i := range all {
			all[i] = uint64(i + 1)
		}
		e, err := tree.Prove(all...)
		require.NoError(t, err)
		proofsAt[n] = e
		trees = append(trees, jsTree{Leaves: append([]string(nil), leaves...), Seqs: all, Go: e})
		add(fmt.Sprintf("size %d: every event", n), e, public, "")
		last := n - 1
		one := func(name string, want string, change func(e *p.EventProofs)) {
			c := clone(e)
			c.Events = c.Events[last : last+1]
			change(c)
			add(fmt.Sprintf("size %d: %s", n, name), c, public, want)
		}
		one("a flipped bit in the leaf", "proof", func(c *p.EventProofs) { c.Events[0].Leaf[7] ^= 0x10 })
		if len(e.Events[last].Path) > 0 {
			one("a flipped bit in the path", "proof", func(c *p.EventProofs) { c.Events[0].Path[len(c.Events[0].Path)-1][31] ^= 1 })
			one("a hash dropped from the path", "proof", func(c *p.EventProofs) { c.Events[0].Path = c.Events[0].Path[1:] })
		}
		if n > 1 {
			one("a wrong index", "proof", func(c *p.EventProofs) { c.Events[0].Seq = uint64(last) })
		}
		one("an index past the tree", "seq", func(c *p.EventProofs) { c.Events[0].Seq = uint64(n + 1) })
		one("a wrong size", "size", func(c *p.EventProofs) { c.Events[0].Size++ })
		one("a flipped bit in the signature", "signature", func(c *p.EventProofs) { c.Checkpoint = flipSig(c.Checkpoint) })
		one("a flipped bit in the root", "signature", func(c *p.EventProofs) {
			lines := strings.SplitN(c.Checkpoint, "\n", 4)
			root, _ := base64.StdEncoding.DecodeString(lines[2])
			root[0] ^= 0x80
			lines[2] = base64.StdEncoding.EncodeToString(root)
			c.Checkpoint = strings.Join(lines, "\n")
		})
		one("another size in the signed text", "signature", func(c *p.EventProofs) {
			c.Checkpoint = strings.Replace(c.Checkpoint, fmt.Sprintf("\n%d\n", n), fmt.Sprintf("\n%d\n", n+1), 1)
		})
		c := clone(e)
		add(fmt.Sprintf("size %d: another key of the same name", n), c, otherKey, "signature")
		add(fmt.Sprintf("size %d: another county's key", n), c, otherName, "signature")
	}
	// A proof of a smaller tree, relabelled as one of the next size and
	// checked against that tree's genuine checkpoint.
	for i, n := range sizes[:len(sizes)-1] {
		next := sizes[i+1]
		c := clone(proofsAt[n])
		c.Checkpoint = proofsAt[next].Checkpoint
		for j := range c.Events {
			c.Events[j].Size = uint64(next)
		}
		add(fmt.Sprintf("size %d proved as size %d", n, next), c, public, "proof")
	}

	dir := t.TempDir()
	for _, f := range []string{"verify.js", "county.js"} {
		b, err := fs.ReadFile(web.Files, f)
		require.NoError(t, err)
		require.NoError(t, os.WriteFile(filepath.Join(dir, f), b, 0o644))
	}
	require.NoError(t, os.WriteFile(filepath.Join(dir, "package.json"), []byte(`{"type":"module"}`), 0o644))
	require.NoError(t, os.WriteFile(filepath.Join(dir, "harness.js"), []byte(harness), 0o644))
	in, err := json.Marshal(map[string]any{"cases": cases, "trees": trees})
	require.NoError(t, err)
	require.NoError(t, os.WriteFile(filepath.Join(dir, "input.json"), in, 0o644))
	cmd := exec.Command(exe, "harness.js", "input.json")
	cmd.Dir = dir
	res, err := cmd.Output()
	var stderr string
	if ee, ok := err.(*exec.ExitError); ok {
		stderr = string(ee.Stderr)
	}
	require.NoError(t, err, "node: %s", stderr)
	var out struct {
		Cases []string         `json:"cases"`
		Trees []*p.EventProofs `json:"trees"`
	}
	require.NoError(t, json.Unmarshal(res, &out))
	require.Len(t, out.Cases, len(cases))
	t.Run("LOOP-2_the_page_s_verifier_agrees_with_package_merkle", func(t *testing.T) {
		for i, c := range cases {
			assert.Equal(t, c.Want, out.Cases[i], "%s", c.Name)
		}
		t.Logf("%d cases over %d trees of 1 to %d events", len(cases), len(sizes), sizes[len(sizes)-1])
	})
	t.Run("LOOP-2_the_page_s_county_proves_and_signs_as_package_merkle", func(t *testing.T) {
		require.Len(t, out.Trees, len(trees))
		for i, tr := range trees {
			assert.Equal(t, tr.Go, out.Trees[i], "tree of %d events", len(tr.Leaves))
		}
	})
}
