// Phase 4 of the planner: what to do about each user: create, adopt, update, enable, disable (rules 2–7, 13, 16),
// and which of those to hold because Rescue refused them before with a code nobody knows.
import {
  type DirectoryUser,
  type Link,
  normalizeEmail,
  type RescueNode,
  TECHNICIAN_FIELDS,
  type TechnicianFields,
} from "../domain";
import type { ActionSubject, FieldChange, HeldAction, PlanWarning, SyncAction } from "../plan";
import type { DerivedFields } from "./derive-technician-fields";
import type { GuardedUser } from "./guard";
import { fingerprintAction, holdRefusedActions } from "./hold-refused-actions";
import { emailStageOf, type Matches, type RescueIndex } from "./match";

type KnownFields = Record<keyof TechnicianFields, string | null>;

export interface DecideInput {
  /** Every user in scope, with derived fields (guard phase). */
  users: readonly GuardedUser[];
  /** The match of each user, in the order of `users`. */
  matches: Matches;
  /** Whether an Entra user is in scope of any mapping (rule 6 disables the linked technicians of those who are not). */
  inScope: Pick<ReadonlySet<string>, "has">;
  index: RescueIndex;
  /** rule 16: whether the tenant chose Entra as the source of SSO ids (else Rescue owns a non-empty one). */
  ssoIdFromEntra: boolean;
  heldActions: readonly HeldAction[];
}

export interface Decisions {
  /** Unsorted; every one carries its input fingerprint. Held actions are left out. */
  actions: SyncAction[];
  warnings: PlanWarning[];
  /** Holds that no longer apply. */
  releasedHolds: string[];
}

/** rule 13: the common case, nothing to write, decided without allocating. */
function isUnchanged(node: RescueNode, link: Link | undefined, desired: DerivedFields): boolean {
  const email = node.email || link?.fields?.email;
  return (
    (node.name || link?.fields?.name) === desired.fields.name &&
    (node.nick ?? link?.fields?.nick) === desired.fields.nick &&
    (node.ssoId ?? link?.fields?.ssoId) === desired.fields.ssoId &&
    email !== undefined &&
    (email === desired.fields.email || normalizeEmail(email) === desired.emailKey)
  );
}

/** What the tree shows, else what the link remembers, else unknown (null). */
function knownFields(node: RescueNode, link: Link | undefined): KnownFields {
  return {
    name: node.name || (link?.fields?.name ?? null),
    nick: node.nick ?? link?.fields?.nick ?? null,
    email: node.email || (link?.fields?.email ?? null),
    ssoId: node.ssoId ?? link?.fields?.ssoId ?? null,
  };
}

function subjectOf(user: DirectoryUser, derived: DerivedFields): ActionSubject {
  return {
    name: user.displayName || user.userPrincipalName,
    email: derived.fields.email ?? user.mail ?? user.userPrincipalName,
  };
}

/** rule 5: the status a linked (or adopted) technician should have. */
function decideStatus(user: DirectoryUser, node: RescueNode, derived: DerivedFields): SyncAction | undefined {
  if (!user.accountEnabled) {
    if (node.status !== "enabled") return undefined;
    return {
      kind: "disable",
      id: `disable:${user.id}`,
      entraUserId: user.id,
      rescueNodeId: node.id,
      disableReason: "disabled-in-entra",
      reason: `${user.userPrincipalName} is disabled in Entra`,
      subject: subjectOf(user, derived),
    };
  }
  if (node.status !== "disabled") return undefined;
  return {
    kind: "enable",
    id: `enable:${user.id}`,
    entraUserId: user.id,
    rescueNodeId: node.id,
    reason: `${user.userPrincipalName} is enabled and in scope in Entra`,
    subject: subjectOf(user, derived),
  };
}

interface UpdateDecision {
  update?: SyncAction;
  warning?: PlanWarning;
}

// Shared by every technician already right (most of them): no allocation per user.
const NOTHING_TO_UPDATE: UpdateDecision = Object.freeze({});

/**
 * rule 4: the fields that changed (rule 13: only those that differ after normalisation; rule 16: a non-empty SSO
 * id Rescue holds is kept unless Entra is its source). An email another technician holds waits for its stage.
 */
