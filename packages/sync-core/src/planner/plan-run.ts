import {
  DEFAULT_SSO_ID_SOURCE,
  type DirectoryUser,
  type GroupMapping,
  isExternalUserPrincipalName,
  type Link,
  normalizeEmail,
  type RescueNode,
  TECHNICIAN_FIELDS,
  type TechnicianFields,
} from "../domain";
import {
  type ActionSubject,
  type FieldChange,
  type Plan,
  type PlanInput,
  type PlanWarning,
  type SkippedMembers,
  SYNC_ACTION_KINDS,
  type SyncAction,
  type SyncActionKind,
} from "../plan";
import { checkSafety } from "./check-safety";
import { compileFieldDerivation, type DerivedFields, resolveFieldRules } from "./derive-technician-fields";
import { fingerprintAction, holdRefusedActions } from "./hold-refused-actions";
import { matchFilter } from "./match-filter";
import { SkippedMemberTallies, skippedMembersOf } from "./tally-skipped-members";

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** How a skipped user is named in the plan: a guest by the address people know them by. */
function skippedUserLabel(user: DirectoryUser): string {
  return user.mail || user.displayName || user.userPrincipalName;
}

interface ScopeEntry {
  user: DirectoryUser;
  /** The first mapping (by priority) whose scope holds the user. */
  firstMapping: GroupMapping;
  /** rule 8: the lowest-priority-number mapping whose Rescue group exists; new technicians go there. */
  createIn: GroupMapping | undefined;
  derived?: DerivedFields;
  /** The user's link and its technician, looked up once. */
  link?: Link;
  node?: RescueNode;
}

type KnownFields = Record<keyof TechnicianFields, string | null>;

/**
 * The planner: a pure function of mappings, directory snapshot, Rescue tree, links and settings (rules 1–8, 11).
 * Maps keyed by normalised email and ids keep it linear; the result does not depend on the order of any input
 * (ties are broken by id, actions and warnings are sorted).
 */
