import pLimit from "p-limit";
import type { TechnicianFields } from "./domain";
import { callWithRetry, type RetryContext } from "./executor/call-with-retry";
import type { Plan } from "./plan";
import type { RescueDirectory } from "./ports";

/**
 * rule 13: the technicians a plan would update without knowing what they hold now (getHierarchy_v2 has no nick or
 * SSO id and no link remembers them): adopt candidates and links without remembered fields. Only these are read.
 */
export function techniciansWithUnknownFields(plan: Pick<Plan, "actions">): number[] {
  const ids = new Set<number>();
  for (const action of plan.actions) {
    if (action.kind === "update" && action.changes.some((change) => change.before === null)) {
      ids.add(action.rescueNodeId);
    }
  }
  return [...ids].sort((a, b) => a - b);
}

/**
 * Reads the key data of the given technicians (getUser_v3 through the port), a few at a time, each call retried
 * with the run's policy. A technician gone meanwhile is left out (the plan then has nothing better to go on).
 */
export async function readTechnicianFields(
  rescue: Pick<RescueDirectory, "getTechnicianFields">,
  nodeIds: readonly number[],
  options: { retry: RetryContext; concurrency?: number },
): Promise<Map<number, TechnicianFields>> {
  const limit = pLimit(Math.max(1, options.concurrency ?? 4));
  const read = new Map<number, TechnicianFields>();
  await Promise.all(
    nodeIds.map((nodeId) =>
      limit(async () => {
        const { value } = await callWithRetry(() => rescue.getTechnicianFields(nodeId), options.retry);
        if (value) read.set(nodeId, value);
      }),
    ),
  );
  return read;
}
