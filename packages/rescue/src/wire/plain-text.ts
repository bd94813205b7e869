// Everything specific to Rescue's GET/POST "plain text" transport lives here (rescue-api.md §1), so that moving a
// method to SOAP later touches nothing else: request encoding, the HTTP exchange, and the tolerant reply parser.

/** A parsed plain-text reply: the return-code token, an optional bare value, and `Key: value` fields. */
export interface PlainTextReply {
  /** The return-code token, upper-cased (`OK`, `ERROR`, `INVALIDPARAM_NODE`, ...). */
  code: string;
  /** A bare value after the token (`OK 337366` → "337366"; `OK:<url>` → "<url>"). */
  value: string | undefined;
  /** Every field of every block, keys lower-cased; a later block does not overwrite an earlier one. */
  fields: Record<string, string>;
  /** One record per blank-line-separated block that has fields (getHierarchy_v2 nodes, createUsers results). */
  blocks: Record<string, string>[];
}

// Keys that may share one line in the documented samples (`OK NODEID: 1 NAME: John Doe NICK: EMAIL: …`,
// `OK AccountID:560961 Organization:Company AdminID:337365 TechID:337366`). Only these split a line into several
// fields: a free-text value such as a description "Note: call first" stays whole.
const KNOWN_KEYS = [
  "authcode",
  "nodeid",
  "parentid",
  "name",
  "nick",
  "email",
  "ssoid",
  "description",
  "type",
  "status",
  "hasmobileaddon",
  "hasrpataddon",
  "isaccountholder",
  "accountid",
  "organization",
  "adminid",
  "techid",
  "uniqueid",
  "result",
];
const KNOWN_KEY_AT = new RegExp(`(?:^|\\s)(${KNOWN_KEYS.join("|")}):`, "gi");

function parseFieldLine(line: string, into: Record<string, string>): boolean {
  const starts = [...line.matchAll(KNOWN_KEY_AT)];
  if (starts.length > 1) {
    starts.forEach((match, i) => {
      const keyStart = (match.index ?? 0) + match[0].length - match[1]!.length - 1;
      const valueStart = keyStart + match[1]!.length + 1;
      const next = starts[i + 1];
      const valueEnd = next ? (next.index ?? line.length) : line.length;
      setField(into, match[1]!, line.slice(valueStart, valueEnd));
    });
    return true;
  }
  const colon = line.indexOf(":");
  if (colon <= 0) return false;
  const key = line.slice(0, colon).trim();
  if (!/^[A-Za-z][A-Za-z0-9_]*$/.test(key)) return false;
  setField(into, key, line.slice(colon + 1));
  return true;
}

function setField(into: Record<string, string>, key: string, raw: string): void {
  const k = key.toLowerCase();
  if (!(k in into)) into[k] = raw.trim();
}

/** Parse a GET/POST reply body. Tolerant of CRLF, key case, `Key:value` vs `KEY: value`, one-line samples. */
export function parsePlainTextReply(body: string): PlainTextReply {
  const text = body.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  const head = /^\s*([A-Za-z][A-Za-z0-9_]*)/.exec(text);
  if (!head) return { code: "", value: undefined, fields: {}, blocks: [] };
  const code = head[1]!.toUpperCase();
  let rest = text.slice(head[0].length);
  let value: string | undefined;
  // `OK:<url>` (getLoginTicket) puts the value right after a colon.
  const colonValue = rest.startsWith(":");
  if (colonValue) rest = rest.slice(1);
  const firstLineEnd = rest.indexOf("\n");
  const firstLine = (firstLineEnd === -1 ? rest : rest.slice(0, firstLineEnd)).trim();
  const afterFirstLine = firstLineEnd === -1 ? "" : rest.slice(firstLineEnd + 1);

  const fields: Record<string, string> = {};
  const blocks: Record<string, string>[] = [];
  let current: Record<string, string> = {};
  const closeBlock = () => {
    if (Object.keys(current).length > 0) blocks.push(current);
    current = {};
  };
  if (firstLine !== "" && (colonValue || !parseFieldLine(firstLine, current))) value = firstLine;
  for (const line of afterFirstLine.split("\n")) {
    const trimmed = line.trim();
    if (trimmed === "") {
      closeBlock();
      continue;
    }
    if (!parseFieldLine(trimmed, current) && value === undefined && blocks.length === 0) value = trimmed;
  }
  closeBlock();
  for (const block of blocks) for (const [k, v] of Object.entries(block)) if (!(k in fields)) fields[k] = v;
  return { code, value, fields, blocks };
}

/** A form field value; booleans go out as Rescue's `True`/`False`. */
export type FormValue = string | number | boolean | undefined;

