// Incremental reads: /groups/delta (mapped groups' direct membership changes) and /users/delta
// (user changes and removals). The deltaLink comes only with the last page: the caller persists it
// after applying that page, so a crash part-way replays the round instead of losing changes.
// Incremental runs read through these (directory-changes.ts).
import type { DirectoryUser } from "@techsync/sync-core";
import { type GraphUserObject, toDirectoryUser, USER_SELECT } from "./directory-objects";
import { EntraError, GraphRequestError } from "./entra-errors";
import type { TenantGraphClient } from "./tenant-graph-client";

/** Graph accepts at most 50 ids in a group delta filter. */
export const MAX_DELTA_GROUPS = 50;

export type RemovalReason = "changed" | "deleted";

export interface DeltaMemberRef {
  id: string;
  type: "user" | "group" | "other";
}

export interface GroupDeltaChange {
  groupId: string;
  displayName?: string;
  /** The group itself was removed (`changed` = soft-deleted, restorable; `deleted` = permanent). */
  removed?: RemovalReason;
  /** Direct members only: Graph reports no changes inside nested groups. */
  membersAdded: DeltaMemberRef[];
  membersRemoved: DeltaMemberRef[];
}

export type UserDeltaChange =
  | { kind: "upsert"; user: DirectoryUser }
  /** `changed` = soft-deleted (restorable), `deleted` = permanent: either way, out of every group. */
  | { kind: "removed"; userId: string; reason: RemovalReason };

export type DeltaPage<TChange> =
  | {
      kind: "changes";
      changes: TChange[];
      /** Present on the last page only. Persist it after applying this page, never before. */
      deltaLink?: string;
    }
  | {
      /** The saved deltaLink expired or the service reset change tracking: discard it and read in full. */
      kind: "resyncRequired";
      code: string;
      requestId?: string;
    };

interface DeltaResponse<T> {
  value: T[];
  "@odata.nextLink"?: string;
  "@odata.deltaLink"?: string;
}

interface GraphGroupDeltaObject {
  id: string;
  displayName?: string;
  "@removed"?: { reason?: string };
  "members@delta"?: { id: string; "@odata.type"?: string; "@removed"?: { reason?: string } }[];
}

interface GraphUserDeltaObject extends GraphUserObject {
  "@removed"?: { reason?: string };
}

function removalReason(removed: { reason?: string }): RemovalReason {
  return removed.reason === "deleted" ? "deleted" : "changed";
}

function memberRef(member: { id: string; "@odata.type"?: string }): DeltaMemberRef {
  const type = member["@odata.type"];
  return {
    id: member.id,
    type: type === "#microsoft.graph.user" ? "user" : type === "#microsoft.graph.group" ? "group" : "other",
  };
}

async function* deltaPages<T, TChange>(
  graph: TenantGraphClient,
  firstUrl: string,
  toChanges: (items: T[]) => TChange[],
): AsyncGenerator<DeltaPage<TChange>> {
  let url: string | undefined = firstUrl;
  while (url) {
    let page: DeltaResponse<T>;
    try {
      page = url.startsWith("/") ? await graph.get<DeltaResponse<T>>(url) : await graph.getLink<DeltaResponse<T>>(url);
    } catch (error) {
      if (error instanceof GraphRequestError && error.kind === "resyncRequired") {
        yield { kind: "resyncRequired", code: error.code, ...(error.requestId ? { requestId: error.requestId } : {}) };
        return;
      }
      throw error;
    }
    const deltaLink = page["@odata.deltaLink"];
    // Pages may be empty yet carry a nextLink: keep following.
    yield { kind: "changes", changes: toChanges(page.value ?? []), ...(deltaLink ? { deltaLink } : {}) };
    url = page["@odata.nextLink"];
  }
}

/** Merges repeated group objects within a page (large groups span several objects). */
function groupChanges(items: GraphGroupDeltaObject[]): GroupDeltaChange[] {
  const byId = new Map<string, GroupDeltaChange>();
  for (const item of items) {
    let change = byId.get(item.id);
    if (!change) {
      change = { groupId: item.id, membersAdded: [], membersRemoved: [] };
      byId.set(item.id, change);
    }
    if (item.displayName !== undefined) change.displayName = item.displayName;
    if (item["@removed"]) change.removed = removalReason(item["@removed"]);
    for (const member of item["members@delta"] ?? []) {
      // Any @removed on a link is a removal, whatever its reason.
      (member["@removed"] ? change.membersRemoved : change.membersAdded).push(memberRef(member));
    }
  }
  return [...byId.values()];
}

function userChanges(items: GraphUserDeltaObject[]): UserDeltaChange[] {
  return items.map((item) =>
    item["@removed"]
      ? { kind: "removed", userId: item.id, reason: removalReason(item["@removed"]) }
      : { kind: "upsert", user: toDirectoryUser(item) },
  );
}

export function readGroupsDelta(
  graph: TenantGraphClient,
  options: { groupIds: readonly string[]; deltaLink?: string },
): AsyncIterable<DeltaPage<GroupDeltaChange>> {
  if (!options.deltaLink) {
    if (options.groupIds.length === 0 || options.groupIds.length > MAX_DELTA_GROUPS) {
      throw new EntraError(
        `A group delta covers 1 to ${MAX_DELTA_GROUPS} groups; ${options.groupIds.length} were given.`,
        {
          kind: "configuration",
          code: "deltaGroupLimit",
          hint: `Split the mapped groups into rounds of at most ${MAX_DELTA_GROUPS}, each with its own deltaLink.`,
        },
      );
    }
  }
  const filter = options.groupIds.map((id) => `id eq '${id.replace(/'/g, "''")}'`).join(" or ");
  const first = options.deltaLink ?? `/groups/delta?$select=displayName,members&$filter=${encodeURIComponent(filter)}`;
  return deltaPages(graph, first, groupChanges);
}

export function readUsersDelta(
  graph: TenantGraphClient,
  options: { deltaLink?: string } = {},
): AsyncIterable<DeltaPage<UserDeltaChange>> {
  const first = options.deltaLink ?? `/users/delta?$select=${USER_SELECT.join(",")}`;
  return deltaPages(graph, first, userChanges);
}
