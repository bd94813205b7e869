import {
  type DirectoryUser,
  type GroupMapping,
  type Link,
  normalizeEmail,
  type RescueNode,
  type TenantSyncSettings,
} from "./domain";
import {
  callWithRetry,
  DEFAULT_RETRY_POLICY,
  type RetryContext,
  RetryFailure,
  SessionRenewal,
} from "./executor/call-with-retry";
import { type ExecuteOptions, type ExecutorRescue, executePlan } from "./executor/execute-plan";
import { membershipPath } from "./membership-path";
import {
  type DirectorySnapshot,
  type HeldAction,
  type Plan,
  type ScopeChange,
  type SkippedMemberTally,
  SYNC_ACTION_KINDS,
} from "./plan";
import { compareScopes } from "./planner/compare-scopes";
import { compileFieldDerivation, resolveFieldRules } from "./planner/derive-technician-fields";
import { explainResult, explainUser, type UserExplanation } from "./planner/explain-user";
import { indexRescue, isTechnicianGroup } from "./planner/match";
import { planRun } from "./planner/plan-run";
import type { Clock, DirectorySource, LinkReader, RescueDirectory, RunRecorder } from "./ports";
import { type DirectoryRead, readDirectory } from "./read-directory-snapshot";
import { readTechnicianFields, techniciansWithUnknownFields } from "./read-unknown-fields";
import type { RunReport } from "./run-report";

export interface RunSyncDeps {
  directory: Pick<DirectorySource, "groupMembers" | "callCount" | "groupsHolding">;
  rescue: ExecutorRescue & Pick<RescueDirectory, "getTree" | "getTechnicianFields">;
  recorder: RunRecorder;
  clock: Clock;
}

export interface RunSyncInput extends ExecuteOptions {
  tenantId?: string;
  mappings: readonly GroupMapping[];
  /** The tenant's links as stored (packages/db). */
  links: readonly Link[];
  settings?: TenantSyncSettings;
  /** Refusals of earlier runs held while their input is unchanged (the unknown-code rule). */
  heldActions?: readonly HeldAction[];
  /** Entra groups read at once (default 4). */
  directoryConcurrency?: number;
  /**
   * rule 11: the run a person approved. Only the actions of the fresh plan that were in the approved one are applied
   * (re-checked against the current state); anything new waits for the next run and its own safety check.
   */
  approvedActionIds?: ReadonlySet<string>;
  /**
   * rule 14: the configuration changed since a person last saw a plan of it. A plan with any disable then stops
   * `blocked` (as rule 11 does), with the reason this returns for its disable count, until a person approves it.
   */
  requireApprovalForDisables?: (disableCount: number) => string;
  /**
   * An estimate of a proposed change: `mappings` are the proposed ones, these the saved ones. Their groups are read
   * too, and the result says whose first mapping the change moves (`scopeChanges`). Only for a dry run.
   */
  compareWithMappings?: readonly GroupMapping[];
  /**
   * An incremental run: the directory was not read in full; these are the users that changed since the last round
   * and, per mapping, those of them in its group. Only they are planned. With `links`, `input.links` is not used:
   * the run reads only the links and the part of the Rescue tree its plan can touch (narrowRescueReads).
   */
  incremental?: { users: ReadonlySet<string>; directory: DirectorySnapshot; links?: LinkReader };
  /**
   * A run of one user (provision on demand): the groups are read as a full run reads them, then the planner gets only
   * this user (and only its link), so it decides for the user exactly as a full run would and touches nobody else.
   * The result carries the decision step by step (`explanation`).
   */
  subjectEntraUserId?: string;
}

export interface RunSyncResult {
  plan: Plan;
  report: RunReport;
  /** With `compareWithMappings`: users whose first mapping the proposed change moves. */
  scopeChanges?: ScopeChange[];
  /** With `subjectEntraUserId`: the decision for that user, step by step, and its result. */
  explanation?: UserExplanation;
}