function decideUpdate(
  user: DirectoryUser,
  node: RescueNode,
  link: Link | undefined,
  derived: DerivedFields,
  input: Pick<DecideInput, "matches" | "ssoIdFromEntra">,
): UpdateDecision {
  if (isUnchanged(node, link, derived)) return NOTHING_TO_UPDATE;
  const desired = derived.fields;
  const current = knownFields(node, link);
  const fields: TechnicianFields = { ...desired };
  const changes: FieldChange[] = [];
  let warning: PlanWarning | undefined;
  let stage = 0;
  let keepSsoIdIfSet = false;
  for (const field of TECHNICIAN_FIELDS) {
    const before = current[field];
    if (field === "ssoId" && !input.ssoIdFromEntra) {
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
      const moveStage = emailStageOf(input.matches, node.id);
      if (moveStage === null) {
        warning = input.matches.emailRefusals.get(node.id) ?? {
          code: "email-in-use",
          entraUserId: user.id,
          rescueNodeId: node.id,
          field: "email",
          message: `${normalizeEmail(desired.email)} is held by another Rescue technician; the email of technician ${node.id} is left as it is`,
        };
        // The port writes all four fields together: without a known current email there is nothing safe to send.
        if (before === null) return { warning };
        fields.email = before;
        continue;
      }
      stage = moveStage;
    }
    changes.push({ field, before, after: desired[field] });
  }
  if (changes.length === 0) return warning ? { warning } : NOTHING_TO_UPDATE;
  return {
    ...(warning ? { warning } : {}),
    update: {
      kind: "update",
      id: `update:${user.id}`,
      entraUserId: user.id,
      rescueNodeId: node.id,
      fields,
      changes,
      stage,
      ...(keepSsoIdIfSet ? { keepSsoIdIfSet } : {}),
      reason: `key data changed in Entra: ${changes.map((c) => c.field).join(", ")}`,
      subject: subjectOf(user, derived),
    },
  };
}

/**
 * Decides the actions for every user in scope (rules 2–5, 7: no action names a group but create) and for every
 * linked technician out of scope (rule 6), then holds what Rescue refused before with an unknown code.
 */
export function decideActions(input: DecideInput): Decisions {
  const actions: SyncAction[] = [];
  const warnings: PlanWarning[] = [];
  const decide = (decision: UpdateDecision): boolean => {
    if (decision.warning) warnings.push(decision.warning);
    if (decision.update) actions.push(decision.update);
    return decision.update !== undefined;
  };
  for (let i = 0; i < input.users.length; i += 1) {
    const { entry, user, derived } = input.users[i]!;
    const id = user.id;
    const match = input.matches.ofUser[i]!;
    switch (match.kind) {
      case "linked": {
        if (derived.problems.length === 0) decide(decideUpdate(user, match.node, match.link, derived, input));
        const status = decideStatus(user, match.node, derived);
        if (status) actions.push(status);
        break;
      }
      case "none":
        break;
      case "refused":
        warnings.push(match.warning);
        break;
      case "adopt": {
        // rule 3: never a duplicate; the technician stays in whatever group it is in (rule 7).
        const { node } = match;
        const adopt: SyncAction = {
          kind: "adopt",
          id: `adopt:${id}`,
          entraUserId: id,
          mappingId: (entry.createIn ?? entry.firstMapping).id,
          rescueNodeId: node.id,
          reason: `technician ${node.id} already has the email ${derived.emailKey}`,
          subject: subjectOf(user, derived),
        };
        actions.push(adopt);
        // rule 13: adopting an identical technician writes nothing; the link remembers its key data.
        if (!decide(decideUpdate(user, node, undefined, derived, input))) {
          adopt.fields = knownFields(node, undefined) as TechnicianFields;
        }
        const status = decideStatus(user, node, derived);
        if (status) actions.push(status);
        break;
      }
      case "unmatched": {
        const { emailKey: key, holderId } = match;
        if (holderId !== undefined && emailStageOf(input.matches, holderId) === null) {
          warnings.push({
            code: "email-in-use",
            entraUserId: id,
            rescueNodeId: holderId,
            field: "email",
            message: `${key} belongs to technician ${holderId}, linked to another Entra user`,
          });
          break;
        }
        // A disabled account gets no new technician: it would only be disabled again.
        if (!user.accountEnabled) break;
        if (!entry.createIn) {
          warnings.push({
            code: "no-mapping-group",
            entraUserId: id,
            mappingId: entry.firstMapping.id,
            message: `${user.userPrincipalName} is in scope, but none of its mappings' Rescue groups exists`,
          });
          break;
        }
        // rule 2 (rule 8: in the lowest-priority-number mapping's group)
        actions.push({
          kind: "create",
          id: `create:${id}`,
          entraUserId: id,
          mappingId: entry.createIn.id,
          rescueGroupId: entry.createIn.rescueGroupId,
          fields: derived.fields,
          reason:
            holderId === undefined
              ? `in scope of mapping ${entry.createIn.id}; no technician has the email ${key}`
              : `in scope of mapping ${entry.createIn.id}; technician ${holderId} gives up the email ${key} in this run`,
          subject: subjectOf(user, derived),
        });
        break;
      }
    }
  }

  // rule 6: linked but out of every mapping's scope
  for (const link of input.index.linkByUser.values()) {
    if (input.inScope.has(link.entraUserId)) continue;
    const node = input.index.nodes.get(link.rescueNodeId)!;
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

  for (const action of actions) action.inputFingerprint = fingerprintAction(action);
  const held = holdRefusedActions(actions, input.heldActions);
  return { actions: held.actions, warnings: [...warnings, ...held.warnings], releasedHolds: held.released };
}
