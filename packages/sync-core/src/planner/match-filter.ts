// rule 1: a pair's scoping conditions. Each condition compares one attribute case-insensitively; include keeps the
// users it matches, exclude keeps those it does not; the combinator joins them (all: every one holds, any: one does).
// The single filter of older configurations is one include condition.
import type { DirectoryUser, GroupMapping, MappingCondition, MappingConditions, MappingFilter } from "../domain";

/** Whether the user's attribute matches the filter (a user without the attribute matches nothing). */
export function matchFilter(user: DirectoryUser, filter: MappingFilter | null | undefined): boolean {
  if (!filter) return true;
  const raw = user[filter.attribute];
  if (raw === null || raw === undefined) return false;
  const value = raw.toLowerCase();
  const wanted = filter.value.toLowerCase();
  switch (filter.operator) {
    case "equals":
      return value === wanted;
    case "contains":
      return value.includes(wanted);
    case "startsWith":
      return value.startsWith(wanted);
    case "endsWith":
      return value.endsWith(wanted);
  }
}

/** The pair's conditions, the older single filter read as one include condition; null when nothing filters. */
export function conditionsOf(mapping: Pick<GroupMapping, "filter" | "conditions">): MappingConditions | null {
  if (mapping.conditions && mapping.conditions.conditions.length > 0) return mapping.conditions;
  if (mapping.filter) return { combinator: "all", conditions: [{ ...mapping.filter, mode: "include" }] };
  return null;
}

/** Whether one condition holds for the user: exclude turns the match round. */
export function conditionHolds(user: DirectoryUser, condition: MappingCondition): boolean {
  const matches = matchFilter(user, condition);
  return condition.mode === "exclude" ? !matches : matches;
}

/** Whether the user passes the conditions; none (or an empty list) lets everyone through. */
export function matchConditions(user: DirectoryUser, conditions: MappingConditions | null | undefined): boolean {
  if (!conditions || conditions.conditions.length === 0) return true;
  return conditions.combinator === "any"
    ? conditions.conditions.some((condition) => conditionHolds(user, condition))
    : conditions.conditions.every((condition) => conditionHolds(user, condition));
}

/** Each condition's verdict on the user, for the explanation of a decision. */
export interface ConditionVerdict {
  condition: MappingCondition;
  userValue: string | null;
  holds: boolean;
}

export function evaluateConditions(
  user: DirectoryUser,
  conditions: MappingConditions,
): { passes: boolean; verdicts: ConditionVerdict[] } {
  const verdicts = conditions.conditions.map((condition) => ({
    condition,
    userValue: user[condition.attribute] ?? null,
    holds: conditionHolds(user, condition),
  }));
  const passes =
    verdicts.length === 0 ||
    (conditions.combinator === "any" ? verdicts.some((v) => v.holds) : verdicts.every((v) => v.holds));
  return { passes, verdicts };
}
