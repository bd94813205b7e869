// Provisioning one user on demand: the whole decision for that user, step by step, in words. The plan decides (the
// same planRun a full run uses, fed only that user); this only reads the plan and its inputs and words them.
import { type DirectoryUser, type GroupMapping, type MappingFilter, normalizeEmail } from "../domain";
import type { DirectorySnapshot, Plan, SyncActionKind } from "../plan";
import type { RunReport } from "../run-report";
import { describeCondition, describeConditions, describeRescueGroup } from "./describe-cause";
import { indexRescue } from "./match";
import { type ConditionVerdict, conditionsOf, evaluateConditions } from "./match-filter";
import { groupLabel } from "./scope";

/** One pair's verdict on the user. */
export interface PairVerdict {
  mappingId: string;
  priority: number;
  /** `Helpdesk → Support Tier 1`: the pair as a person names it. */
  pair: string;
  /** member: in the group (nested groups too where the pair is transitive); the other codes say why not in scope. */
  verdict: "in-scope" | "not-a-member" | "excluded-by-filter" | "guest-not-included";
  /** In scope: whether this pair creates the user (rule 8: the first one whose Rescue group exists). */
  createsHere?: boolean;
  /** The nested groups between the user and the pair's group (the user's own group first), when not a direct member. */
  through?: string[];
  /**
   * The pair's conditions as a whole (description of all of them; attribute and value of the first), and whether the
   * user passes them. Absent when the pair filters nobody out.
   */
  filter?: { description: string; attribute: string; userValue: string | null; passes: boolean };
  /** Each condition with the user's value of its attribute and whether it held (several-condition pairs too). */
  conditions?: { description: string; attribute: string; userValue: string | null; holds: boolean }[];
  sentence: string;
}

export interface UserExplanation {
  entraUserId: string;
  /** The user as read from Entra; null when no mapped group holds the user (the group reads do not show it). */
  user: { displayName: string | null; email: string | null; accountEnabled: boolean } | null;
  pairs: PairVerdict[];
  match: {
    by: "link" | "email" | "none";
    rescueNodeId?: number;
    technicianName?: string;
    sentence: string;
  };
  /** The actions the plan has for the user (none when nothing differs, rule 13). */
  actions: { id: string; kind: SyncActionKind; sentence: string }[];
  result: {
    status: "applied" | "failed" | "nothing-to-do" | "dry-run" | "blocked" | "cancelled";
    sentence: string;
  };
}

export interface ExplainUserInput {
  entraUserId: string;
  mappings: readonly GroupMapping[];
  /** The directory read restricted to the user (each mapping: the user, or nobody). */
  directory: DirectorySnapshot;
  tree: Parameters<typeof indexRescue>[0];
  links: Parameters<typeof indexRescue>[1];
  includeGuests: boolean;
  plan: Plan;
  /** Per mapping id: the nested groups between the user and the mapping's group (user's own group first). */
  paths?: ReadonlyMap<string, readonly string[]>;
}

function pairName(mapping: GroupMapping, tree: ReturnType<typeof indexRescue>["nodes"]): string {
  const group = tree.get(mapping.rescueGroupId);
  const rescue = group?.kind === "technicianGroup" ? group.name : `Rescue group ${mapping.rescueGroupId}`;
  return `${mapping.entraGroupName ?? mapping.entraGroupId} → ${rescue}`;
}

function quotedValue(value: string | null): string {
  return value === null || value === "" ? "empty" : `'${value}'`;
}

const WANTS: Record<MappingFilter["operator"], string> = {
  equals: "",
  contains: "a value containing ",
  startsWith: "a value starting with ",
  endsWith: "a value ending with ",
};

const WANTS_NOT: Record<MappingFilter["operator"], string> = {
  equals: "anything but ",
  contains: "a value not containing ",
  startsWith: "a value not starting with ",
  endsWith: "a value not ending with ",
};

