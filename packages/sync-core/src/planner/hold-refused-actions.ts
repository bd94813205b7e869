import type { HeldAction, PlanWarning, SyncAction } from "../plan";

/**
 * What an action would write, as a stable string: its kind, its target (node or group) and the fields or status
 * it sets. Two runs that would send the same thing to Rescue give the same fingerprint.
 */
export function fingerprintAction(action: SyncAction): string {
  switch (action.kind) {
    case "create": {
      const { name, nick, email, ssoId } = action.fields;
      return JSON.stringify(["create", action.rescueGroupId, name, nick, email, ssoId]);
    }
    case "update": {
      const { name, nick, email, ssoId } = action.fields;
      return JSON.stringify(["update", action.rescueNodeId, name, nick, email, ssoId, action.keepSsoIdIfSet ?? false]);
    }
    case "enable":
      return JSON.stringify(["enable", action.rescueNodeId]);
    case "disable":
      return JSON.stringify(["disable", action.rescueNodeId, action.disableReason]);
    case "adopt":
      return JSON.stringify(["adopt", action.rescueNodeId]);
  }
}

export interface HoldResult {
  actions: SyncAction[];
  warnings: PlanWarning[];
  /** Holds that no longer apply: the action is not planned any more, or its input changed. */
  released: string[];
}

/**
 * Unknown-code rule: an action refused with a code nobody documented is not tried again while its input is the
 * same; it shows as an `action-held` warning naming the code. A changed input (the fields it would write, the
 * target group, the status) or an action that is no longer planned releases the hold.
 */
export function holdRefusedActions(actions: readonly SyncAction[], held: readonly HeldAction[]): HoldResult {
  const byId = new Map(held.map((hold) => [hold.actionId, hold]));
  const kept: SyncAction[] = [];
  const warnings: PlanWarning[] = [];
  const stillHeld = new Set<string>();
  for (const action of actions) {
    const hold = byId.get(action.id);
    if (!hold || hold.inputFingerprint !== action.inputFingerprint) {
      kept.push(action);
      continue;
    }
    stillHeld.add(hold.actionId);
    warnings.push({
      code: "action-held",
      entraUserId: action.entraUserId,
      ...(action.kind === "create" ? {} : { rescueNodeId: action.rescueNodeId }),
      actionId: action.id,
      refusalCode: hold.code,
      message: `${action.kind} held: Rescue refused it${hold.refusedAt ? ` on ${hold.refusedAt}` : ""} with ${hold.code}, a code TechSync does not know (${hold.message}); it is tried again when the user's data, target group or status changes. See the sync log of that run.`,
    });
  }
  const released = held.map((hold) => hold.actionId).filter((id) => !stillHeld.has(id));
  return { actions: kept, warnings, released: [...new Set(released)].sort() };
}
