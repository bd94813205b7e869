// Incremental runs: what changed for the mapped groups' users since the tenant's stored delta links, and fresh links
// for the next round. Graph's group delta reports direct membership only (a member added to a nested group shows on
// that nested group, never on the mapped parent), so the links cover the mapped groups and every group nested in
// them; a change of the nesting itself is answered "run full". For each changed user, its user object and its
// (transitive) group memberships are read in JSON $batch calls (20 requests each), never the groups' member lists.
import type { DirectoryUser } from "@techsync/sync-core";
import { type DeltaPage, MAX_DELTA_GROUPS, readGroupsDelta, readUsersDelta } from "./directory-delta";
import { type GraphUserObject, toDirectoryUser, USER_SELECT } from "./directory-objects";
import type { TenantGraphClient } from "./tenant-graph-client";

/** One stored delta link: `users`, or `groups:<n>` for the n-th round of at most 50 tracked groups. */
export interface DeltaCursor {
  scope: string;
  deltaLink: string;
}

export interface IncrementalMapping {
  id: string;
  entraGroupId: string;
  transitive: boolean;
}

export type DirectoryChanges =
  /** The changes cannot be read incrementally: the run reads everything (the reason says why, for the run). */
  | { kind: "full"; reason: string }
  | {
      kind: "changes";
      /** Every user whose membership or attributes changed (removed users included). */
      users: Set<string>;
      /** Per mapping id, the changed users that are (still) members of its group. */
      directory: Map<string, DirectoryUser[]>;
      /** The links to store once the run applied the changes (a crash before that replays this round). */
      cursors: DeltaCursor[];
    };

const EVENTUAL = { ConsistencyLevel: "eventual" };

interface Paged<T> {
  value: T[];
  "@odata.nextLink"?: string;
}

/** Follows a whole round of delta pages; `resync` when Graph says the link expired. */
async function drain<T>(
  pages: AsyncIterable<DeltaPage<T>>,
): Promise<{ kind: "resync" } | { kind: "ok"; changes: T[]; deltaLink: string }> {
  const changes: T[] = [];
  for await (const page of pages) {
    if (page.kind === "resyncRequired") return { kind: "resync" };
    changes.push(...page.changes);
    if (page.deltaLink) return { kind: "ok", changes, deltaLink: page.deltaLink };
  }
  throw new Error("A delta round ended without a deltaLink.");
}

/** The mapped groups and, for transitive mappings, every group nested in them: what group delta must watch. */
export async function trackedGroups(
  graph: TenantGraphClient,
  mappings: readonly IncrementalMapping[],
): Promise<string[]> {
  const tracked = new Set(mappings.map((mapping) => mapping.entraGroupId));
  const transitive = new Set(mappings.filter((m) => m.transitive).map((m) => m.entraGroupId));
  for (const groupId of transitive) {
    let page = await graph.get<Paged<{ id: string }>>(
      `/groups/${encodeURIComponent(groupId)}/transitiveMembers/microsoft.graph.group?$select=id&$top=999&$count=true`,
      EVENTUAL,
    );
    for (;;) {
      for (const group of page.value) tracked.add(group.id);
      const next = page["@odata.nextLink"];
      if (!next) break;
      page = await graph.getLink<Paged<{ id: string }>>(next, EVENTUAL);
    }
  }
  return [...tracked].sort();
}

/**
 * Fresh links "from now" (`$deltatoken=latest`: no initial round through the whole directory). A full run takes
 * them before it reads the directory, so a change made while it runs is replayed by the next incremental run.
 */
export async function startDeltaCursors(
  graph: TenantGraphClient,
  mappings: readonly IncrementalMapping[],
): Promise<DeltaCursor[]> {
  const groups = await trackedGroups(graph, mappings);
  const cursors: DeltaCursor[] = [];
  for (let start = 0, round = 0; start < groups.length; start += MAX_DELTA_GROUPS, round += 1) {
    const filter = groups
      .slice(start, start + MAX_DELTA_GROUPS)
      .map((id) => `id eq '${id.replace(/'/g, "''")}'`)
      .join(" or ");
    const page = await graph.get<{ "@odata.deltaLink"?: string }>(
      `/groups/delta?$select=displayName,members&$filter=${encodeURIComponent(filter)}&$deltatoken=latest`,
    );
    const deltaLink = page["@odata.deltaLink"];
    if (!deltaLink) throw new Error("Graph answered a latest group delta without a deltaLink.");
    cursors.push({ scope: `groups:${round}`, deltaLink });
  }
  const users = await graph.get<{ "@odata.deltaLink"?: string }>(
    `/users/delta?$select=${USER_SELECT.join(",")}&$deltatoken=latest`,
  );
  if (!users["@odata.deltaLink"]) throw new Error("Graph answered a latest user delta without a deltaLink.");
  cursors.push({ scope: "users", deltaLink: users["@odata.deltaLink"] });
  return cursors;
}

