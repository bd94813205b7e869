// Phase 4 of the planner: what to do about each user: create, adopt, update, enable, disable (rules 2–7, 13, 16),
// and which of those to hold because Rescue refused them before with a code nobody knows.
import {
  type DirectoryUser,
  type GroupMapping,
  type Link,
  normalizeEmail,
  type RescueNode,
  sameFieldValue,
  TECHNICIAN_FIELDS,
  type TechnicianFields,
} from "../domain";
import type {
  ActionCause,
  ActionSubject,
  FieldChange,
  HeldAction,
  PlanWarning,
  RescueGroupRef,
  SyncAction,
} from "../plan";
import type { DerivedFields } from "./derive-technician-fields";
import {
  adoptCause,
  createCause,
  disabledInEntraCause,
  enableCause,
  outOfScopeCause,
  rescueGroupRef,
  updateCause,
} from "./describe-cause";
import type { GuardedUser } from "./guard";
import { fingerprintAction, holdRefusedActions } from "./hold-refused-actions";
import { emailStageOf, type Matches, type RescueIndex } from "./match";
import type { ExcludedMember } from "./scope";

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
  /** Every mapping, in priority order (the cause of a disable names the groups a user left). */
  mappings?: readonly GroupMapping[];
  /** Members of mapped groups that no mapping took in, and why (the cause of their disable). */
  excluded?: ReadonlyMap<string, readonly ExcludedMember[]>;
  /**
   * An incremental plan: only these users are decided. The others' links are not out of scope, merely unread: no
   * action (and no cause, no fingerprint) is made for them — a 100,000-link tenant would otherwise build 100,000
   * disables only to drop them.
   */
  only?: ReadonlySet<string>;
}

export interface Decisions {
  /** Unsorted; every one carries its input fingerprint. Held actions are left out. */
  actions: SyncAction[];
  warnings: PlanWarning[];
  /** Holds that no longer apply. */
  releasedHolds: string[];
}

