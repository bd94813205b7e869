// Phase 3 of the planner: which Rescue technician each user in scope is, by link or by email (rules 3, 12).
import { type DirectoryUser, type Link, normalizeEmail, type RescueNode } from "../domain";
import type { PlanWarning } from "../plan";
import type { DerivedFields } from "./derive-technician-fields";

const compareStrings = (a: string, b: string): number => (a < b ? -1 : a > b ? 1 : 0);

/** The Rescue tree and the links, indexed once: who holds which email, which links still hold. */
export interface RescueIndex {
  nodes: ReadonlyMap<number, RescueNode>;
  /** Technicians by normalised email; where several share one, the lowest id. */
  technicianByEmail: ReadonlyMap<string, RescueNode>;
  duplicateTechnicianEmails: ReadonlySet<string>;
  administratorEmails: ReadonlySet<string>;
  linkByUser: ReadonlyMap<string, Link>;
  linkByNode: ReadonlyMap<number, Link>;
  /** Where the tree shows no email, the technician its link remembers holding it. */
  heldByLinkMemory: ReadonlyMap<string, number>;
  /** Links to forget: their technician is gone, or they duplicate another link. Sorted by user, then node. */
  staleLinks: Link[];
  /** duplicate-technician-email, linked-node-missing, duplicate-link. */
  warnings: PlanWarning[];
}

interface LinkIndex {
  linkByUser: Map<string, Link>;
  linkByNode: Map<number, Link>;
  staleLinks: Link[];
  warnings: PlanWarning[];
  knownOnlyByLink: Link[];
}

/** Returns undefined at the first clash when asked to: which of two clashing links wins must not depend on order. */
function indexLinks(
  links: readonly Link[],
  nodes: ReadonlyMap<number, RescueNode>,
  stopOnClash: boolean,
): LinkIndex | undefined {
  const index: LinkIndex = {
    linkByUser: new Map(),
    linkByNode: new Map(),
    staleLinks: [],
    warnings: [],
    knownOnlyByLink: [],
  };
  // Indexed loops here: for…of allocates an iterator result per element until the optimiser catches up, and these
  // loops run once per run over every link, node and user.
  for (let i = 0; i < links.length; i += 1) {
    const link = links[i]!;
    const node = nodes.get(link.rescueNodeId);
    if (node?.kind !== "technician") {
      // An admin deleted the technician: forget the link; the user is then created or adopted afresh (rules 2–3).
      index.warnings.push({
        code: "linked-node-missing",
        entraUserId: link.entraUserId,
        rescueNodeId: link.rescueNodeId,
        message: `technician ${link.rescueNodeId} linked to ${link.entraUserId} is no longer in the Rescue tree; the link is dropped`,
      });
      index.staleLinks.push(link);
      continue;
    }
    const sameUser = index.linkByUser.get(link.entraUserId);
    if (sameUser?.rescueNodeId === link.rescueNodeId) continue;
    if (sameUser || index.linkByNode.has(link.rescueNodeId)) {
      if (stopOnClash) return undefined;
      index.warnings.push({
        code: "duplicate-link",
        entraUserId: link.entraUserId,
        rescueNodeId: link.rescueNodeId,
        message: `link ${link.entraUserId} → ${link.rescueNodeId} duplicates another link of that user or technician; it is dropped`,
      });
      index.staleLinks.push(link);
      continue;
    }
    index.linkByUser.set(link.entraUserId, link);
    index.linkByNode.set(link.rescueNodeId, link);
    if (!node.email && link.fields?.email) index.knownOnlyByLink.push(link);
  }
  return index;
}