export function encodeForm(params: Record<string, FormValue>): URLSearchParams {
  const form = new URLSearchParams();
  for (const [key, value] of Object.entries(params)) {
    if (value === undefined) continue;
    form.append(key, typeof value === "boolean" ? (value ? "True" : "False") : String(value));
  }
  return form;
}

/** One user of a `createUsers` call (rescue-api.md §4). */
export interface BulkUserRow {
  uniqueid: string;
  parentid: number;
  name: string;
  nick: string;
  email: string;
  ssoid: string;
  pwd: string;
  confpwd: string;
  status: "Enabled" | "Disabled";
}

/**
 * UNCONFIRMED wire encoding of `createUsers`' `USERDATA[]` array (the docs page was cut off): indexed form fields
 * `USERDATA[0].uniqueid=…&USERDATA[0].name=…`, the ASP.NET model-binding convention. The emulator also accepts
 * `USERDATA[0][name]`. Changing the encoding means changing only this function.
 */
export function encodeBulkUsers(rows: readonly BulkUserRow[], firstIndex = 0): Record<string, FormValue> {
  const params: Record<string, FormValue> = {};
  rows.forEach((row, i) => {
    for (const [key, value] of Object.entries(row)) params[`USERDATA[${firstIndex + i}].${key}`] = value;
  });
  return params;
}

/** UNCONFIRMED per-user result of `createUsers`: one block per user with `UniqueID`, `NodeID` and `Result`. */
export interface BulkUserResult {
  uniqueId: string;
  nodeId: number | undefined;
  code: string;
}

export function readBulkUserResults(reply: PlainTextReply): BulkUserResult[] {
  const results: BulkUserResult[] = [];
  for (const block of reply.blocks) {
    const uniqueId = block.uniqueid;
    if (uniqueId === undefined) continue;
    const nodeId = Number(block.nodeid);
    results.push({
      uniqueId,
      nodeId: Number.isInteger(nodeId) && nodeId > 0 ? nodeId : undefined,
      code: (block.result ?? (nodeId > 0 ? "OK" : "ERROR")).toUpperCase(),
    });
  }
  return results;
}

export interface PlainTextExchange {
  httpStatus: number;
  /** Milliseconds from a Retry-After header, when the server sent one. */
  retryAfterMs: number | undefined;
  /** `ASP.NET_SessionId=…` (and any other cookie) from Set-Cookie, when the server started a session. */
  sessionCookie: string | undefined;
  reply: PlainTextReply | undefined;
  rawBody: string;
}

export interface PlainTextRequest {
  baseUrl: string;
  method: string;
  params: Record<string, FormValue>;
  sessionCookie?: string | undefined;
  signal: AbortSignal;
  fetch?: typeof fetch;
}

/** POST the form to `<base>/API/<method>.aspx` (POST keeps secrets out of URLs and proxy logs). */
export async function exchangePlainText(request: PlainTextRequest): Promise<PlainTextExchange> {
  const url = `${request.baseUrl.replace(/\/+$/, "")}/API/${request.method}.aspx`;
  const headers: Record<string, string> = {
    "content-type": "application/x-www-form-urlencoded",
    accept: "text/plain",
  };
  if (request.sessionCookie) headers.cookie = request.sessionCookie;
  const response = await (request.fetch ?? fetch)(url, {
    method: "POST",
    headers,
    // A string body goes out in one write; a URLSearchParams body is streamed (measurably more CPU per call).
    body: encodeForm(request.params).toString(),
    signal: request.signal,
  });
  const rawBody = await response.text();
  const ok = response.status >= 200 && response.status < 300;
  return {
    httpStatus: response.status,
    retryAfterMs: parseRetryAfter(response.headers.get("retry-after")),
    sessionCookie: readSessionCookie(response.headers.getSetCookie?.() ?? []),
    reply: ok ? parsePlainTextReply(rawBody) : undefined,
    rawBody,
  };
}

function parseRetryAfter(header: string | null): number | undefined {
  if (!header) return undefined;
  const seconds = Number(header);
  if (Number.isFinite(seconds)) return Math.max(0, seconds * 1000);
  const date = Date.parse(header);
  return Number.isNaN(date) ? undefined : Math.max(0, date - Date.now());
}

/**
 * The cookies to send back: `ASP.NET_SessionId` [3p], and — since login "keeps the session in cookies" and the
 * exact set is unconfirmed — every other cookie the login reply sets (e.g. a forms-auth cookie).
 */
function readSessionCookie(setCookies: string[]): string | undefined {
  const pairs = setCookies.map((header) => /^\s*([^=;\s]+=[^;]*)/.exec(header)?.[1]).filter((p) => p !== undefined);
  return pairs.length > 0 ? pairs.join("; ") : undefined;
}
