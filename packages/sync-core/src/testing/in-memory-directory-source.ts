import type { DirectoryGroup, DirectoryUser } from "../domain";
import type { SkippedDirectoryMember } from "../plan";
import {
  type Clock,
  type DirectorySource,
  type GroupMembersOptions,
  type GroupSearchPage,
  SyncPortError,
} from "../ports";

export interface InMemoryGroup extends DirectoryGroup {
  /** Direct user members (ids). */
  memberIds: readonly string[];
  /** Direct nested groups (ids). */
  childGroupIds?: readonly string[];
  /** Direct members that are not users (contacts, devices, service principals): reported, never yielded. */
  nonUserMembers?: readonly Omit<SkippedDirectoryMember, "reason">[];
}

export interface InMemoryDirectoryOptions {
  users: readonly DirectoryUser[];
  groups: readonly InMemoryGroup[];
  /** Graph's largest page for members (999). */
  pageSize?: number;
  /** Latency per call (per page), slept on `clock` (default: none). */
  latencyMs?: number;
  clock?: Pick<Clock, "sleep">;
}

/**
 * A fake of Entra as Graph serves it: members and transitiveMembers page by page (999 a page), nested groups
 * flattened for transitive reads (each user once, cycles tolerated), an unknown group is a non-retryable
 * Request_ResourceNotFound. Every page is one counted call.
 */
export class InMemoryDirectorySource implements DirectorySource {
  private users: Map<string, DirectoryUser>;
  private groups: Map<string, InMemoryGroup>;
  private calls = 0;
  private readonly failNextCalls: SyncPortError[] = [];
  private readonly pageSize: number;
  latencyMs: number;

  constructor(private readonly options: InMemoryDirectoryOptions) {
    this.users = new Map(options.users.map((user) => [user.id, user]));
    this.groups = new Map(options.groups.map((group) => [group.id, group]));
    this.pageSize = options.pageSize ?? 999;
    this.latencyMs = options.latencyMs ?? 0;
  }

  async searchGroups(query: string, options: { pageToken?: string; pageSize?: number } = {}): Promise<GroupSearchPage> {
    await this.enter();
    const wanted = query.toLowerCase();
    const all = [...this.groups.values()].filter((group) => group.displayName.toLowerCase().includes(wanted));
    const start = options.pageToken ? Number(options.pageToken) : 0;
    const size = options.pageSize ?? 100;
    const groups = all.slice(start, start + size).map(({ id, displayName }) => ({ id, displayName }));
    return start + size < all.length ? { groups, nextPageToken: String(start + size) } : { groups };
  }

  async getGroup(groupId: string): Promise<DirectoryGroup | null> {
    await this.enter();
    const group = this.groups.get(groupId);
    return group ? { id: group.id, displayName: group.displayName } : null;
  }

  async *groupMembers(groupId: string, options: GroupMembersOptions): AsyncIterable<DirectoryUser[]> {
    if (!this.groups.has(groupId)) {
      await this.enter();
      throw new SyncPortError(`group ${groupId} not found`, { code: "Request_ResourceNotFound" });
    }
    const ids = options.transitive
      ? this.transitiveMemberIds(groupId)
      : [...(this.groups.get(groupId)?.memberIds ?? [])];
    const users = ids.map((id) => this.users.get(id)).filter((user): user is DirectoryUser => user !== undefined);
    const skipped = this.skippedMembers(groupId, options.transitive);
    for (let start = 0; start === 0 || start < users.length; start += this.pageSize) {
      await this.enter();
      if (start === 0 && skipped.length > 0) options.onSkipped?.(skipped);
      yield users.slice(start, start + this.pageSize).map((user) => ({ ...user }));
    }
  }

  /** As the Entra source reports them: non-users of the group (and its nested groups), or unread nested groups. */
  private skippedMembers(groupId: string, transitive: boolean): SkippedDirectoryMember[] {
    const groupIds = transitive ? this.transitiveGroupIds(groupId) : [groupId];
    const skipped = new Map<string, SkippedDirectoryMember>();
    for (const id of groupIds) {
      for (const member of this.groups.get(id)?.nonUserMembers ?? []) {
        skipped.set(member.id, { ...member, reason: "not-a-user" });
      }
    }
    if (!transitive) {
      for (const childId of this.groups.get(groupId)?.childGroupIds ?? []) {
        const child = this.groups.get(childId);
        skipped.set(childId, {
          id: childId,
          kind: "group",
          displayName: child?.displayName ?? null,
          reason: "nested-group-not-read",
        });
      }
    }
    return [...skipped.values()];
  }

  /** Graph's memberOf, groups only: the groups that list the user or group as a direct member. */
  async groupsHolding(objectId: string, kind: "user" | "group"): Promise<DirectoryGroup[]> {
    await this.enter();
    return [...this.groups.values()]
      .filter((group) => (kind === "user" ? group.memberIds : (group.childGroupIds ?? [])).includes(objectId))
      .map(({ id, displayName }) => ({ id, displayName }));
  }

  callCount(): number {
    return this.calls;
  }

  // --- for tests

  /** The next calls fail with these errors, in order. */
  failNext(...errors: SyncPortError[]): void {
    this.failNextCalls.push(...errors);
  }

  setUser(user: DirectoryUser): void {
    this.users.set(user.id, user);
  }

  setGroup(group: InMemoryGroup): void {
    this.groups.set(group.id, group);
  }

  private transitiveGroupIds(groupId: string): string[] {
    const seenGroups = new Set<string>([groupId]);
    const queue = [groupId];
    for (let group = queue.shift(); group !== undefined; group = queue.shift()) {
      for (const child of this.groups.get(group)?.childGroupIds ?? []) {
        if (!seenGroups.has(child)) {
          seenGroups.add(child);
          queue.push(child);
        }
      }
    }
    return [...seenGroups];
  }

  private transitiveMemberIds(groupId: string): string[] {
    const seenGroups = new Set<string>([groupId]);
    const seenUsers = new Set<string>();
    const queue = [groupId];
    for (let group = queue.shift(); group !== undefined; group = queue.shift()) {
      const node = this.groups.get(group);
      for (const id of node?.memberIds ?? []) seenUsers.add(id);
      for (const child of node?.childGroupIds ?? []) {
        if (!seenGroups.has(child)) {
          seenGroups.add(child);
          queue.push(child);
        }
      }
    }
    return [...seenUsers];
  }

  private async enter(): Promise<void> {
    this.calls += 1;
    if (this.latencyMs > 0) {
      await (this.options.clock?.sleep(this.latencyMs) ??
        new Promise((resolve) => setTimeout(resolve, this.latencyMs)));
    }
    const injected = this.failNextCalls.shift();
    if (injected) throw injected;
  }
}

// Drift between the fake and the port fails typecheck.
const _check: Pick<DirectorySource, "searchGroups" | "getGroup" | "groupMembers" | "groupsHolding" | "callCount"> =
  new InMemoryDirectorySource({ users: [], groups: [] });
void _check;