/** The directory read as the planner sees it in a run of one user: that user in each group that holds it, nobody else. */
function onlyUser(read: DirectoryRead, userId: string): DirectoryRead {
  const members = new Map<string, readonly DirectoryUser[]>();
  for (const [mappingId, users] of read.members)
    members.set(
      mappingId,
      users.filter((user) => user.id === userId),
    );
  const skippedMembers = new Map<string, readonly SkippedMemberTally[]>();
  for (const mappingId of read.skippedMembers.keys()) skippedMembers.set(mappingId, []);
  return { members, skippedMembers };
}

/**
 * Per transitive mapping that holds the user: the nested groups in between, for the explanation only (a failure to
 * name them is logged and leaves them unnamed; it changes no decision).
 */
async function nestedPaths(
  directory: Pick<DirectorySource, "groupsHolding">,
  mappings: readonly GroupMapping[],
  read: DirectoryRead,
  userId: string,
  recorder: RunRecorder,
): Promise<Map<string, string[]>> {
  const paths = new Map<string, string[]>();
  for (const mapping of mappings) {
    if (!mapping.transitive || (read.members.get(mapping.id) ?? []).length === 0) continue;
    try {
      const path = await membershipPath(directory, userId, mapping.entraGroupId);
      if (path) paths.set(mapping.id, path);
    } catch (error) {
      recorder.log("warn", "could not name the nested groups between the user and a mapped group", {
        mappingId: mapping.id,
        error: error instanceof Error ? error.message : String(error),
      });
    }
  }
  return paths;
}

/** The fresh plan cut down to the approved actions that still apply; the log says how many no longer do. */
function keepApproved(plan: Plan, approvedIds: ReadonlySet<string>, recorder: RunRecorder): Plan {
  const actions = plan.actions.filter((action) => approvedIds.has(action.id));
  const counts = Object.fromEntries(SYNC_ACTION_KINDS.map((kind) => [kind, 0])) as Plan["counts"];
  for (const action of actions) counts[action.kind] += 1;
  recorder.log("info", "approved run: applying the approved actions that still apply", {
    approved: approvedIds.size,
    stillApply: actions.length,
    newSinceApproval: plan.actions.length - actions.length,
  });
  return { ...plan, actions, counts };
}

interface PlannedRun {
  plan: Plan;
  scopeChanges?: ScopeChange[];
  /** A run of one user: its decision step by step, before the result is known. */
  explained?: UserExplanation;
  /** Technicians whose key data was read before planning (rule 13). */
  keyDataReads: number;
}

interface NarrowedReads {
  keep: (node: RescueNode) => boolean;
  /** Once the kept tree is read: the links the plan needs, and how many the tenant holds. */
  links(tree: readonly RescueNode[]): Promise<{ links: Link[]; linkedTechnicians: number }>;
}

/**
 * An incremental run's reads cut to what its plan can touch: the changed users' links; every group and
 * administrator; every technician linked to one of them, holding one of their emails (as the plan derives it, or as
 * Entra or a link has it) or holding no email at all; and the links of those technicians. Each changed user's
 * decision sees what a whole read would show it (rules 2-7 look at nothing else), and the safety threshold counts
 * every link (rule 11).
 */
async function narrowRescueReads(
  incremental: { users: ReadonlySet<string>; directory: DirectorySnapshot },
  reader: LinkReader,
  settings: TenantSyncSettings | undefined,
): Promise<NarrowedReads> {
  const userLinks = await reader.ofUsers([...incremental.users]);
  const linkedNodes = new Set(userLinks.map((link) => link.rescueNodeId));
  const derive = compileFieldDerivation(resolveFieldRules(settings));
  const emails = new Set<string>();
  const add = (value: string | null | undefined) => {
    const key = value ? normalizeEmail(value) : "";
    if (key) emails.add(key);
  };
  for (const users of incremental.directory.values()) {
    for (const user of users) {
      add(derive(user).emailKey);
      add(user.mail);
      add(user.userPrincipalName);
    }
  }
  for (const link of userLinks) add(link.fields?.email);
  return {
    keep: (node) =>
      node.kind !== "technician" || !node.email || linkedNodes.has(node.id) || emails.has(normalizeEmail(node.email)),
    links: async (tree) => {
      const others = tree.filter((node) => node.kind === "technician" && !linkedNodes.has(node.id)).map((n) => n.id);
      const [otherLinks, linkedTechnicians] = await Promise.all([
        others.length > 0 ? reader.ofTechnicians(others) : Promise.resolve([]),
        reader.count(),
      ]);
      const seen = new Set(userLinks.map((link) => `${link.entraUserId} ${link.rescueNodeId}`));
      const links = [...userLinks, ...otherLinks.filter((l) => !seen.has(`${l.entraUserId} ${l.rescueNodeId}`))];
      return { links, linkedTechnicians };
    },
  };
}

