// Phases 2 and 5 of the planner: the guards. Before matching, values Rescue would refuse (field limits, emails) keep
// that one user out of the plan with a warning; at the end, the safety threshold (rule 11) may block the plan.
import { isExternalUserPrincipalName, type SafetyThreshold } from "../domain";
import { type PlanWarning, type SafetyCheck, SYNC_ACTION_KINDS, type SyncAction, type SyncActionKind } from "../plan";
import { checkSafety } from "./check-safety";
import type { DerivedFields } from "./derive-technician-fields";
import type { DerivedUser } from "./match";
import type { LateSkip, ScopeEntry } from "./scope";

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** A user in scope with the fields Rescue should show. */
export interface GuardedUser extends DerivedUser {
  entry: ScopeEntry;
}

export interface GuardedFields {
  /** Every user in scope, with derived fields; `derived.problems` non-empty for those left alone. */
  users: GuardedUser[];
  /** The problems, one per field Rescue would refuse (missing-name, invalid-email, field-too-long, …). */
  warnings: PlanWarning[];
  /** Guests (or #EXT# accounts) with no usable email: tallied as skipped members rather than warned one by one. */
  skips: LateSkip[];
}

/**
 * Derives each user's technician fields and keeps the values Rescue would refuse out of the plan: the user is left
 * alone (rule 9, caught early) and the problem is a warning on that user, never a failed plan.
 */
export function guardFields(
  /** The scope's entries (a Map is walked with forEach: an iterator allocates a result per user). */
  entries: ReadonlyMap<string, ScopeEntry> | readonly ScopeEntry[],
  derive: (user: ScopeEntry["user"]) => DerivedFields,
): GuardedFields {
  const users: GuardedUser[] = [];
  const warnings: PlanWarning[] = [];
  const skips: LateSkip[] = [];
  entries.forEach((entry: ScopeEntry) => {
    const { user } = entry;
    const derived = derive(user);
    users.push({ entry, user, derived });
    if (derived.problems.length === 0) return;
    if (!derived.fields.email && (user.userType === "guest" || isExternalUserPrincipalName(user.userPrincipalName))) {
      // A guest whose only address is its #EXT# sign-in name: tallied per mapping (rule 1) rather than warned.
      skips.push({
        mappingId: entry.firstMapping.id,
        member: {
          id: user.id,
          kind: user.userType === "guest" ? "guest" : "user",
          displayName: user.displayName || user.userPrincipalName,
          reason: "no-usable-email",
        },
      });
      warnings.push(...derived.problems.filter((problem) => problem.code !== "missing-email"));
    } else {
      warnings.push(...derived.problems);
    }
  });
  return { users, warnings, skips };
}

export interface GuardedRun {
  /** Sorted by kind (SYNC_ACTION_KINDS), then user: the plan does not depend on the order of its inputs. */
  actions: SyncAction[];
  warnings: PlanWarning[];
  counts: Record<SyncActionKind, number>;
  safety: SafetyCheck;
}

/**
 * rule 11: more disables than the threshold allows (of the technicians linked at the start) blocks the plan.
 * Sorts actions and warnings so the plan is a function of its inputs, not of their order. Copies; sorts nothing given.
 */
export function guardRun(
  actions: readonly SyncAction[],
  warnings: readonly PlanWarning[],
  linkedCount: number,
  threshold: SafetyThreshold | undefined,
): GuardedRun {
  const kindOrder = new Map<SyncActionKind, number>(SYNC_ACTION_KINDS.map((kind, i) => [kind, i]));
  const sortedActions = [...actions].sort(
    (a, b) => kindOrder.get(a.kind)! - kindOrder.get(b.kind)! || compareStrings(a.entraUserId, b.entraUserId),
  );
  const sortedWarnings = [...warnings].sort(
    (a, b) =>
      compareStrings(a.entraUserId ?? "", b.entraUserId ?? "") ||
      compareStrings(a.code, b.code) ||
      (a.rescueNodeId ?? 0) - (b.rescueNodeId ?? 0) ||
      compareStrings(a.mappingId ?? "", b.mappingId ?? "") ||
      compareStrings(a.field ?? "", b.field ?? "") ||
      compareStrings(a.message, b.message),
  );
  const counts: Record<SyncActionKind, number> = { create: 0, adopt: 0, update: 0, enable: 0, disable: 0 };
  for (const action of sortedActions) counts[action.kind] += 1;
  const safety = checkSafety(counts.disable, linkedCount, threshold);
  return { actions: sortedActions, warnings: sortedWarnings, counts, safety };
}
