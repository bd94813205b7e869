// The documented layouts of Rescue's plain-text data replies, read by KNOWN KEYS IN THEIR DOCUMENTED ORDER
// (docs/rescue-api.md, "Reply layouts"). The format has no escaping, so a key name typed into a free-text value
// (a description "Backup tech. Status: on leave", a name "Ops TYPE: Administrator") looks exactly like a field.
// Two facts make it readable anyway:
// - the fixed-vocabulary keys (TYPE, HASMOBILEADDON, HASRPATADDON, ISACCOUNTHOLDER, STATUS) come LAST and their
//   values are single words, so the real ones are the suffix of the body: we take the LAST occurrence, the one
//   that runs to the end. No free text follows them, so nothing typed by a person can be mistaken for them;
// - the free-text keys (NAME, NICK, EMAIL, SSOID, DESCRIPTION) are placed by trying every split in the
//   documented order. One split: read. Several: the reply is ambiguous and the caller gets `ambiguous`, so it can
//   pin values from another reply (getHierarchy_v2 prints Name, Email and Description one per line) or refuse to
//   write. We never guess.

/** One field of a `KEY: value` layout. */
interface KeySpec {
  key: string;
  /** Free text is kept verbatim; vocabulary values are single words (trimmed, case-insensitive). */
  kind: "id" | "text" | "word";
}

export interface KeyedLayout {
  /** Keys from the start of the reply whose values may hold any text, in documented order. */
  head: readonly KeySpec[];
  /** Keys at the end whose values are single words, in documented order. */
  tail: readonly KeySpec[];
}

/**
 * getUser_v3, per the official sample: `OK NODEID: 337366 NAME: John Doe NICK: EMAIL: jdoe@company.com SSOID:
 * DESCRIPTION: ` line break `TYPE: Technician HASMOBILEADDON: False HASRPATADDON: True ISACCOUNTHOLDER: True
 * STATUS: Online`. Separators may be spaces or line breaks.
 */
export const GET_USER_V3_LAYOUT: KeyedLayout = {
  head: [
    { key: "NODEID", kind: "id" },
    { key: "NAME", kind: "text" },
    { key: "NICK", kind: "text" },
    { key: "EMAIL", kind: "text" },
    { key: "SSOID", kind: "text" },
    { key: "DESCRIPTION", kind: "text" },
  ],
  tail: [
    { key: "TYPE", kind: "word" },
    { key: "HASMOBILEADDON", kind: "word" },
    { key: "HASRPATADDON", kind: "word" },
    { key: "ISACCOUNTHOLDER", kind: "word" },
    { key: "STATUS", kind: "word" },
  ],
};

/** getUser (v1): the same without HASRPATADDON. */
export const GET_USER_LAYOUT: KeyedLayout = {
  head: GET_USER_V3_LAYOUT.head,
  tail: GET_USER_V3_LAYOUT.tail.filter((spec) => spec.key !== "HASRPATADDON"),
};

export type KeyedRead =
  | { ok: true; fields: Record<string, string> }
  | { ok: false; reason: "unreadable" | "ambiguous"; detail: string };

/** Values a caller already knows from elsewhere (keys lower-case), to rule out splits of an ambiguous reply. */
export type KnownValues = Partial<Record<string, string>>;

const MAX_SPLITS_TRIED = 20_000;

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
}

/**
 * Read a `KEY: value` reply body (the text after the `OK` token; line endings already LF). Keys come out
 * lower-cased. A free-text value is everything between `KEY:` (plus the one space after the colon) and the one
 * space or line break before the next key, verbatim: edge spaces inside it are data.
 */
export function readKeyedFields(body: string, layout: KeyedLayout, known: KnownValues = {}): KeyedRead {
  const text = body.replace(/^[ \t\n]+/, "").replace(/[ \t\n]+$/, "");
  // --- the tail: single words running to the end of the body, so its last occurrence is the real one.
  const tailPattern = layout.tail.map((spec) => `${escapeRegExp(spec.key)}:[ \\t]*(\\S+)`).join("[ \\t\\n]+");
  const tailMatch = new RegExp(`(?:^|[ \\n])${tailPattern}$`, "i").exec(text);
  if (!tailMatch) {
    return {
      ok: false,
      reason: "unreadable",
      detail: `the reply does not end with ${layout.tail.map((s) => s.key).join(", ")}`,
    };
  }
  const fields: Record<string, string> = {};
  layout.tail.forEach((spec, i) => {
    fields[spec.key.toLowerCase()] = tailMatch[i + 1]!;
  });
  // The head ends before the one separator in front of the tail's first key.
  const headEnd = tailMatch.index;
  const head = text.slice(0, headEnd);

  // --- the head: every split that puts its keys in documented order.
  const positions = layout.head.map((spec, i) => {
    const found: number[] = [];
    const needle = `${spec.key}:`;
    for (let at = head.indexOf(needle); at !== -1; at = head.indexOf(needle, at + 1)) {
      const startsKey = i === 0 ? at === 0 : at > 0 && (head[at - 1] === " " || head[at - 1] === "\n");
      if (startsKey) found.push(at);
    }
    return found;
  });
  if (positions[0]?.[0] !== 0) {
    return { ok: false, reason: "unreadable", detail: `the reply does not start with ${layout.head[0]?.key}` };
  }
  const valueBetween = (index: number, at: number, nextAt: number): string => {
    let value = head.slice(at + layout.head[index]!.key.length + 1, nextAt);
    if (value.startsWith(" ")) value = value.slice(1);
    return value;
  };
  const splits: string[][] = [];
  let tried = 0;
  const walk = (index: number, at: number, values: string[]): void => {
    if (splits.length > 1 || tried > MAX_SPLITS_TRIED) return;
    tried += 1;
    const spec = layout.head[index]!;
    const accept = (value: string, then: () => void) => {
      const expected = known[spec.key.toLowerCase()];
      if (spec.kind === "id" && !/^\s*\d+\s*$/.test(value)) return;
      if (expected !== undefined && value !== expected) return;
      values.push(value);
      then();
      values.pop();
    };
    if (index === layout.head.length - 1) {
      accept(valueBetween(index, at, head.length), () => splits.push([...values]));
      return;
    }
    for (const nextAt of positions[index + 1]!) {
      // The next key needs its own separator after this key's colon.
      if (nextAt - 1 < at + spec.key.length + 1) continue;
      accept(valueBetween(index, at, nextAt - 1), () => walk(index + 1, nextAt, values));
    }
  };
  walk(0, 0, []);
  if (tried > MAX_SPLITS_TRIED || splits.length > 1) {
    return {
      ok: false,
      reason: "ambiguous",
      detail: `a free-text value contains text that reads as one of the keys ${layout.head.map((s) => s.key).join(", ")}`,
    };
  }
  const split = splits[0];
  if (!split) {
    return {
      ok: false,
      reason: "unreadable",
      detail: `the keys ${layout.head.map((s) => s.key).join(", ")} are not all there in their documented order`,
    };
  }
  layout.head.forEach((spec, i) => {
    const value = split[i]!;
    fields[spec.key.toLowerCase()] = spec.kind === "text" ? value : value.trim();
  });
  return { ok: true, fields };
}