export function planRun(input: PlanInput): Plan {
  const warnings: PlanWarning[] = [];
  const actions: SyncAction[] = [];
  const derive = compileFieldDerivation(resolveFieldRules(input.settings));
  const ssoIdFromEntra = (input.settings?.ssoIdSource ?? DEFAULT_SSO_ID_SOURCE) === "entra";

  // --- the Rescue tree
  const nodes = new Map<number, RescueNode>();
  const technicianByEmail = new Map<string, RescueNode>();
  const duplicateTechnicianEmails = new Set<string>();
  const administratorEmails = new Set<string>();
  for (const node of input.tree) {
    nodes.set(node.id, node);
    const key = node.email ? normalizeEmail(node.email) : "";
    if (!key) continue;
    if (node.kind === "technician") {
      const seen = technicianByEmail.get(key);
      if (seen) duplicateTechnicianEmails.add(key);
      if (!seen || node.id < seen.id) technicianByEmail.set(key, node);
    } else if (node.kind === "administrator" || node.kind === "masterAdministrator") {
      administratorEmails.add(key);
    }
  }
  for (const key of duplicateTechnicianEmails) {
    warnings.push({
      code: "duplicate-technician-email",
      message: `several Rescue technicians have the email ${key}; no user is adopted onto or created with it`,
    });
  }

  // --- links
  const linkByUser = new Map<string, Link>();
  const linkByNode = new Map<number, Link>();
  const staleLinks: Link[] = [];
  const linkWarnings: PlanWarning[] = [];
  const knownOnlyByLink: Link[] = [];
  /** Returns false at the first clash when asked to: which of two clashing links wins must not depend on order. */
  const indexLinks = (links: readonly Link[], stopOnClash: boolean): boolean => {
    linkByUser.clear();
    linkByNode.clear();
    staleLinks.length = 0;
    linkWarnings.length = 0;
    knownOnlyByLink.length = 0;
    for (const link of links) {
      const node = nodes.get(link.rescueNodeId);
      if (node?.kind !== "technician") {
        // An admin deleted the technician: forget the link; the user is then created or adopted afresh (rules 2–3).
        linkWarnings.push({
          code: "linked-node-missing",
          entraUserId: link.entraUserId,
          rescueNodeId: link.rescueNodeId,
          message: `technician ${link.rescueNodeId} linked to ${link.entraUserId} is no longer in the Rescue tree; the link is dropped`,
        });
        staleLinks.push(link);
        continue;
      }
      const sameUser = linkByUser.get(link.entraUserId);
      if (sameUser?.rescueNodeId === link.rescueNodeId) continue;
      if (sameUser || linkByNode.has(link.rescueNodeId)) {
        if (stopOnClash) return false;
        linkWarnings.push({
          code: "duplicate-link",
          entraUserId: link.entraUserId,
          rescueNodeId: link.rescueNodeId,
          message: `link ${link.entraUserId} → ${link.rescueNodeId} duplicates another link of that user or technician; it is dropped`,
        });
        staleLinks.push(link);
        continue;
      }
      linkByUser.set(link.entraUserId, link);
      linkByNode.set(link.rescueNodeId, link);
      if (!node.email && link.fields?.email) knownOnlyByLink.push(link);
    }
    return true;
  };
  // Sorting 100k links costs; only a clash needs the order fixed.
  if (!indexLinks(input.links, true)) {
    indexLinks(
      [...input.links].sort((a, b) => compareStrings(a.entraUserId, b.entraUserId) || a.rescueNodeId - b.rescueNodeId),
      false,
    );
  }
  warnings.push(...linkWarnings);

  const isUnchanged = (node: RescueNode, link: Link | undefined, desired: DerivedFields): boolean => {
    const email = node.email || link?.fields?.email;
    return (
      (node.name || link?.fields?.name) === desired.fields.name &&
      (node.nick ?? link?.fields?.nick) === desired.fields.nick &&
      (node.ssoId ?? link?.fields?.ssoId) === desired.fields.ssoId &&
      email !== undefined &&
      (email === desired.fields.email || normalizeEmail(email) === desired.emailKey)
    );
  };

  const knownFields = (node: RescueNode, link: Link | undefined): KnownFields => ({
    name: node.name || (link?.fields?.name ?? null),
    nick: node.nick ?? link?.fields?.nick ?? null,
    email: node.email || (link?.fields?.email ?? null),
    ssoId: node.ssoId ?? link?.fields?.ssoId ?? null,
  });

  // Who holds each email now: a technician by its tree email, or by what its link remembers where the tree has none.
  const heldByLinkMemory = new Map<string, number>();
  for (const link of knownOnlyByLink) {
    const key = normalizeEmail(link.fields!.email);
    if (!technicianByEmail.has(key) && !heldByLinkMemory.has(key)) heldByLinkMemory.set(key, link.rescueNodeId);
  }
  const holderOf = (key: string): number | undefined => technicianByEmail.get(key)?.id ?? heldByLinkMemory.get(key);

  // --- scope (rule 1), lowest priority number first (rule 8)
  const mappings = [...input.mappings].sort((a, b) => a.priority - b.priority || compareStrings(a.id, b.id));
  const scope = new Map<string, ScopeEntry>();
  const includeGuests = input.settings?.includeGuests === true;
  const skippedByMapping = new Map<string, SkippedMemberTallies>();
  const talliesOf = (mapping: GroupMapping): SkippedMemberTallies => {
    let tallies = skippedByMapping.get(mapping.id);
    if (!tallies) {
      tallies = new SkippedMemberTallies();
      skippedByMapping.set(mapping.id, tallies);
    }
    return tallies;
  };
  for (const mapping of mappings) {
    const members = input.directory.get(mapping.id);
    if (!members) {
      // Missing members would read as "everyone left the group" and disable them all (rule 6): refuse instead.
      throw new Error(`planRun: the directory snapshot has no members for mapping ${mapping.id}`);
    }
    const groupExists = nodes.get(mapping.rescueGroupId)?.kind === "technicianGroup";
    if (!groupExists) {
      warnings.push({
        code: "mapping-group-missing",
        mappingId: mapping.id,
        message: `mapping ${mapping.id}: Rescue node ${mapping.rescueGroupId} is not a technician group; nobody is created there`,
      });
    }
    const sourceSkipped = input.skippedMembers?.get(mapping.id);
    if (sourceSkipped && sourceSkipped.length > 0) talliesOf(mapping).merge(sourceSkipped);
    for (const user of members) {
      if (!matchFilter(user, mapping.filter)) continue;
      if (user.userType === "guest" && !includeGuests) {
        talliesOf(mapping).add({
          id: user.id,
          kind: "guest",
          displayName: skippedUserLabel(user),
          reason: "guests-not-included",
        });
        continue;
      }
      const entry = scope.get(user.id);
      if (!entry) {
        scope.set(user.id, { user, firstMapping: mapping, createIn: groupExists ? mapping : undefined });
      } else if (!entry.createIn && groupExists) {
        entry.createIn = mapping;
      }
    }
  }

  // --- what each user in scope should look like in Rescue
  // Iteration order does not matter below: every decision is a function of the whole picture, and the
  // actions and warnings are sorted at the end.
  const claimsByEmail = new Map<string, number>();
  for (const entry of scope.values()) {
    const d = derive(entry.user);
    entry.derived = d;
    const link = linkByUser.get(entry.user.id);
    if (link) {
      entry.link = link;
      entry.node = nodes.get(link.rescueNodeId)!;
    }
    if (d.problems.length > 0) {
      if (
        !d.fields.email &&
        (entry.user.userType === "guest" || isExternalUserPrincipalName(entry.user.userPrincipalName))
      ) {
        // A guest whose only address is its #EXT# sign-in name: tallied per mapping rather than warned one by one.
        talliesOf(entry.firstMapping).add({
          id: entry.user.id,
          kind: entry.user.userType === "guest" ? "guest" : "user",
          displayName: entry.user.displayName || entry.user.userPrincipalName,
          reason: "no-usable-email",
        });
        warnings.push(...d.problems.filter((problem) => problem.code !== "missing-email"));
      } else {
        warnings.push(...d.problems);
      }
      continue;
    }
    claimsByEmail.set(d.emailKey, (claimsByEmail.get(d.emailKey) ?? 0) + 1);
  }
  const isDuplicate = (key: string): boolean => (claimsByEmail.get(key) ?? 0) > 1;

  // Why an email may not be taken, whoever wants it; undefined when nothing but a current holder stands in the way.
  const refuseEmail = (userId: string, key: string): PlanWarning | undefined => {
    if (isDuplicate(key)) {
      return {
        code: "duplicate-email",
        entraUserId: userId,
        field: "email",
        message: `${key} belongs to several users in scope; none of them is given it`,
      };
    }
    if (administratorEmails.has(key)) {
      // rule 9, caught before Rescue refuses it
      return {
        code: "email-belongs-to-administrator",
        entraUserId: userId,
        field: "email",
        message: `${key} belongs to a Rescue administrator; Rescue does not let a technician reuse it`,
      };
    }
    if (duplicateTechnicianEmails.has(key)) {
      return {
        code: "email-in-use",
        entraUserId: userId,
        field: "email",
        message: `${key} is held by several Rescue technicians`,
      };
    }
    return undefined;
  };

  // --- email changes of linked technicians, and the order they must run in
  const emailMoves = new Map<number, { userId: string; holderId: number | undefined }>();
  const emailRefusals = new Map<number, PlanWarning>();
  for (const { user, derived, link, node } of scope.values()) {
    const id = user.id;
    const d = derived!;
    if (!link || !node || d.problems.length > 0) continue;
    const current = node.email || (link.fields?.email ?? null);
    const key = d.emailKey;
    if (current !== null && (current === d.fields.email || normalizeEmail(current) === key)) continue;
    const refusal = refuseEmail(id, key);
    if (refusal) emailRefusals.set(node.id, refusal);
    else emailMoves.set(node.id, { userId: id, holderId: holderOf(key) });
  }
  // An email held by another technician can be taken once that technician's own update frees it: stage n+1.
  // A cycle (two technicians swapping emails) never goes through: each would be refused by Rescue.
  const stages = new Map<number, number | null>();
  const stageOf = (nodeId: number): number | null => {
    const known = stages.get(nodeId);
    if (known !== undefined) return known;
    const move = emailMoves.get(nodeId);
    if (!move) return null;
    stages.set(nodeId, null);
    let stage: number | null = 0;
    if (move.holderId !== undefined) {
      const before = stageOf(move.holderId);
      stage = before === null ? null : before + 1;
    }
    stages.set(nodeId, stage);
    return stage;
  };

  const subjectOf = (user: DirectoryUser): ActionSubject => ({
    name: user.displayName || user.userPrincipalName,
    email: scope.get(user.id)?.derived?.fields.email ?? user.mail ?? user.userPrincipalName,
  });

  const planStatus = (user: DirectoryUser, node: RescueNode): void => {
    if (!user.accountEnabled) {
      if (node.status === "enabled") {
        actions.push({
          kind: "disable",
          id: `disable:${user.id}`,
          entraUserId: user.id,
          rescueNodeId: node.id,
          disableReason: "disabled-in-entra",
          reason: `${user.userPrincipalName} is disabled in Entra`,
          subject: subjectOf(user),
        });
      }
    } else if (node.status === "disabled") {
      actions.push({
        kind: "enable",
        id: `enable:${user.id}`,
        entraUserId: user.id,
        rescueNodeId: node.id,
        reason: `${user.userPrincipalName} is enabled and in scope in Entra`,
        subject: subjectOf(user),
      });
    }
  };

  /** rule 4: the fields that changed; returns whether an update was planned. */
  const planUpdate = (user: DirectoryUser, node: RescueNode, link: Link | undefined, derivedFields: DerivedFields) => {
    // the common case, without allocating
    if (isUnchanged(node, link, derivedFields)) return false;
    const desired = derivedFields.fields;
    const current = knownFields(node, link);
    const fields: TechnicianFields = { ...desired };
    const changes: FieldChange[] = [];
    let stage = 0;
    let keepSsoIdIfSet = false;
    for (const field of TECHNICIAN_FIELDS) {
      const before = current[field];
      if (field === "ssoId" && !ssoIdFromEntra) {
        // rule 16: Rescue owns a non-empty SSO id (in "SSO only" organisations a wrong one locks the technician
        // out); an empty one may be filled. Where the current value is unknown, the write checks it.
        if (before !== null && before !== "") {
          fields.ssoId = before;
          continue;
        }
        if (before === desired.ssoId) continue;
        keepSsoIdIfSet = true;
        changes.push({ field, before, after: desired.ssoId });
        continue;
      }
      if (before !== null) {
        const same =
          field === "email" ? normalizeEmail(before) === normalizeEmail(desired.email) : before === desired[field];
        if (same) {
          fields[field] = before;
          continue;
        }
      }
      if (field === "email") {
        const moveStage = stageOf(node.id);
        if (moveStage === null) {
          warnings.push(
            emailRefusals.get(node.id) ?? {
              code: "email-in-use",
              entraUserId: user.id,
              rescueNodeId: node.id,
              field: "email",
              message: `${normalizeEmail(desired.email)} is held by another Rescue technician; the email of technician ${node.id} is left as it is`,
            },
          );
          // The port writes all four fields together: without a known current email there is nothing safe to send.
          if (before === null) return false;
          fields.email = before;
          continue;
        }
        stage = moveStage;
      }
      changes.push({ field, before, after: desired[field] });
    }
    if (changes.length === 0) return false;
    actions.push({
      kind: "update",
      id: `update:${user.id}`,
      entraUserId: user.id,
      rescueNodeId: node.id,
      fields,
      changes,
      stage,
      ...(keepSsoIdIfSet ? { keepSsoIdIfSet } : {}),
      reason: `key data changed in Entra: ${changes.map((c) => c.field).join(", ")}`,
      subject: subjectOf(user),
    });
    return true;
  };

  // --- rules 2–5 for every user in scope
  for (const entry of scope.values()) {
    const { user } = entry;
    const id = user.id;
    const d = entry.derived!;
    const { link, node } = entry;
    if (link && node) {
      if (d.problems.length === 0) planUpdate(user, node, link, d);
      planStatus(user, node);
      continue;
    }
    if (d.problems.length > 0) continue;
    const key = d.emailKey;
    const refusal = refuseEmail(id, key);
    if (refusal) {
      warnings.push(refusal);
      continue;
    }
    const holderId = holderOf(key);
    if (holderId !== undefined && !linkByNode.has(holderId)) {
      // rule 3: never a duplicate; the technician stays in whatever group it is in (rule 7).
      const node = nodes.get(holderId)!;
      const adoptIndex = actions.length;
      actions.push({
        kind: "adopt",
        id: `adopt:${id}`,
        entraUserId: id,
        mappingId: (entry.createIn ?? entry.firstMapping).id,
        rescueNodeId: holderId,
        reason: `technician ${holderId} already has the email ${key}`,
        subject: subjectOf(user),
      });
      if (!planUpdate(user, node, undefined, d)) {
        const adopt = actions[adoptIndex];
        if (adopt?.kind === "adopt") adopt.fields = knownFields(node, undefined) as TechnicianFields;
      }
      planStatus(user, node);
      continue;
    }
    if (holderId !== undefined && stageOf(holderId) === null) {
      warnings.push({
        code: "email-in-use",
        entraUserId: id,
        rescueNodeId: holderId,
        field: "email",
        message: `${key} belongs to technician ${holderId}, linked to another Entra user`,
      });
      continue;
    }
    // A disabled account gets no new technician: it would only be disabled again.
    if (!user.accountEnabled) continue;
    if (!entry.createIn) {
      warnings.push({
        code: "no-mapping-group",
        entraUserId: id,
        mappingId: entry.firstMapping.id,
        message: `${user.userPrincipalName} is in scope, but none of its mappings' Rescue groups exists`,
      });
      continue;
    }
    actions.push({
      kind: "create",
      id: `create:${id}`,
      entraUserId: id,
      mappingId: entry.createIn.id,
      rescueGroupId: entry.createIn.rescueGroupId,
      fields: d.fields,
      reason:
        holderId === undefined
          ? `in scope of mapping ${entry.createIn.id}; no technician has the email ${key}`
          : `in scope of mapping ${entry.createIn.id}; technician ${holderId} gives up the email ${key} in this run`,
      subject: subjectOf(user),
    });
  }

  // --- rule 6: linked but out of every mapping's scope
  for (const link of linkByUser.values()) {
    if (scope.has(link.entraUserId)) continue;
    const node = nodes.get(link.rescueNodeId)!;
    if (node.status !== "enabled") continue;
    actions.push({
      kind: "disable",
      id: `disable:${link.entraUserId}`,
      entraUserId: link.entraUserId,
      rescueNodeId: node.id,
      disableReason: "out-of-scope",
      reason: `Entra user ${link.entraUserId} is out of every mapping's scope`,
      // the user may be gone from Entra: name the technician as Rescue knows it
      subject: { name: node.name, email: node.email ?? link.fields?.email ?? null },
    });
  }

  staleLinks.sort((a, b) => compareStrings(a.entraUserId, b.entraUserId) || a.rescueNodeId - b.rescueNodeId);
  for (const action of actions) action.inputFingerprint = fingerprintAction(action);
  const held = holdRefusedActions(actions, input.heldActions ?? []);
  actions.length = 0;
  actions.push(...held.actions);
  warnings.push(...held.warnings);
  const kindOrder = new Map<SyncActionKind, number>(SYNC_ACTION_KINDS.map((kind, i) => [kind, i]));
  actions.sort(
    (a, b) => kindOrder.get(a.kind)! - kindOrder.get(b.kind)! || compareStrings(a.entraUserId, b.entraUserId),
  );
  warnings.sort(
    (a, b) =>
      compareStrings(a.entraUserId ?? "", b.entraUserId ?? "") ||
      compareStrings(a.code, b.code) ||
      (a.rescueNodeId ?? 0) - (b.rescueNodeId ?? 0) ||
      compareStrings(a.mappingId ?? "", b.mappingId ?? "") ||
      compareStrings(a.field ?? "", b.field ?? "") ||
      compareStrings(a.message, b.message),
  );

  const counts: Record<SyncActionKind, number> = { create: 0, adopt: 0, update: 0, enable: 0, disable: 0 };
  for (const action of actions) counts[action.kind] += 1;
  const safety = checkSafety(counts.disable, linkByUser.size, input.settings?.safetyThreshold);
  const skippedMembers: SkippedMembers[] = [];
  for (const mapping of mappings) {
    const tallies = skippedByMapping.get(mapping.id);
    if (tallies) skippedMembers.push(...skippedMembersOf(mapping, tallies));
  }
  return {
    ...(input.tenantId !== undefined ? { tenantId: input.tenantId } : {}),
    status: safety.blocked ? "blocked" : "ready",
    actions,
    warnings,
    staleLinks,
    counts,
    safety,
    usersInScope: scope.size,
    skippedMembers,
    releasedHolds: held.released,
  };
}
