import { DEFAULT_SSO_ID_SOURCE, type Link, type RescueNode, type TechnicianFields } from "../domain";
import type { Plan, PlanInput } from "../plan";
import { decideActions } from "./decide";
import { compileFieldDerivation, resolveFieldRules } from "./derive-technician-fields";
import { guardFields, guardRun } from "./guard";
import { indexRescue, isTechnicianGroup, matchUsers } from "./match";
import { scopeUsers, skippedMembersOfRun } from "./scope";
import { summarisePairs } from "./summarise-pairs";

/**
 * rule 13: the tree with the key data read from Rescue for this plan (getHierarchy_v2 has no nick or SSO id; runSync
 * reads them for exactly the technicians that would otherwise get a blind update).
 */
function withReadFields(
  tree: readonly RescueNode[],
  read: ReadonlyMap<number, TechnicianFields> | undefined,
): readonly RescueNode[] {
  if (!read || read.size === 0) return tree;
  return tree.map((node) => {
    const fields = read.get(node.id);
    if (!fields || node.kind !== "technician") return node;
    return {
      ...node,
      name: node.name || fields.name,
      email: node.email || fields.email,
      nick: fields.nick,
      ssoId: fields.ssoId,
    };
  });
}

/** A plan action id is `<kind>:<entra user id>`. */
function userOfAction(actionId: string): string {
  return actionId.slice(actionId.indexOf(":") + 1);
}

/**
 * The planner: a pure function of mappings, directory snapshot, Rescue tree, links and settings (rules 1–9, 11–13,
 * 16), composed of named phases, each a pure function of the ones before:
 * 1. scope (rule 1, 8): who is in scope of which mapping, which mapping creates them, skipped members;
 * 2. guard fields: values Rescue would refuse keep that one user out of the plan, with a warning;
 * 3. match (rules 3, 12): each user's technician, by link, else by email; stale links; email-change stages;
 * 4. decide (rules 2, 4–7, 13, 16): create, adopt, update, enable, disable; held actions;
 * 5. guard run (rule 11): the safety threshold; actions and warnings sorted.
 * Maps keyed by normalised email and ids keep it linear; the result does not depend on the order of any input
 * (ties are broken by id, actions and warnings are sorted).
 */
export function planRun(input: PlanInput): Plan {
  const only = input.onlyUsers;
  const index = indexRescue(withReadFields(input.tree, input.readFields), input.links);
  const scope = scopeUsers({
    mappings: input.mappings,
    directory: input.directory,
    skippedMembers: input.skippedMembers,
    includeGuests: input.settings?.includeGuests === true,
    isTechnicianGroup: (nodeId) => isTechnicianGroup(index, nodeId),
  });
  const derive = compileFieldDerivation(resolveFieldRules(input.settings));
  const guarded = guardFields(scope.entries, derive);
  const matches = matchUsers(index, guarded.users);
  const decisions = decideActions({
    users: guarded.users,
    matches,
    inScope: scope.entries,
    index,
    ssoIdFromEntra: (input.settings?.ssoIdSource ?? DEFAULT_SSO_ID_SOURCE) === "entra",
    heldActions: only
      ? (input.heldActions ?? []).filter((hold) => only.has(userOfAction(hold.actionId)))
      : (input.heldActions ?? []),
    mappings: scope.mappings,
    excluded: scope.excluded,
    ...(only ? { only } : {}),
  });
  // An incremental plan: a linked technician whose user did not change would read as "out of scope" here (the
  // directory holds only the changed users); nothing is decided about them.
  const actions = only ? decisions.actions.filter((action) => only.has(action.entraUserId)) : decisions.actions;
  const run = guardRun(
    actions,
    [...index.warnings, ...scope.warnings, ...guarded.warnings, ...decisions.warnings],
    input.linkedTechnicians ?? index.linkByUser.size,
    input.settings?.safetyThreshold,
  );
  // rule 13: links whose key data was read for this plan remember it, so later runs need not read it again (an
  // updated technician's link remembers what the update writes instead).
  const refreshedLinks: Link[] = [];
  if (input.readFields && input.readFields.size > 0) {
    const updated = new Set(run.actions.filter((a) => a.kind === "update").map((a) => a.entraUserId));
    for (const link of index.linkByUser.values()) {
      const fields = input.readFields.get(link.rescueNodeId);
      if (fields && !updated.has(link.entraUserId)) refreshedLinks.push({ ...link, fields: { ...fields } });
    }
  }
  return {
    ...(input.tenantId !== undefined ? { tenantId: input.tenantId } : {}),
    status: run.safety.blocked ? "blocked" : "ready",
    actions: run.actions,
    warnings: run.warnings,
    staleLinks: index.staleLinks,
    counts: run.counts,
    safety: run.safety,
    usersInScope: scope.entries.size,
    skippedMembers: skippedMembersOfRun(scope, guarded.skips),
    releasedHolds: decisions.releasedHolds,
    pairs: summarisePairs(scope, run.actions, index),
    refreshedLinks,
    licencesNeeded: run.counts.create + run.counts.enable,
  };
}