/**
 * `Key:value` blocks, one field per line, separated by blank lines (getHierarchy_v2, createUsers results). A line
 * is split at its FIRST colon, so a colon in a value stays in the value; a value never spans lines. The value is
 * verbatim after the colon.
 */
export function readKeyValueBlocks(body: string): Record<string, string>[] {
  const blocks: Record<string, string>[] = [];
  forEachKeyValueBlock(body, (block) => {
    blocks.push(block);
  });
  return blocks;
}

/**
 * The same blocks handed over one at a time, none kept: a caller that keeps a few of 100,000 (an incremental run's
 * tree read) never holds them all.
 */
export function forEachKeyValueBlock(body: string, visit: (block: Record<string, string>) => void): void {
  // A getHierarchy_v2 of 100,000 technicians is close to a million lines: they are walked in place rather than split
  // into an array of line strings, and only each field's key and value are cut out of the body.
  let current: Record<string, string> = {};
  let empty = true;
  const close = () => {
    if (!empty) visit(current);
    current = {};
    empty = true;
  };
  // The next colon at or after the line's start: colons only move forward, so a line without one costs no rescan.
  let colon = -1;
  for (let start = 0; ; ) {
    const newline = body.indexOf("\n", start);
    const end = newline === -1 ? body.length : newline;
    if (colon < start) colon = body.indexOf(":", start);
    if (colon === -1 || colon >= end) {
      if (isBlank(body, start, end)) close();
    } else if (colon > start) {
      const key = body.slice(start, colon).trim();
      if (KEY_SHAPE.test(key)) {
        const k = lowerCaseKey(key);
        if (!(k in current)) {
          current[k] = body.slice(colon + 1, end);
          empty = false;
        }
      }
    }
    if (newline === -1) break;
    start = newline + 1;
  }
  close();
}

const KEY_SHAPE = /^[A-Za-z][A-Za-z0-9_]*$/;

/** Lower-cased keys, shared: a big reply repeats the same few keys on every block. Bounded, as replies are input. */
const lowerCaseKeys = new Map<string, string>();
function lowerCaseKey(key: string): string {
  let lower = lowerCaseKeys.get(key);
  if (lower === undefined) {
    lower = key.toLowerCase();
    if (lowerCaseKeys.size < 256) lowerCaseKeys.set(key, lower);
  }
  return lower;
}

/** Whether text[start, end) is only white space (what String.prototype.trim removes). */
function isBlank(text: string, start: number, end: number): boolean {
  for (let i = start; i < end; i += 1) {
    const code = text.charCodeAt(i);
    if (code === 32 || (code >= 9 && code <= 13)) continue;
    if (code < 128 || !/\s/.test(text.charAt(i))) return false;
  }
  return true;
}

/**
 * getAccount, per the official sample: `OK AccountID:560961 Organization:Company AdminID:337365 TechID:337366`,
 * then `Email:…` on its own line. Organization is free text between two numeric keys; AdminID and TechID are
 * numbers, so the last `AdminID:<digits> TechID:<digits>` ending the line is the real one.
 */
export function readAccountFields(body: string): Record<string, string> | undefined {
  const lines = body.replace(/^[ \t\n]+/, "").split("\n");
  const first = (lines[0] ?? "").replace(/[ \t]+$/, "");
  const match = /^AccountID:[ \t]*(\d+)[ \t]+Organization:(.*)[ \t]+AdminID:[ \t]*(\d+)[ \t]+TechID:[ \t]*(\d+)$/i.exec(
    first,
  );
  if (!match) return undefined;
  const fields: Record<string, string> = {
    accountid: match[1]!,
    organization: match[2]!,
    adminid: match[3]!,
    techid: match[4]!,
  };
  for (const block of readKeyValueBlocks(lines.slice(1).join("\n"))) {
    for (const [k, v] of Object.entries(block)) if (!(k in fields)) fields[k] = v.trim();
  }
  return fields;
}
