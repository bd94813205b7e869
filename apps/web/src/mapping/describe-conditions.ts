// A pair's conditions in words: "everyone in the group", "only where Department equals “IT”", or
// "users who pass any of: Department equals “IT”; Job title does not contain “contractor”".
import type { GroupMapping } from "../api/api-types";
import { attributeLabels, negatedOperatorLabels, operatorLabels } from "./filter-words";

type Condition = Omit<GroupMapping["conditions"]["conditions"][number], "mode"> & { mode?: "include" | "exclude" };
type Conditions = Pick<GroupMapping["conditions"], "combinator"> & { conditions: readonly Condition[] };

export function describeCondition(condition: Condition): string {
  const words = condition.mode === "exclude" ? negatedOperatorLabels : operatorLabels;
  return `${attributeLabels[condition.attribute] ?? condition.attribute} ${words[condition.operator] ?? condition.operator} “${condition.value}”`;
}

export function describeConditions(conditions: Conditions | null | undefined): string {
  if (!conditions || conditions.conditions.length === 0) return "everyone in the group";
  if (conditions.conditions.length === 1) return `only where ${describeCondition(conditions.conditions[0]!)}`;
  const joined = conditions.conditions.map(describeCondition).join("; ");
  return `users who pass ${conditions.combinator === "any" ? "any" : "all"} of: ${joined}`;
}
