// Why each action is planned, as data and as one sentence a person can judge the plan by (the preview, the run's
// action table, the sync log). The planner's phases decide; this only words what they decided.
import type { GroupMapping, MappingCondition, MappingConditions, MappingFilter, RescueNode } from "../domain";
import type { ActionCause, FieldChange, PairRef, RescueGroupRef } from "../plan";
import { conditionsOf } from "./match-filter";
import { groupLabel } from "./scope";

export function pairRef(mapping: GroupMapping): PairRef {
  return {
    mappingId: mapping.id,
    priority: mapping.priority,
    entraGroupId: mapping.entraGroupId,
    entraGroupName: mapping.entraGroupName ?? null,
  };
}

/** A Rescue group by id, named as the tree names it; name null when the tree has no technician group there. */
export function rescueGroupRef(
  nodes: ReadonlyMap<number, RescueNode>,
  groupId: number | null,
): RescueGroupRef | undefined {
  if (groupId === null) return undefined;
  const node = nodes.get(groupId);
  return { id: groupId, name: node?.kind === "technicianGroup" ? node.name : null };
}

/** `Rescue group "Support" (1234)`, or `Rescue group 1234 (not in Rescue)` for one the tree no longer has. */
export function describeRescueGroup(group: RescueGroupRef): string {
  return group.name === null
    ? `Rescue group ${group.id} (not in Rescue)`
    : `Rescue group "${group.name}" (${group.id})`;
}

/** `"Helpdesk" (priority 1)`: a pair as the portal lists it. */
export function describePair(mapping: GroupMapping): string {
  return `${groupLabel(mapping)} (priority ${mapping.priority})`;
}

const OPERATOR_WORDS: Record<MappingFilter["operator"], string> = {
  equals: "equals",
  contains: "contains",
  startsWith: "starts with",
  endsWith: "ends with",
};

const NEGATED_OPERATOR_WORDS: Record<MappingFilter["operator"], string> = {
  equals: "does not equal",
  contains: "does not contain",
  startsWith: "does not start with",
  endsWith: "does not end with",
};

export function describeFilter(filter: MappingFilter): string {
  return `${filter.attribute} ${OPERATOR_WORDS[filter.operator]} "${filter.value}"`;
}

/** `department equals "IT"`; an exclude condition is worded the other way round: `department does not equal "IT"`. */
export function describeCondition(condition: MappingCondition): string {
  if (condition.mode !== "exclude") return describeFilter(condition);
  return `${condition.attribute} ${NEGATED_OPERATOR_WORDS[condition.operator]} "${condition.value}"`;
}

/** One condition as itself; several as `all of: a; b` or `any of: a; b`. */
export function describeConditions(conditions: MappingConditions): string {
  const parts = conditions.conditions.map(describeCondition);
  if (parts.length === 1) return parts[0]!;
  return `${conditions.combinator === "any" ? "any of" : "all of"}: ${parts.join("; ")}`;
}

export function createCause(pair: GroupMapping, group: RescueGroupRef): ActionCause {
  return {
    code: "in-scope",
    pair: pairRef(pair),
    sentence: `New technician in ${describeRescueGroup(group)}: in scope of ${describePair(pair)} and no technician has the email`,
  };
}

export function adoptCause(pair: GroupMapping, group: RescueGroupRef | undefined, email: string): ActionCause {
  const where = group ? ` in ${describeRescueGroup(group)}` : "";
  return {
    code: "same-email",
    pair: pairRef(pair),
    sentence: `Links the existing technician${where} that has the email ${email}; brought by ${describePair(pair)}`,
  };
}

const FIELD_WORDS: Record<FieldChange["field"], string> = {
  name: "name",
  nick: "nickname",
  email: "email",
  ssoId: "SSO id",
};

function quoted(value: string | null): string {
  return value === null ? "(unknown)" : value === "" ? "(empty)" : `"${value}"`;
}

export function updateCause(pair: GroupMapping, changes: readonly FieldChange[]): ActionCause {
  const what = changes.map((c) => `${FIELD_WORDS[c.field]} ${quoted(c.before)} → ${quoted(c.after)}`).join(", ");
  return { code: "key-data-changed", pair: pairRef(pair), sentence: `Changed in Entra: ${what}` };
}

export function enableCause(pair: GroupMapping): ActionCause {
  return {
    code: "enabled-in-entra",
    pair: pairRef(pair),
    sentence: `Enabled in Entra and in scope of ${describePair(pair)}, but disabled in Rescue`,
  };
}

export function disabledInEntraCause(pair: GroupMapping): ActionCause {
  return {
    code: "disabled-in-entra",
    pair: pairRef(pair),
    sentence: `The account is disabled in Entra (still a member of ${describePair(pair)})`,
  };
}

/** rule 6: why a linked user is out of every mapping's scope, from what the directory read shows. */
export function outOfScopeCause(
  excludedBy: readonly { mapping: GroupMapping; why: "filter" | "guest" }[] | undefined,
  mappings: readonly GroupMapping[],
): ActionCause {
  const filtered = (excludedBy ?? []).flatMap((e) => {
    const conditions = e.why === "filter" ? conditionsOf(e.mapping) : null;
    return conditions ? [{ mapping: e.mapping, conditions }] : [];
  });
  if (filtered.length > 0) {
    const parts = filtered.map(
      (e) =>
        `${describePair(e.mapping)} leaves it out by its ${e.conditions.conditions.length === 1 ? "filter" : "conditions"} (${describeConditions(e.conditions)})`,
    );
    return {
      code: "excluded-by-filter",
      // `filter` is the first condition, for readers of the single-filter shape; `conditions` is the whole test.
      filteredBy: filtered.map((e) => {
        const { mode: _mode, ...first } = e.conditions.conditions[0]!;
        return { ...pairRef(e.mapping), filter: first, conditions: e.conditions };
      }),
      sentence: `Still in a mapped group, but ${parts.join("; ")}`,
    };
  }
  if (excludedBy && excludedBy.length > 0) {
    return {
      code: "guest-not-included",
      groups: excludedBy.map((e) => pairRef(e.mapping)),
      sentence: `A guest in ${excludedBy.map((e) => groupLabel(e.mapping)).join(", ")}; guests are not provisioned for this tenant`,
    };
  }
  // The read lists members only: a user deleted in Entra and one removed from the groups look the same.
  const names = mappings.map(groupLabel);
  return {
    code: "left-mapped-groups",
    groups: mappings.map(pairRef),
    sentence:
      names.length === 0
        ? "No longer in any mapped group (no pairs are configured)"
        : `No longer in any mapped group (${names.join(", ")}): removed from ${names.length === 1 ? "it" : "them"}, or deleted in Entra`,
  };
}
