import pLimit from "p-limit";
import type { DirectoryUser, GroupMapping } from "./domain";
import { callWithRetry, type RetryContext } from "./executor/call-with-retry";
import type { DirectorySnapshot, SkippedDirectoryMember, SkippedMemberSnapshot, SkippedMemberTally } from "./plan";
import { SkippedMemberTallies } from "./planner/tally-skipped-members";
import type { DirectorySource } from "./ports";

export interface ReadDirectoryOptions {
  retry: RetryContext;
  /** Groups read at once (default 4). */
  concurrency?: number;
  onGroupRead?: (done: number, total: number) => void;
}

/** planRun's directory inputs: each mapping's members, and what the source skipped in its group. */
export interface DirectoryRead {
  members: DirectorySnapshot;
  skippedMembers: SkippedMemberSnapshot;
}

/**
 * Reads each mapped group's members once (mappings that share a group and transitivity share the read),
 * page by page. A group that cannot be read fails the whole read: a missing group would look like
 * "everyone left" and disable them all (rule 6). Skipped members are tallied as they arrive, never kept one by one.
 */
export async function readDirectory(
  directory: Pick<DirectorySource, "groupMembers">,
  mappings: readonly GroupMapping[],
  options: ReadDirectoryOptions,
): Promise<DirectoryRead> {
  const keyOf = (mapping: GroupMapping) => `${mapping.transitive ? "t" : "d"}:${mapping.entraGroupId}`;
  const reads = new Map<string, GroupMapping>();
  for (const mapping of mappings) if (!reads.has(keyOf(mapping))) reads.set(keyOf(mapping), mapping);

  const limit = pLimit(Math.max(1, options.concurrency ?? 4));
  let done = 0;
  const members = new Map<string, DirectoryUser[]>();
  const skipped = new Map<string, SkippedMemberTally[]>();
  await Promise.all(
    [...reads].map(([key, mapping]) =>
      limit(async () => {
        // A retryable failure mid-way restarts the group from its first page: page tokens may not survive it.
        const { value } = await callWithRetry(async () => {
          const users: DirectoryUser[] = [];
          const tallies = new SkippedMemberTallies();
          const onSkipped = (page: readonly SkippedDirectoryMember[]) => {
            for (const member of page) tallies.add(member);
          };
          for await (const page of directory.groupMembers(mapping.entraGroupId, {
            transitive: mapping.transitive,
            onSkipped,
          })) {
            for (const user of page) users.push(user);
          }
          return { users, tallies: tallies.toArray() };
        }, options.retry);
        members.set(key, value.users);
        skipped.set(key, value.tallies);
        done += 1;
        options.onGroupRead?.(done, reads.size);
      }),
    ),
  );
  const snapshot = new Map<string, readonly DirectoryUser[]>();
  const skippedMembers = new Map<string, readonly SkippedMemberTally[]>();
  for (const mapping of mappings) {
    snapshot.set(mapping.id, members.get(keyOf(mapping)) ?? []);
    skippedMembers.set(mapping.id, skipped.get(keyOf(mapping)) ?? []);
  }
  return { members: snapshot, skippedMembers };
}

/** The members only, for callers that report nothing about skipped members. */
export async function readDirectorySnapshot(
  directory: Pick<DirectorySource, "groupMembers">,
  mappings: readonly GroupMapping[],
  options: ReadDirectoryOptions,
): Promise<DirectorySnapshot> {
  return (await readDirectory(directory, mappings, options)).members;
}
