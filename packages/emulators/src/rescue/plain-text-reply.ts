import type { MethodResult } from "./organisation";

type Value = string | number | boolean;

function text(value: Value): string {
  if (typeof value === "boolean") return value ? "True" : "False";
  // A value never spans lines: the format has no escaping.
  return String(value).replace(/[\r\n]+/g, " ");
}

/**
 * The GET/POST plain-text body, shaped after the official samples (docs/rescue-api.md, "Reply layouts"):
 * status-only codes alone; `OK <id>` for creates; getUser as the official page prints it, several `KEY: value`
 * pairs on the `OK` line, a line break after DESCRIPTION, then the fixed-vocabulary keys; `Key:value` node blocks
 * separated by blank lines for getHierarchy_v2; getAccount's first line holding four fields, then `Email:`.
 */
export function formatPlainTextReply(result: MethodResult): string {
  if ("id" in result) return `OK ${result.id}`;
  if ("blocks" in result) {
    const blocks = result.blocks.map((block) => block.map(([k, v]) => `${k}:${text(v)}`).join("\n"));
    return `OK\n\n${blocks.join("\n\n")}\n\n`;
  }
  if ("fields" in result) {
    if (result.layout === "account") {
      const first = result.fields.slice(0, 4).map(([k, v]) => `${k}:${text(v)}`);
      const rest = result.fields.slice(4).map(([k, v]) => `${k}:${text(v)}`);
      return [`OK ${first.join(" ")}`, ...rest].join("\n");
    }
    return formatUserReply(result.fields);
  }
  return result.code;
}

/**
 * `OK NODEID: 337366 NAME: John Doe NICK: EMAIL: jdoe@company.com SSOID: DESCRIPTION: ` + line break + `TYPE: …
 * STATUS: Online`, byte for byte for the official sample: each pair is `KEY: value`; an empty value leaves the
 * pair's own space as the separator (`NICK: EMAIL:`), a non-empty one is followed by one space.
 */
function formatUserReply(fields: [string, string | number | boolean][]): string {
  const at = fields.findIndex(([k]) => k === "DESCRIPTION");
  const join = (pairs: [string, string | number | boolean][]) =>
    pairs.map(([k, v], i) => {
      const value = text(v);
      const last = i === pairs.length - 1;
      return `${k}: ${value}${value === "" || last ? "" : " "}`;
    });
  const head = join(fields.slice(0, at + 1)).join("");
  const tail = join(fields.slice(at + 1)).join("");
  return `OK ${head}\n${tail}`;
}
