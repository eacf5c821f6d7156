// The receipt's verifier in the page (LOOP-2): the same checks as package
// merkle's VerifyProofs, over WebCrypto's SHA-256 and Ed25519, with
// nothing but the proof, the signed checkpoint and the county's public
// key. It checks a C2SP signed note as golang.org/x/mod/sumdb/note opens
// one, the checkpoint's three lines as merkle.OpenCheckpoint reads them,
// and each RFC 6962 inclusion proof as tlog.CheckRecord runs it. A test
// of the demo (wasm/web) runs it over proofs the Go package made.
//
// A failure throws a VerifyError whose reason is one of: key (the public
// key does not parse), note (the checkpoint is not a signed note),
// signature (not signed by the key, or altered), origin (the checkpoint
// names another journal), checkpoint (its lines do not read), size (the
// proof is for another tree size), seq (the event is not in the tree),
// proof (the proof does not lead to the checkpoint's root).

const enc = new TextEncoder();

/** VerifyError says why a proof or a checkpoint failed. */
export class VerifyError extends Error {
  constructor(reason, message) {
    super(message);
    this.reason = reason;
  }
}

function fail(reason, message) { throw new VerifyError(reason, message); }

function concat(...parts) {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let i = 0;
  for (const p of parts) { out.set(p, i); i += p.length; }
  return out;
}

function equal(a, b) { return a.length === b.length && a.every((x, i) => x === b[i]); }

/** sha256 hashes bytes. */
export async function sha256(bytes) { return new Uint8Array(await crypto.subtle.digest("SHA-256", bytes)); }

/** leafHash is RFC 6962's hash of a leaf: SHA-256(0x00 ‖ data). */
export function leafHash(data) { return sha256(concat(Uint8Array.of(0), data)); }

/** nodeHash is RFC 6962's hash of an inner node: SHA-256(0x01 ‖ left ‖ right). */
export function nodeHash(left, right) { return sha256(concat(Uint8Array.of(1), left, right)); }

/** hex decodes a 64-digit SHA-256 hash written in hexadecimal, as the journal writes it. */
export function hex(s) {
  if (typeof s !== "string" || !/^[0-9a-f]{64}$/.test(s)) fail("proof", `${JSON.stringify(s)} is not a SHA-256 hash in hexadecimal`);
  return Uint8Array.from(s.match(/../g), (b) => parseInt(b, 16));
}

// base64 decodes standard base64 in its one canonical form: padded, with
// no stray characters and zero padding bits (as Go's Strict encoding).
function base64(s, reason) {
  if (typeof s !== "string" || s.length % 4 !== 0 || !/^[A-Za-z0-9+/]*={0,2}$/.test(s)) fail(reason, "not in canonical base64");
  const bin = atob(s);
  const out = Uint8Array.from(bin, (c) => c.charCodeAt(0));
  if (btoa(bin) !== s) fail(reason, "not in canonical base64");
  return out;
}

function validName(name) { return name !== "" && !/[\s+]/u.test(name); }

async function keyHash(name, key) {
  const sum = await sha256(concat(enc.encode(name + "\n"), key));
  return ((sum[0] << 24) | (sum[1] << 16) | (sum[2] << 8) | sum[3]) >>> 0;
}

/**
 * parseKey reads a note verifier key, "name+hash+key" as package merkle's
 * GenerateKey writes it: an Ed25519 public key with its name and hash.
 */
export async function parseKey(vkey) {
  // Cut at the first two plus signs only: base64 has its own.
  const s = String(vkey).trim(), a = s.indexOf("+"), b = a < 0 ? -1 : s.indexOf("+", a + 1);
  if (b < 0) fail("key", "the public key is not name+hash+key");
  const name = s.slice(0, a), hash16 = s.slice(a + 1, b), key64 = s.slice(b + 1);
  if (!validName(name) || !/^[0-9a-fA-F]{8}$/.test(hash16)) fail("key", "the public key is not name+hash+key");
  let key;
  try { key = base64(key64 || "", "key"); } catch (e) { fail("key", "the public key's key is not base64"); }
  if (key.length !== 33 || key[0] !== 1) fail("key", "the public key is not an Ed25519 key");
  const hash = parseInt(hash16, 16);
  if ((await keyHash(name, key)) !== hash) fail("key", "the public key's hash does not match its name and key");
  const pub = await crypto.subtle.importKey("raw", key.slice(1), { name: "Ed25519" }, false, ["verify"]);
  return { name, hash, pub };
}

/**
 * openCheckpoint verifies a signed checkpoint with the county's public key
 * and returns what it states: {origin, size, root}. It opens the note as
 * golang.org/x/mod/sumdb/note does and reads the checkpoint as
 * merkle.OpenCheckpoint does.
 */
