// Everything specific to Rescue's GET/POST "plain text" transport lives here (docs/rescue-api.md), so that moving a
// method to SOAP later touches nothing else: request encoding, the HTTP exchange, and the tolerant reply parser.

import { readKeyValueBlocks } from "./reply-layouts";

/** A parsed plain-text reply: the return-code token, an optional bare value, and what follows it. */
export interface PlainTextReply {
  /** The return-code token, upper-cased (`OK`, `ERROR`, `INVALIDPARAM_NODE`, ...); "" for an empty body. */
  code: string;
  /** A bare value after the token (`OK 337366` → "337366"; `OK:<url>` → "<url>"). */
  value: string | undefined;
  /** Everything after the token, line endings turned into LF: method-specific readers take it from here. */
  text: string;
  /** `Key:value` fields of every block, keys lower-cased, values trimmed; an earlier block wins. */
  fields: Record<string, string>;
  /** One record per blank-line-separated `Key:value` block (getHierarchy_v2 nodes, createUsers results). */
  blocks: Record<string, string>[];
  /** The body was an HTML page (e.g. the login page Rescue reportedly serves for an unknown method): never data. */
  html: boolean;
}

const EMPTY: Omit<PlainTextReply, "html"> = { code: "", value: undefined, text: "", fields: {}, blocks: [] };

/** An HTML page instead of a plain-text reply: a proxy, a login page or a wrong base URL. */
export function looksLikeHtml(body: string): boolean {
  return /^\s*</.test(body) || /<html[\s>]/i.test(body.slice(0, 2048));
}

/** The first line with more than blanks, found without splitting the whole text (a big tree has a million lines). */
function firstNonEmptyLine(text: string): string | undefined {
  for (let start = 0; ; ) {
    const end = text.indexOf("\n", start);
    const line = text.slice(start, end === -1 ? text.length : end);
    if (line.trim() !== "") return line;
    if (end === -1) return undefined;
    start = end + 1;
  }
}

/**
 * Parse a GET/POST reply body into its return-code token and the rest. The documented shapes (docs/rescue-api.md,
 * "Reply layouts"): a bare token; `OK <id>`; `OK AUTHCODE: <code>`; `OK` + `KEY: value` pairs (read with
 * readKeyedFields); `OK` + `Key:value` blocks; `OK:<url>`; CRLF or LF, trailing whitespace; an HTML page.
 */
export function parsePlainTextReply(body: string): PlainTextReply {
  const normalised = body.replace(/^\uFEFF/, "").replace(/\r\n?/g, "\n");
  if (looksLikeHtml(normalised)) return { ...EMPTY, html: true };
  const head = /^\s*([A-Za-z][A-Za-z0-9_]*)/.exec(normalised);
  if (!head) return { ...EMPTY, html: false };
  const code = head[1]!.toUpperCase();
  const rest = normalised.slice(head[0].length);
  // `OK:<url>` (getLoginTicket) puts the value right after a colon.
  if (rest.startsWith(":")) return { ...EMPTY, code, value: rest.slice(1).trim(), html: false };
  // `OK <id>` or `OK\n<id>`: the first non-empty line when it is not a field.
  const firstLine = firstNonEmptyLine(rest);
  const value = firstLine !== undefined && !firstLine.includes(":") ? firstLine.trim() : undefined;
  // Blocks and fields are read on first use: a getHierarchy_v2 reply read block by block (forEachKeyValueBlock)
  // never holds 100,000 records at once.
  let blocks: Record<string, string>[] | undefined;
  let fields: Record<string, string> | undefined;
  return {
    code,
    value,
    text: rest,
    get blocks() {
      blocks ??= readKeyValueBlocks(rest);
      return blocks;
    },
    get fields() {
      if (!fields) {
        const read: Record<string, string> = {};
        // for…in rather than Object.entries: a getHierarchy_v2 of 100,000 technicians would allocate an array per field.
        for (const block of this.blocks) for (const k in block) if (!(k in read)) read[k] = (block[k] as string).trim();
        fields = read;
      }
      return fields;
    },
    html: false,
  };
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

/** One user of a `createUsers` call (docs/rescue-api.md). */
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