/**
 * Reads both sides and plans. Its own function so that the directory snapshot, the tree and the planner's indexes are
 * garbage once it returns: an async function keeps its locals alive across every later await, and a 100,000-user
 * tenant's reads must not stay in memory while the plan is applied. Failing to read either side rejects: a run must
 * never plan from a partial picture.
 */
async function readAndPlan(
  deps: Pick<RunSyncDeps, "directory" | "rescue" | "recorder">,
  input: RunSyncInput,
  retry: RetryContext,
): Promise<PlannedRun> {
  const { directory, rescue, recorder } = deps;
  const unwrap = (error: unknown) => (error instanceof RetryFailure ? error.error : error);

  recorder.progress({ phase: "read-directory", done: 0, total: input.mappings.length });
  const incremental = input.incremental;
  const narrowed = incremental?.links
    ? await narrowRescueReads(incremental, incremental.links, input.settings)
    : undefined;
  const [directoryRead, tree] = await Promise.all([
    incremental
      ? Promise.resolve({ members: incremental.directory, skippedMembers: new Map() })
      : readDirectory(directory, [...input.mappings, ...(input.compareWithMappings ?? [])], {
          retry,
          ...(input.directoryConcurrency ? { concurrency: input.directoryConcurrency } : {}),
          onGroupRead: (done, total) => recorder.progress({ phase: "read-directory", done, total }),
        }).catch((error: unknown) => {
          throw unwrap(error);
        }),
    callWithRetry(() => rescue.getTree(narrowed ? { keep: narrowed.keep } : undefined), {
      ...retry,
      session: new SessionRenewal(rescue),
    }).then(
      ({ value }) => {
        recorder.progress({ phase: "read-rescue", done: 1, total: 1 });
        return value;
      },
      (error: unknown) => {
        throw unwrap(error);
      },
    ),
  ]);

  recorder.progress({ phase: "plan", done: 0, total: 1 });
  const subject = input.subjectEntraUserId;
  const read = subject === undefined ? directoryRead : onlyUser(directoryRead, subject);
  const narrowedLinks = narrowed ? await narrowed.links(tree) : undefined;
  const allLinks = narrowedLinks?.links ?? input.links;
  const links = subject === undefined ? allLinks : allLinks.filter((link) => link.entraUserId === subject);
  const planInput = {
    ...(input.tenantId !== undefined ? { tenantId: input.tenantId } : {}),
    mappings: input.mappings,
    directory: read.members,
    skippedMembers: read.skippedMembers,
    tree,
    links,
    ...(input.settings ? { settings: input.settings } : {}),
    ...(input.heldActions ? { heldActions: input.heldActions } : {}),
    ...(incremental ? { onlyUsers: incremental.users } : {}),
    ...(narrowedLinks ? { linkedTechnicians: narrowedLinks.linkedTechnicians } : {}),
  };
  let plan = planRun(planInput);
  // rule 13: no blind write. Updates that would go out without knowing the technician's current nick or SSO id read
  // them first (dry runs too, so a preview is true), and the plan is made again from what Rescue really holds.
  const unknown = techniciansWithUnknownFields(plan);
  if (unknown.length > 0) {
    recorder.progress({ phase: "read-rescue", done: 0, total: unknown.length });
    const readFields = await readTechnicianFields(rescue, unknown, {
      retry: { ...retry, session: new SessionRenewal(rescue) },
      ...(input.concurrency ? { concurrency: input.concurrency } : {}),
    }).catch((error: unknown) => {
      throw unwrap(error);
    });
    recorder.log("info", "read the key data of technicians whose nick or SSO id was unknown", {
      technicians: unknown.length,
    });
    recorder.progress({ phase: "read-rescue", done: unknown.length, total: unknown.length });
    plan = planRun({ ...planInput, readFields });
  }
  // A group that does not hold this one user is not empty: that warning belongs to full runs only.
  if (subject !== undefined) plan = { ...plan, warnings: plan.warnings.filter((w) => w.code !== "empty-entra-group") };
  const explained =
    subject === undefined
      ? undefined
      : explainUser({
          entraUserId: subject,
          mappings: input.mappings,
          directory: read.members,
          tree,
          links,
          includeGuests: input.settings?.includeGuests === true,
          plan,
          paths: await nestedPaths(directory, input.mappings, read, subject, recorder),
        });
  recorder.progress({ phase: "plan", done: 1, total: 1 });

  const compared = input.compareWithMappings;
  if (!compared) return { plan, keyDataReads: unknown.length, ...(explained ? { explained } : {}) };
  const index = indexRescue(tree, input.links);
  const scopeChanges = compareScopes({
    before: compared,
    after: input.mappings,
    directory: directoryRead.members,
    includeGuests: input.settings?.includeGuests === true,
    isTechnicianGroup: (nodeId) => isTechnicianGroup(index, nodeId),
    linked: (id) => index.linkByUser.has(id),
  });
  return { plan, scopeChanges, keyDataReads: unknown.length, ...(explained ? { explained } : {}) };
}