export async function openCheckpoint(signed, vkey) {
  const key = await parseKey(vkey);
  if (typeof signed !== "string" || signed.length > 1e6) fail("note", "the checkpoint is not a signed note");
  // Valid UTF-8 (a JavaScript string holds no lone surrogate once it came
  // through JSON as text) with no control characters but newlines.
  if (/[\u0000-\u0009\u000b-\u001f]/.test(signed) || /[\ud800-\udfff]/u.test(signed)) fail("note", "the checkpoint holds control characters");
  const split = signed.lastIndexOf("\n\n");
  if (split < 0) fail("note", "the checkpoint has no signature block");
  const text = signed.slice(0, split + 1), sigs = signed.slice(split + 2);
  if (sigs === "" || !sigs.endsWith("\n")) fail("note", "the checkpoint's signature block does not end with a newline");
  let verified = false;
  const lines = sigs.slice(0, -1).split("\n");
  if (lines.length > 100) fail("note", "the checkpoint has too many signatures");
  for (const line of lines) {
    if (!line.startsWith("— ")) fail("note", "a signature line does not begin with an em dash");
    const rest = line.slice(2), sp = rest.indexOf(" ");
    const name = sp < 0 ? rest : rest.slice(0, sp), b64 = sp < 0 ? "" : rest.slice(sp + 1);
    if (!validName(name) || b64 === "") fail("note", "a signature line is not \"— name signature\"");
    const sig = base64(b64, "signature");
    if (sig.length < 5) fail("note", "a signature is too short");
    const hash = ((sig[0] << 24) | (sig[1] << 16) | (sig[2] << 8) | sig[3]) >>> 0;
    if (name !== key.name || hash !== key.hash) continue; // another's signature: not ours to check
    if (verified) continue; // a repeated signature
    if (!(await crypto.subtle.verify({ name: "Ed25519" }, key.pub, sig.slice(4), enc.encode(text)))) fail("signature", `the checkpoint is not signed by the key ${key.name}: it was altered, or another key signed it`);
    verified = true;
  }
  if (!verified) fail("signature", `the checkpoint bears no signature of the key ${key.name}`);
  const parts = text.split("\n");
  if (parts.length < 4) fail("checkpoint", "a checkpoint has three lines: origin, size, root hash");
  const [origin, sizeLine, rootLine] = parts;
  if (origin !== key.name) fail("origin", `the checkpoint's origin ${JSON.stringify(origin)} is not the key's name ${JSON.stringify(key.name)}`);
  if (!/^(0|[1-9][0-9]*)$/.test(sizeLine) || !Number.isSafeInteger(Number(sizeLine))) fail("checkpoint", "the checkpoint's second line is not a tree size");
  let root;
  try { root = base64(rootLine, "checkpoint"); } catch (e) { root = null; }
  if (!root || root.length !== 32) fail("checkpoint", "the checkpoint's third line is not a base64 SHA-256 root hash");
  return { origin, size: Number(sizeLine), root };
}

// maxpow2 is the largest power of two smaller than n (n > 1).
function maxpow2(n) {
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

// runProof computes the root of the tree over leaves lo..hi from the leaf
// hash of leaf n and its audit path, as tlog's runRecordProof does; null
// when the path has the wrong length.
async function runProof(path, lo, hi, n, leaf) {
  if (lo + 1 === hi) return path.length === 0 ? leaf : null;
  if (path.length === 0) return null;
  const k = maxpow2(hi - lo), last = path[path.length - 1], rest = path.slice(0, -1);
  if (n < lo + k) {
    const th = await runProof(rest, lo, lo + k, n, leaf);
    return th && nodeHash(th, last);
  }
  const th = await runProof(rest, lo + k, hi, n, leaf);
  return th && nodeHash(last, th);
}

/**
 * verifyInclusion checks that proof {seq, leaf, size, path} leads from its
 * leaf (an event's chain hash) to the root of checkpoint cp, as
 * merkle.VerifyInclusion does.
 */
export async function verifyInclusion(proof, cp) {
  const { seq, size } = proof;
  if (size !== cp.size) fail("size", `the proof is for a tree of ${size} events and the checkpoint signs ${cp.size}`);
  if (!Number.isSafeInteger(seq) || seq < 1 || seq > size) fail("seq", `event ${seq} is not among the first ${size} events`);
  if (!Array.isArray(proof.path)) fail("proof", "the proof has no path");
  const root = await runProof(proof.path.map(hex), 0, size, seq - 1, await leafHash(hex(proof.leaf)));
  if (!root || !equal(root, cp.root)) fail("proof", `the inclusion proof of event ${seq} does not lead to the checkpoint's root: the event, the proof or the checkpoint was altered`);
}

/**
 * verifyProofs opens the checkpoint of a receipt's proofs ({checkpoint,
 * events}, as the Go library writes them) with the county's public key
 * and checks every event's inclusion proof under it, as
 * merkle.VerifyProofs does. It returns the checkpoint.
 */
export async function verifyProofs(proofs, vkey) {
  if (!proofs || typeof proofs.checkpoint !== "string" || !Array.isArray(proofs.events)) fail("proof", "there is no proof to verify");
  const cp = await openCheckpoint(proofs.checkpoint, vkey);
  for (const pr of proofs.events) await verifyInclusion(pr, cp);
  return cp;
}
