import pLimit from "p-limit";
import type { DirectoryUser, GroupMapping } from "./domain";
import { callWithRetry, type RetryContext } from "./executor/call-with-retry";
import type { DirectorySnapshot } from "./plan";
import type { DirectorySource } from "./ports";

export interface ReadDirectoryOptions {
  retry: RetryContext;
  /** Groups read at once (default 4). */
  concurrency?: number;
  onGroupRead?: (done: number, total: number) => void;
}

/**
 * Reads each mapped group's members once (mappings that share a group and transitivity share the read),
 * page by page. A group that cannot be read fails the whole read: a missing group would look like
 * "everyone left" and disable them all (rule 6).
 */
export async function readDirectorySnapshot(
  directory: Pick<DirectorySource, "groupMembers">,
  mappings: readonly GroupMapping[],
  options: ReadDirectoryOptions,
): Promise<DirectorySnapshot> {
  const keyOf = (mapping: GroupMapping) => `${mapping.transitive ? "t" : "d"}:${mapping.entraGroupId}`;
  const reads = new Map<string, GroupMapping>();
  for (const mapping of mappings) if (!reads.has(keyOf(mapping))) reads.set(keyOf(mapping), mapping);

  const limit = pLimit(Math.max(1, options.concurrency ?? 4));
  let done = 0;
  const members = new Map<string, DirectoryUser[]>();
  await Promise.all(
    [...reads].map(([key, mapping]) =>
      limit(async () => {
        // A retryable failure mid-way restarts the group from its first page: page tokens may not survive it.
        const { value } = await callWithRetry(async () => {
          const users: DirectoryUser[] = [];
          for await (const page of directory.groupMembers(mapping.entraGroupId, { transitive: mapping.transitive })) {
            for (const user of page) users.push(user);
          }
          return users;
        }, options.retry);
        members.set(key, value);
        done += 1;
        options.onGroupRead?.(done, reads.size);
      }),
    ),
  );
  const snapshot = new Map<string, readonly DirectoryUser[]>();
  for (const mapping of mappings) snapshot.set(mapping.id, members.get(keyOf(mapping)) ?? []);
  return snapshot;
}