/** What executePlan needs of the input: not the links, mappings or held actions, which only the planner reads. */
function executeOptionsOf(input: RunSyncInput): ExecuteOptions {
  const { tenantId, mappings, links, settings, heldActions, directoryConcurrency, approvedActionIds, ...rest } = input;
  const { requireApprovalForDisables, compareWithMappings, incremental, subjectEntraUserId, ...options } = rest;
  return options;
}

/**
 * One run of one tenant: read both sides through the ports, plan, then execute (which honours dry run and the
 * safety threshold, rules 10–11). The worker composes only this.
 */
export async function runSync(deps: RunSyncDeps, input: RunSyncInput): Promise<RunSyncResult> {
  const { directory, rescue, recorder, clock } = deps;
  const startedAt = clock.now();
  const directoryCallsBefore = directory.callCount();
  const rescueCallsBefore = rescue.callCount();
  const retry: RetryContext = {
    clock,
    policy: { ...DEFAULT_RETRY_POLICY, ...input.retry },
    random: input.random ?? Math.random,
    ...(input.signal ? { signal: input.signal } : {}),
  };

  const { plan, scopeChanges, keyDataReads, explained } = await readAndPlan(deps, input, retry);

  const approved = input.approvedActionIds;
  // rule 14: a changed configuration may not disable anyone unseen; over the threshold, rule 11 already asks.
  const approvalReason =
    !approved && !input.dryRun && plan.status === "ready" && plan.counts.disable > 0
      ? input.requireApprovalForDisables?.(plan.counts.disable)
      : undefined;
  if (approvalReason) recorder.log("warn", approvalReason, { disables: plan.counts.disable });
  const toApply = approved
    ? keepApproved(plan, approved, recorder)
    : approvalReason
      ? { ...plan, status: "blocked" as const }
      : plan;
  const options = executeOptionsOf(input);
  const report = await executePlan(
    toApply,
    { rescue, recorder, clock },
    approved ? { ...options, approved: true } : options,
  );
  const finishedAt = clock.now();
  return {
    plan,
    ...(scopeChanges ? { scopeChanges } : {}),
    ...(explained ? { explanation: explainResult(explained, report) } : {}),
    report: {
      ...report,
      ...(approvalReason ? { approvalReason } : {}),
      startedAt,
      finishedAt,
      durationMs: finishedAt.getTime() - startedAt.getTime(),
      keyDataReads,
      calls: {
        directory: directory.callCount() - directoryCallsBefore,
        rescue: rescue.callCount() - rescueCallsBefore,
      },
    },
  };
}
