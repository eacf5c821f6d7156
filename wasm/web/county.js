// The demo county's history keeper (LOOP-2). A county's server keeps its
// journal's Merkle tree and signs checkpoints with package merkle; the
// browser's module leaves that package out to stay small, so in the demo
// the page plays the county: it builds the same RFC 6962 tree over the
// chain hashes of the journal it saved, signs a checkpoint with the demo
// county's key — published here, so it is no secret and proves nothing
// outside the demo — and hands the receipt's proofs to verify.js, which
// checks them as any holder of a receipt would. A test of the demo
// (wasm/web) checks that the tree, the proofs and the signed checkpoint
// are the ones package merkle makes and accepts.

import { leafHash, nodeHash, hex } from "./verify.js";

/** KEY_NAME is the demo county's key name: the origin of its checkpoints. */
export const KEY_NAME = "hyvinvointialue.example/osallisuus";

/** PUBLIC_KEY is the demo county's public key, as package merkle's GenerateKey writes it. */
export const PUBLIC_KEY = "hyvinvointialue.example/osallisuus+41c3b741+AWtY4rcYmBp9/PzKDSKnMcFi/QyxKu45DO8sGzgtIctT";

// The private key's Ed25519 seed, in the PKCS #8 wrapping WebCrypto
// imports. Published: the demo county's key signs nothing real.
const SEED = "e3a8861ecd378a1f79423e754b74f5f1d173826a8af3daaa40862d99542e5917";
const PKCS8 = "302e020100300506032b657004220420";
const KEY_HASH = Uint8Array.of(0x41, 0xc3, 0xb7, 0x41);

const enc = new TextEncoder();
const toHex = (b) => Array.from(b, (x) => x.toString(16).padStart(2, "0")).join("");
const toBase64 = (b) => btoa(String.fromCharCode(...b));

/**
 * leavesOf reads the chain hashes of a saved journal (lines of JSON, one
 * event a line, in sequence order): the tree's leaves.
 */
export function leavesOf(journal) {
  const out = [];
  for (const line of journal.split("\n")) {
    if (!line.trim()) continue;
    const e = JSON.parse(line);
    if (e.seq !== out.length + 1) throw new Error(`the saved journal has event ${e.seq} where ${out.length + 1} belongs`);
    out.push(e.hash);
  }
  return out;
}

// levels builds the tree level by level: level 0 is the leaf hashes, and
// each level above pairs the nodes below from the left, carrying an odd
// last node up unchanged — the same tree as RFC 6962's split at the
// largest power of two.
async function levels(leaves) {
  const out = [await Promise.all(leaves.map((h) => leafHash(hex(h))))];
  while (out[out.length - 1].length > 1) {
    const below = out[out.length - 1], up = [];
    for (let i = 0; i < below.length; i += 2) up.push(i + 1 < below.length ? nodeHash(below[i], below[i + 1]) : below[i]);
    out.push(await Promise.all(up));
  }
  return out;
}

/** root returns the tree hash of the leaves (event chain hashes in hexadecimal). */
export async function root(leaves) {
  if (!leaves.length) return new Uint8Array(await crypto.subtle.digest("SHA-256", new Uint8Array()));
  const ls = await levels(leaves);
  return ls[ls.length - 1][0];
}

/** sign signs a checkpoint of a tree of size leaves with the root hash, as a C2SP signed note. */
export async function sign(size, rootHash) {
  const seed = Uint8Array.from(SEED.match(/../g), (b) => parseInt(b, 16));
  const der = Uint8Array.from([...Uint8Array.from(PKCS8.match(/../g), (b) => parseInt(b, 16)), ...seed]);
  const key = await crypto.subtle.importKey("pkcs8", der, { name: "Ed25519" }, false, ["sign"]);
  const text = `${KEY_NAME}\n${size}\n${toBase64(rootHash)}\n`;
  const sig = new Uint8Array(await crypto.subtle.sign({ name: "Ed25519" }, key, enc.encode(text)));
  return `${text}\n— ${KEY_NAME} ${toBase64(Uint8Array.from([...KEY_HASH, ...sig]))}\n`;
}

/**
 * prove returns inclusion proofs of the events seqs under one signed
 * checkpoint of the whole tree, in the form the Go library writes
 * ({checkpoint, events: [{seq, leaf, size, path}]}).
 */
export async function prove(leaves, seqs) {
  const ls = await levels(leaves);
  const size = leaves.length;
  const events = seqs.map((seq) => {
    if (!Number.isSafeInteger(seq) || seq < 1 || seq > size) throw new Error(`event ${seq} is not among the ${size} events of the journal`);
    const path = [];
    let i = seq - 1;
    for (let l = 0; l < ls.length - 1; l++, i >>= 1) {
      const sib = i ^ 1;
      if (sib < ls[l].length) path.push(toHex(ls[l][sib]));
    }
    return { seq, leaf: leaves[seq - 1], size, path };
  });
  return { checkpoint: await sign(size, await root(leaves)), events };
}