/**
 * What changed since `cursors` for the mapped groups' users. Users who changed but belong to no mapped group come
 * back with no membership: the plan disables their technician if they have one (rule 6) and otherwise ignores them.
 */
export async function readDirectoryChanges(
  graph: TenantGraphClient,
  options: { mappings: readonly IncrementalMapping[]; cursors: readonly DeltaCursor[] },
): Promise<DirectoryChanges> {
  const userCursor = options.cursors.find((cursor) => cursor.scope === "users");
  const groupCursors = options.cursors.filter((cursor) => cursor.scope.startsWith("groups:"));
  if (!userCursor || groupCursors.length === 0) return { kind: "full", reason: "no delta link stored yet" };

  const changed = new Set<string>();
  const cursors: DeltaCursor[] = [];
  for (const cursor of groupCursors) {
    const round = await drain(readGroupsDelta(graph, { groupIds: [], deltaLink: cursor.deltaLink }));
    if (round.kind === "resync") return { kind: "full", reason: "delta link expired" };
    for (const change of round.changes) {
      if (change.removed) return { kind: "full", reason: "a mapped or nested group was deleted" };
      for (const member of [...change.membersAdded, ...change.membersRemoved]) {
        if (member.type === "group") return { kind: "full", reason: "the nesting of mapped groups changed" };
        if (member.type === "user") changed.add(member.id);
      }
    }
    cursors.push({ scope: cursor.scope, deltaLink: round.deltaLink });
  }
  const userRound = await drain(readUsersDelta(graph, { deltaLink: userCursor.deltaLink }));
  if (userRound.kind === "resync") return { kind: "full", reason: "delta link expired" };
  cursors.push({ scope: "users", deltaLink: userRound.deltaLink });

  const known = new Map<string, DirectoryUser>();
  const removed = new Set<string>();
  for (const change of userRound.changes) {
    if (change.kind === "removed") {
      removed.add(change.userId);
      changed.add(change.userId);
    } else {
      known.set(change.user.id, change.user);
      changed.add(change.user.id);
    }
  }

  const directory = new Map<string, DirectoryUser[]>(options.mappings.map((mapping) => [mapping.id, []]));
  const toRead = [...changed].filter((id) => !removed.has(id)).sort();
  if (toRead.length > 0) {
    const needDirect = options.mappings.some((mapping) => !mapping.transitive);
    const needTransitive = options.mappings.some((mapping) => mapping.transitive);
    const items = toRead.flatMap((id, index) => {
      const path = `/users/${encodeURIComponent(id)}`;
      return [
        ...(known.has(id) ? [] : [{ id: `u${index}`, url: `${path}?$select=${USER_SELECT.join(",")}` }]),
        ...(needTransitive ? [{ id: `t${index}`, url: `${path}/transitiveMemberOf?$select=id&$top=999` }] : []),
        ...(needDirect ? [{ id: `d${index}`, url: `${path}/memberOf?$select=id&$top=999` }] : []),
      ];
    });
    const results = new Map((await graph.batch(items)).map((result) => [result.id, result]));
    const groupsOf = async (key: string): Promise<Set<string> | null> => {
      const result = results.get(key);
      if (!result) return new Set();
      if (result.error?.kind === "notFound") return null;
      if (result.error) throw result.error;
      let page = result.body as Paged<{ id: string }>;
      const ids = new Set<string>();
      for (;;) {
        for (const group of page.value ?? []) ids.add(group.id);
        const next = page["@odata.nextLink"];
        if (!next) return ids;
        page = await graph.getLink<Paged<{ id: string }>>(next);
      }
    };
    for (const [index, id] of toRead.entries()) {
      let user = known.get(id);
      if (!user) {
        const result = results.get(`u${index}`);
        if (result?.error?.kind === "notFound") continue; // gone since: out of every group
        if (result?.error) throw result.error;
        user = toDirectoryUser(result?.body as GraphUserObject);
      }
      const transitive = needTransitive ? await groupsOf(`t${index}`) : new Set<string>();
      const direct = needDirect ? await groupsOf(`d${index}`) : new Set<string>();
      if (transitive === null || direct === null) continue;
      for (const mapping of options.mappings) {
        const groups = mapping.transitive ? transitive : direct;
        if (groups.has(mapping.entraGroupId)) directory.get(mapping.id)?.push(user);
      }
    }
  }
  return { kind: "changes", users: changed, directory, cursors };
}
