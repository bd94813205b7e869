import type { MethodResult } from "./organisation";

type Value = string | number | boolean;

function text(value: Value): string {
  if (typeof value === "boolean") return value ? "True" : "False";
  // A value never spans lines: the format has no escaping.
  return String(value).replace(/[\r\n]+/g, " ");
}

/**
 * The GET/POST plain-text body, shaped after the documented samples (rescue-api.md §1): status-only codes alone;
 * `OK <id>` for creates; `KEY: value` lines for getUser; `Key:value` node blocks separated by blank lines for
 * getHierarchy_v2; getAccount's first line holding several fields, then `Email:` on its own line.
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
    return ["OK", ...result.fields.map(([k, v]) => `${k}: ${text(v)}`)].join("\n");
  }
  return result.code;
}