/** Indexes the tree and the links (rule 12: a link whose technician is gone is dropped, so a re-run converges). */
export function indexRescue(tree: readonly RescueNode[], links: readonly Link[]): RescueIndex {
  const warnings: PlanWarning[] = [];
  const nodes = new Map<number, RescueNode>();
  const technicianByEmail = new Map<string, RescueNode>();
  const duplicateTechnicianEmails = new Set<string>();
  const administratorEmails = new Set<string>();
  for (let i = 0; i < tree.length; i += 1) {
    const node = tree[i]!;
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

  // Sorting 100k links costs; only a clash needs the order fixed.
  const linkIndex =
    indexLinks(links, nodes, true) ??
    indexLinks(
      [...links].sort((a, b) => compareStrings(a.entraUserId, b.entraUserId) || a.rescueNodeId - b.rescueNodeId),
      nodes,
      false,
    )!;
  warnings.push(...linkIndex.warnings);

  // Who holds each email now: a technician by its tree email, or by what its link remembers where the tree has none.
  const heldByLinkMemory = new Map<string, number>();
  for (const link of linkIndex.knownOnlyByLink) {
    const key = normalizeEmail(link.fields!.email);
    if (!technicianByEmail.has(key) && !heldByLinkMemory.has(key)) heldByLinkMemory.set(key, link.rescueNodeId);
  }

  const staleLinks = linkIndex.staleLinks.sort(
    (a, b) => compareStrings(a.entraUserId, b.entraUserId) || a.rescueNodeId - b.rescueNodeId,
  );
  return {
    nodes,
    technicianByEmail,
    duplicateTechnicianEmails,
    administratorEmails,
    linkByUser: linkIndex.linkByUser,
    linkByNode: linkIndex.linkByNode,
    heldByLinkMemory,
    staleLinks,
    warnings,
  };
}

export function isTechnicianGroup(index: RescueIndex, nodeId: number): boolean {
  return index.nodes.get(nodeId)?.kind === "technicianGroup";
}

/** The technician that holds a normalised email now, if any. */
export function holderOf(index: RescueIndex, key: string): number | undefined {
  return index.technicianByEmail.get(key)?.id ?? index.heldByLinkMemory.get(key);
}

/** A user in scope with the fields Rescue should show (from the guard phase). */
export interface DerivedUser {
  user: DirectoryUser;
  derived: DerivedFields;
}

/** What a user in scope is in Rescue. */
export type UserMatch =
  /** A link to a technician that is still in the tree (rules 4–5 apply). */
  | { kind: "linked"; link: Link; node: RescueNode }
  /** rule 3: no link, an unlinked technician holds the user's email. */
  | { kind: "adopt"; node: RescueNode }
  /** No link, and the user's email may not be taken (duplicate in scope, an administrator's, several technicians'). */
  | { kind: "refused"; warning: PlanWarning }
  /** No link, no technician to adopt: a create candidate; `holderId` is a linked technician holding the email now. */
  | { kind: "unmatched"; emailKey: string; holderId: number | undefined }
  /** No link, and the user's fields have problems: nothing to match on. */
  | { kind: "none" };

// Shared by every user with field problems: no allocation per user.
const NO_MATCH: UserMatch = Object.freeze({ kind: "none" });

export interface Matches {
  /** One per user given, in the same order (an array, not a map: 100k users in the benchmark). */
  ofUser: UserMatch[];
  /**
   * For linked technicians whose email changes: the stage its update runs in (the technician holding that email
   * first gives it up), or null when it cannot take it in this run. Absent: no email change.
   */
  emailStages: Map<number, number | null>;
  /** Why a linked technician may not take its new email, by node id. */
  emailRefusals: Map<number, PlanWarning>;
}

/** Why an email may not be taken, whoever wants it; undefined when nothing but a current holder stands in the way. */
function refuseEmail(
  index: RescueIndex,
  claims: ReadonlyMap<string, number>,
  userId: string,
  key: string,
): PlanWarning | undefined {
  if ((claims.get(key) ?? 0) > 1) {
    return {
      code: "duplicate-email",
      entraUserId: userId,
      field: "email",
      message: `${key} belongs to several users in scope; none of them is given it`,
    };
  }
  if (index.administratorEmails.has(key)) {
    // rule 9, caught before Rescue refuses it
    return {
      code: "email-belongs-to-administrator",
      entraUserId: userId,
      field: "email",
      message: `${key} belongs to a Rescue administrator; Rescue does not let a technician reuse it`,
    };
  }
  if (index.duplicateTechnicianEmails.has(key)) {
    return {
      code: "email-in-use",
      entraUserId: userId,
      field: "email",
      message: `${key} is held by several Rescue technicians`,
    };
  }
  return undefined;
}

/**
 * Matches every user in scope to its technician: by link first, else by email (rule 3: adopt, never a duplicate).
 * An email claimed by several users in scope goes to none of them. Linked technicians whose email changes are
 * staged: an email held by another technician can be taken once that technician's own update frees it (stage n+1);
 * a cycle (two technicians swapping emails) never goes through, as Rescue would refuse each.
 */
export function matchUsers(index: RescueIndex, users: readonly DerivedUser[]): Matches {
  const claims = new Map<string, number>();
  for (let i = 0; i < users.length; i += 1) {
    const { derived } = users[i]!;
    if (derived.problems.length === 0) claims.set(derived.emailKey, (claims.get(derived.emailKey) ?? 0) + 1);
  }

  const ofUser: UserMatch[] = [];
  const emailMoves = new Map<number, number | undefined>();
  const emailRefusals = new Map<number, PlanWarning>();
  for (let i = 0; i < users.length; i += 1) {
    const { user, derived } = users[i]!;
    const id = user.id;
    const link = index.linkByUser.get(id);
    if (link) {
      const node = index.nodes.get(link.rescueNodeId)!;
      ofUser.push({ kind: "linked", link, node });
      if (derived.problems.length > 0) continue;
      const current = node.email || (link.fields?.email ?? null);
      const key = derived.emailKey;
      if (current !== null && (current === derived.fields.email || normalizeEmail(current) === key)) continue;
      const refusal = refuseEmail(index, claims, id, key);
      if (refusal) emailRefusals.set(node.id, refusal);
      else emailMoves.set(node.id, holderOf(index, key));
      continue;
    }
    if (derived.problems.length > 0) {
      ofUser.push(NO_MATCH);
      continue;
    }
    const key = derived.emailKey;
    const refusal = refuseEmail(index, claims, id, key);
    if (refusal) {
      ofUser.push({ kind: "refused", warning: refusal });
      continue;
    }
    const holderId = holderOf(index, key);
    if (holderId !== undefined && !index.linkByNode.has(holderId)) {
      ofUser.push({ kind: "adopt", node: index.nodes.get(holderId)! });
      continue;
    }
    ofUser.push({ kind: "unmatched", emailKey: key, holderId });
  }

  const emailStages = new Map<number, number | null>();
  const stageOf = (nodeId: number): number | null => {
    const known = emailStages.get(nodeId);
    if (known !== undefined) return known;
    if (!emailMoves.has(nodeId)) return null;
    const holderId = emailMoves.get(nodeId);
    emailStages.set(nodeId, null);
    let stage: number | null = 0;
    if (holderId !== undefined) {
      const before = stageOf(holderId);
      stage = before === null ? null : before + 1;
    }
    emailStages.set(nodeId, stage);
    return stage;
  };
  for (const nodeId of emailMoves.keys()) stageOf(nodeId);
  return { ofUser, emailStages, emailRefusals };
}

/** The stage a technician's email change runs in; null when it has none or cannot take place in this run. */
export function emailStageOf(matches: Pick<Matches, "emailStages">, nodeId: number): number | null {
  return matches.emailStages.get(nodeId) ?? null;
}