/** `'IT'`, `a value containing 'IT'`, `anything but 'IT'`: what a condition wants, in words. */
function wanted(condition: ConditionVerdict["condition"]): string {
  return `${(condition.mode === "exclude" ? WANTS_NOT : WANTS)[condition.operator]}'${condition.value}'`;
}

/** `department is 'Sales', the filter wants 'IT'`: one condition's verdict, in words. */
function conditionSentence(verdict: ConditionVerdict, subject: string): string {
  return `${verdict.condition.attribute} is ${quotedValue(verdict.userValue)}, ${subject} wants ${wanted(verdict.condition)}`;
}

/** Why the conditions leave the user out: the failing one (all), or every one (any, since none held). */
function whyExcluded(combinator: "all" | "any", verdicts: readonly ConditionVerdict[]): string {
  if (verdicts.length === 1) return conditionSentence(verdicts[0]!, "the filter");
  if (combinator === "all") {
    const failed = verdicts.filter((v) => !v.holds);
    return failed
      .map((v) => `${conditionSentence(v, `condition ${verdicts.indexOf(v) + 1}`)}`)
      .join("; ")
      .concat(" (all conditions must pass)");
  }
  return verdicts
    .map((v, i) => conditionSentence(v, `condition ${i + 1}`))
    .join("; ")
    .concat(" (none of the conditions passes)");
}

/** Which conditions let the user in: `, and department is 'IT' (department equals "IT")`. */
function whyIncluded(combinator: "all" | "any", verdicts: readonly ConditionVerdict[]): string {
  const passing = combinator === "any" ? verdicts.filter((v) => v.holds) : verdicts;
  const words = passing.map(
    (v) => `${v.condition.attribute} is ${quotedValue(v.userValue)} (${describeCondition(v.condition)})`,
  );
  const head = `, and ${words.join(" and ")}`;
  return combinator === "any" && verdicts.length > 1 ? `${head} (any one condition is enough)` : head;
}