/** rule 13: the common case, nothing to write, decided without allocating (same normalisation as the write). */
function isUnchanged(node: RescueNode, link: Link | undefined, desired: DerivedFields): boolean {
  const name = node.name || link?.fields?.name;
  const nick = node.nick ?? link?.fields?.nick;
  const ssoId = node.ssoId ?? link?.fields?.ssoId;
  const email = node.email || link?.fields?.email;
  return (
    name !== undefined &&
    sameFieldValue("name", name, desired.fields.name) &&
    nick !== undefined &&
    nick !== null &&
    sameFieldValue("nick", nick, desired.fields.nick) &&
    ssoId !== undefined &&
    ssoId !== null &&
    sameFieldValue("ssoId", ssoId, desired.fields.ssoId) &&
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
function decideStatus(
  user: DirectoryUser,
  node: RescueNode,
  derived: DerivedFields,
  pair: GroupMapping,
  index: RescueIndex,
): SyncAction | undefined {
  if (!user.accountEnabled) {
    if (node.status !== "enabled") return undefined;
    const cause = disabledInEntraCause(pair);
    return {
      kind: "disable",
      id: `disable:${user.id}`,
      entraUserId: user.id,
      rescueNodeId: node.id,
      disableReason: "disabled-in-entra",
      reason: cause.sentence,
      cause,
      ...groupOf(index, node),
      subject: subjectOf(user, derived),
    };
  }
  if (node.status !== "disabled") return undefined;
  const cause = enableCause(pair);
  return {
    kind: "enable",
    id: `enable:${user.id}`,
    entraUserId: user.id,
    rescueNodeId: node.id,
    reason: cause.sentence,
    cause,
    ...groupOf(index, node),
    subject: subjectOf(user, derived),
  };
}

/** The group a technician is in now (rule 7: wherever an admin put it), for the action's readers. */
function groupOf(index: RescueIndex, node: RescueNode): Pick<SyncAction, "rescueGroup"> {
  const group = rescueGroupRef(index.nodes, node.parentId);
  return group ? { rescueGroup: group } : {};
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
  input: Pick<DecideInput, "matches" | "ssoIdFromEntra" | "index">,
  pair: GroupMapping,
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
      if (before !== null && sameFieldValue(field, before, desired.ssoId)) continue;
      keepSsoIdIfSet = true;
      changes.push({ field, before, after: desired.ssoId });
      continue;
    }
    if (before !== null) {
      // rule 13: the same normalisation the write applies (the Rescue client skips a write that changes nothing)
      if (sameFieldValue(field, before, desired[field])) {
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
  const cause = updateCause(pair, changes);
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
      reason: cause.sentence,
      cause,
      ...groupOf(input.index, node),
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
  // Every create of one pair has the same group and cause: one shared, read-only pair of objects per pair rather than
  // one per action keeps a 100,000-create plan small (the recorder and the run view only read them).
  const createCauses = new Map<string, { group: RescueGroupRef; cause: ActionCause }>();
  const createCauseOf = (pair: GroupMapping) => {
    let shared = createCauses.get(pair.id);
    if (!shared) {
      const group = rescueGroupRef(input.index.nodes, pair.rescueGroupId)!;
      shared = { group, cause: createCause(pair, group) };
      createCauses.set(pair.id, shared);
    }
    return shared;
  };
  for (let i = 0; i < input.users.length; i += 1) {
    const { entry, user, derived } = input.users[i]!;
    const id = user.id;
    const match = input.matches.ofUser[i]!;
    // rule 8: the pair that owns the user (the one that creates it, else the first holding it)
    const pair = entry.createIn ?? entry.firstMapping;
    switch (match.kind) {
      case "linked": {
        if (derived.problems.length === 0) decide(decideUpdate(user, match.node, match.link, derived, input, pair));
        const status = decideStatus(user, match.node, derived, pair, input.index);
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
        const group = groupOf(input.index, node);
        const cause = adoptCause(pair, group.rescueGroup, derived.emailKey);
        const adopt: SyncAction = {
          kind: "adopt",
          id: `adopt:${id}`,
          entraUserId: id,
          mappingId: pair.id,
          rescueNodeId: node.id,
          reason: cause.sentence,
          cause,
          ...group,
          subject: subjectOf(user, derived),
        };
        actions.push(adopt);
        // rule 13: adopting an identical technician writes nothing; the link remembers its key data when it is
        // fully known (runSync reads what getHierarchy_v2 lacks before planning).
        if (!decide(decideUpdate(user, node, undefined, derived, input, pair))) {
          const known = knownFields(node, undefined);
          if (TECHNICIAN_FIELDS.every((field) => known[field] !== null)) adopt.fields = known as TechnicianFields;
        }
        const status = decideStatus(user, node, derived, pair, input.index);
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
        // rule 2 (rule 8: in the lowest-priority-number mapping's group). When none of the user's pairs has a
        // Rescue group left, the create targets the first pair's missing group: the preview shows it with a
        // rescue-group-missing warning, and a real run fails exactly that create with a clear reason.
        const { group, cause } = createCauseOf(pair);
        actions.push({
          kind: "create",
          id: `create:${id}`,
          entraUserId: id,
          mappingId: pair.id,
          rescueGroupId: pair.rescueGroupId,
          fields: derived.fields,
          reason:
            holderId === undefined
              ? cause.sentence
              : `${cause.sentence} (technician ${holderId} gives up the email ${key} in this run)`,
          cause,
          rescueGroup: group,
          ...(group.name === null ? { groupMissing: true } : {}),
          subject: subjectOf(user, derived),
        });
        break;
      }
    }
  }

  // rule 6: linked but out of every mapping's scope
  // forEach: a Map iterator would allocate a result per link until the optimiser catches up (100,000 per run).
  input.index.linkByUser.forEach((link) => {
    if (input.inScope.has(link.entraUserId)) return;
    if (input.only && !input.only.has(link.entraUserId)) return;
    const node = input.index.nodes.get(link.rescueNodeId)!;
    if (node.status !== "enabled") return;
    const cause = outOfScopeCause(input.excluded?.get(link.entraUserId), input.mappings ?? []);
    actions.push({
      kind: "disable",
      id: `disable:${link.entraUserId}`,
      entraUserId: link.entraUserId,
      rescueNodeId: node.id,
      disableReason: "out-of-scope",
      reason: cause.sentence,
      cause,
      ...groupOf(input.index, node),
      // the user may be gone from Entra: name the technician as Rescue knows it
      subject: { name: node.name, email: node.email ?? link.fields?.email ?? null },
    });
  });

  for (const action of actions) action.inputFingerprint = fingerprintAction(action);
  const held = holdRefusedActions(actions, input.heldActions);
  return { actions: held.actions, warnings: [...warnings, ...held.warnings], releasedHolds: held.released };
}
