// The API object the osallisuus WebAssembly module puts on the page.
// Arguments and results are plain JSON objects; enums are strings.

export type Lang = "fi" | "sv" | "en";
export interface Labels { fi: string; sv: string; en: string }

/** A rejected call: an Error with the library's error code. */
export interface OsallisuusError extends Error {
  code: "invalid" | "not_found" | "conflict" | "forbidden" | "corrupt" | "erased" | "internal" | "not_constituted" | "not_official" | "not_matchable" | "no_consent";
  /** The argument at fault, when the library named one. */
  field?: string;
  /** On a refusal: the action refused, the page's role, and the roles the policy allows it to. */
  action?: string;
  role?: string;
  allowed?: string[];
}

/** verified is false whenever error is set: the saved journal was damaged and the app started empty. */
export interface OpenResult { events: number; verified: boolean; head: string; error?: string; millis: number }

export interface Pending { lines: string; keys: string }

export type Method =
  | "labels" | "state" | "sample" | "house" | "session" | "session.role" | "policy"
  | "panel.status" | "panel.create" | "panel.addMember" | "panel.appoint" | "panel.leave" | "panel.meet" | "panel.adopt" | "panel.answer"
  | "feedback.devices" | "feedback.registerDevices" | "feedback.press" | "feedback.preview" | "feedback.submit" | "feedback.receipt" | "feedback.report" | "feedback.followUps"
  | "expert.list" | "expert.register" | "expert.match" | "expert.withdraw"
  | "loop.board" | "loop.advance" | "loop.submit"
  | "contact" | "contact.set" | "contact.clear";

export interface Osallisuus {
  /** Replays a saved journal (lines of JSON) with its keys; the hash chain is verified. */
  open(journal: string, keys: string): Promise<OpenResult>;
  /**
   * Runs one method; rejects with an OsallisuusError. Arguments are read
   * strictly: one JSON object of at most 64 KiB, known fields only, valid
   * UTF-8; `days` (feedback.report, house) is 1..3650 or absent; a
   * refusal is `invalid` and runs nothing.
   */
  call(method: Method, args?: object): Promise<any>;
  /** Journal lines committed since the last call, and the keys, to save. */
  pending(): Pending;
  readonly methods: Method[];
}

declare global {
  var osallisuus: Osallisuus;
  var osallisuusLoaded: boolean | undefined;
  var osallisuusReady: boolean | undefined;
}