/** The decision for one user, before anything is applied (`result` says what the plan will do). */
export function explainUser(input: ExplainUserInput): UserExplanation {
  const index = indexRescue(input.tree, input.links);
  const mappings = [...input.mappings].sort((a, b) => a.priority - b.priority || (a.id < b.id ? -1 : 1));
  let user: DirectoryUser | undefined;
  for (const mapping of mappings) {
    user ??= input.directory.get(mapping.id)?.find((member) => member.id === input.entraUserId);
  }
  const ownActions = input.plan.actions.filter((action) => action.entraUserId === input.entraUserId);
  const create = ownActions.find((action) => action.kind === "create");
  const pairs: PairVerdict[] = mappings.map((mapping) => {
    const name = pairName(mapping, index.nodes);
    const base = { mappingId: mapping.id, priority: mapping.priority, pair: name };
    const member = input.directory.get(mapping.id)?.find((candidate) => candidate.id === input.entraUserId);
    if (!member) {
      return {
        ...base,
        verdict: "not-a-member",
        sentence: `Not in pair '${name}': not a member of ${groupLabel(mapping)}${mapping.transitive ? " (nested groups included)" : ""}`,
      };
    }
    const conditions = conditionsOf(mapping);
    const evaluated = conditions ? evaluateConditions(member, conditions) : undefined;
    const first = evaluated?.verdicts[0];
    const filter =
      conditions && evaluated && first
        ? {
            description: describeConditions(conditions),
            attribute: first.condition.attribute,
            userValue: first.userValue,
            passes: evaluated.passes,
          }
        : undefined;
    const conditionVerdicts = evaluated?.verdicts.map((v) => ({
      description: describeCondition(v.condition),
      attribute: v.condition.attribute,
      userValue: v.userValue,
      holds: v.holds,
    }));
    const withFilter = filter ? { filter, conditions: conditionVerdicts! } : {};
    if (conditions && evaluated && !evaluated.passes) {
      return {
        ...base,
        verdict: "excluded-by-filter",
        ...withFilter,
        sentence: `Excluded by pair '${name}': ${whyExcluded(conditions.combinator, evaluated.verdicts)}`,
      };
    }
    if (member.userType === "guest" && !input.includeGuests) {
      return {
        ...base,
        verdict: "guest-not-included",
        ...withFilter,
        sentence: `Left out by pair '${name}': a guest, and guests are not provisioned for this tenant`,
      };
    }
    const createsHere = create?.kind === "create" && create.mappingId === mapping.id;
    const through = input.paths?.get(mapping.id);
    const via = through && through.length > 0 ? ` through ${through.map((g) => `"${g}"`).join(" → ")}` : "";
    return {
      ...base,
      verdict: "in-scope",
      createsHere,
      ...(through && through.length > 0 ? { through: [...through] } : {}),
      ...withFilter,
      sentence: `In scope of pair '${name}': a member of ${groupLabel(mapping)}${via}${conditions && evaluated ? whyIncluded(conditions.combinator, evaluated.verdicts) : ""}`,
    };
  });

  const link = index.linkByUser.get(input.entraUserId);
  const adopt = ownActions.find((action) => action.kind === "adopt");
  const technician = (nodeId: number) => index.nodes.get(nodeId);
  let match: UserExplanation["match"];
  if (link && technician(link.rescueNodeId)) {
    const node = technician(link.rescueNodeId)!;
    match = {
      by: "link",
      rescueNodeId: node.id,
      technicianName: node.name,
      sentence: `Linked to technician "${node.name}" (${node.id})`,
    };
  } else if (adopt?.kind === "adopt") {
    const node = technician(adopt.rescueNodeId);
    match = {
      by: "email",
      rescueNodeId: adopt.rescueNodeId,
      ...(node ? { technicianName: node.name } : {}),
      sentence: `No link; technician "${node?.name ?? adopt.rescueNodeId}" has the same email${node?.email ? ` (${normalizeEmail(node.email)})` : ""}`,
    };
  } else if (create?.kind === "create") {
    match = { by: "none", sentence: "No link and no technician with the same email anywhere in Rescue" };
  } else {
    // Out of every pair's scope and not linked: nothing is looked for by email (a full run does not either).
    match = { by: "none", sentence: "No technician is linked to this user" };
  }
  const actions = ownActions.map((action) => {
    const where = action.rescueGroup ? ` (${describeRescueGroup(action.rescueGroup)})` : "";
    return { id: action.id, kind: action.kind, sentence: `${action.cause?.sentence ?? action.reason}${where}` };
  });
  const result: UserExplanation["result"] =
    actions.length === 0
      ? {
          status: "nothing-to-do",
          sentence: user
            ? "Nothing to do: Rescue already matches Entra for this user"
            : "Nothing to do: the user is in no mapped group and has no technician",
        }
      : input.plan.status === "blocked"
        ? { status: "blocked", sentence: "Stopped by the safety threshold: nothing applied" }
        : { status: "applied", sentence: "Planned" };
  return {
    entraUserId: input.entraUserId,
    user: user
      ? {
          displayName: user.displayName,
          email: user.mail ?? user.userPrincipalName,
          accountEnabled: user.accountEnabled,
        }
      : null,
    pairs,
    match,
    actions,
    result,
  };
}

/** The explanation's last step, once the plan went through the executor. */
export function explainResult(explanation: UserExplanation, report: RunReport): UserExplanation {
  if (explanation.actions.length === 0) return explanation;
  const failures = report.failures.filter((failure) => failure.entraUserId === explanation.entraUserId);
  const result: UserExplanation["result"] =
    report.status === "dry-run"
      ? { status: "dry-run", sentence: "Dry run: nothing was applied" }
      : report.status === "blocked"
        ? { status: "blocked", sentence: report.approvalReason ?? "Stopped before applying anything: approve the run" }
        : report.status === "cancelled"
          ? { status: "cancelled", sentence: "Cancelled before it was applied" }
          : failures.length > 0
            ? {
                status: "failed",
                sentence: failures.map((failure) => `${failure.kind}: ${failure.message}`).join("; "),
              }
            : { status: "applied", sentence: "Applied in Rescue" };
  return { ...explanation, result };
}
