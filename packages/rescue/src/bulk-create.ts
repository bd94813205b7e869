// The learned bulk path: `createUsers` is confirmed by no public caller (its array encoding and its reply are
// guesses), so it is an optimisation a tenant's client learns, never the default. What it learned is kept per
// tenant and handed to the next client: unknown → try it once; available → use it; unavailable → never again
// until the connection's credentials or destination change.
import { encodeForm, type FormValue } from "./wire/plain-text";

export type BulkCreateCapability = "unknown" | "available" | "unavailable";

export interface BulkCreateKnowledge {
  capability: BulkCreateCapability;
  /** Why, in words (e.g. "createUsers answered HTTP 500 on batch 1"); null when unknown. */
  reason: string | null;
  /** When it was learned; null when unknown. */
  checkedAt: Date | null;
}

export const UNKNOWN_BULK_CREATE: BulkCreateKnowledge = { capability: "unknown", reason: null, checkedAt: null };

/**
 * Stock ASP.NET limits a form POST must stay under (aspnet:MaxHttpCollectionKeys = 1000 keys, maxRequestLength =
 * 4 MB); Rescue's own settings are unconfirmed, so assume the stock ones.
 */
export interface FormLimits {
  maxKeys: number;
  maxBytes: number;
}

export const ASP_NET_FORM_LIMITS: FormLimits = { maxKeys: 1000, maxBytes: 4 * 1024 * 1024 };

/** Keys and encoded bytes one set of form fields adds to a POST body (`&` separators included). */
export function formCost(params: Record<string, FormValue>): { keys: number; bytes: number } {
  const encoded = encodeForm(params);
  let keys = 0;
  for (const _ of encoded.keys()) keys += 1;
  return { keys, bytes: Buffer.byteLength(encoded.toString()) + 1 };
}

/**
 * Split rows into POST batches that each stay within the limits, counting the fields sent with every call (e.g.
 * `authcode`) against each batch. A row that alone exceeds the limits gets a batch of its own (Rescue refuses it,
 * and the caller creates it one by one).
 */
export function planFormBatches<T>(
  rows: readonly T[],
  fieldsOf: (row: T, index: number) => Record<string, FormValue>,
  fixed: Record<string, FormValue>,
  limits: FormLimits = ASP_NET_FORM_LIMITS,
): T[][] {
  const base = formCost(fixed);
  const batches: T[][] = [];
  let current: T[] = [];
  let keys = base.keys;
  let bytes = base.bytes;
  for (const row of rows) {
    const cost = formCost(fieldsOf(row, current.length));
    if (current.length > 0 && (keys + cost.keys > limits.maxKeys || bytes + cost.bytes > limits.maxBytes)) {
      batches.push(current);
      current = [];
      keys = base.keys;
      bytes = base.bytes;
    }
    current.push(row);
    keys += cost.keys;
    bytes += cost.bytes;
  }
  if (current.length > 0) batches.push(current);
  return batches;
}

/** What one client did to create technicians, for the run log. */
export interface CreatePathStats {
  /** The knowledge the client started with. */
  startedWith: BulkCreateKnowledge;
  createdInBulk: number;
  bulkCalls: number;
  createdOneByOne: number;
  /** Technicians a refused bulk batch had created anyway, found by email and adopted. */
  adoptedAfterRefusal: number;
  /** Set when bulk was refused during this client's life. */
  refusal: { batch: number; reason: string } | null;
}

const technicians = (n: number) => `${n} technician${n === 1 ? "" : "s"}`;
const ONE_BY_ONE = "one by one (createUser + setUser_v2)";

/** The run-log sentence that says which create path was used and why; undefined when nothing was created. */
export function describeCreatePath(stats: CreatePathStats, now: BulkCreateKnowledge): string | undefined {
  const total = stats.createdInBulk + stats.createdOneByOne + stats.adoptedAfterRefusal;
  if (total === 0 && !stats.refusal) return undefined;
  const mixed = stats.createdInBulk > 0 || stats.adoptedAfterRefusal > 0;
  const how = mixed
    ? ` (${[
        stats.createdInBulk > 0 ? `${stats.createdInBulk} in bulk` : "",
        stats.adoptedAfterRefusal > 0 ? `${stats.adoptedAfterRefusal} found already created and adopted` : "",
        stats.createdOneByOne > 0 ? `${stats.createdOneByOne} ${ONE_BY_ONE}` : "",
      ]
        .filter(Boolean)
        .join(", ")})`
    : ` ${ONE_BY_ONE}`;
  if (stats.refusal) {
    const then =
      now.capability === "unavailable"
        ? "remembered, this and later runs use the confirmed path"
        : "this run finished on the confirmed path";
    return `Created ${technicians(total)}${how}: bulk creation (createUsers) refused on batch ${stats.refusal.batch} (${stats.refusal.reason}): ${then}`;
  }
  if (stats.createdInBulk > 0 && stats.createdOneByOne === 0) {
    const learned = stats.startedWith.capability === "available" ? "learned earlier" : "confirmed by this run";
    return `Created ${technicians(total)} in bulk (createUsers, ${stats.bulkCalls} call${stats.bulkCalls === 1 ? "" : "s"}): bulk creation ${learned} for this organisation`;
  }
  if (stats.createdInBulk > 0) {
    return `Created ${technicians(total)}${how}: bulk creation works, some technicians needed the confirmed path`;
  }
  const why = `bulk creation is not confirmed for this organisation${now.reason ? ` (${now.reason})` : ""}`;
  return `Created ${technicians(total)}${how}: ${why}`;
}
