// A pair's conditions as stored: the `conditions` JSON column when it holds a valid list, else the older single
// filter columns read as one include condition. The worker's run input, the configuration fingerprint and the API's
// view of a pair all read a row through this, so they never disagree about what a pair filters.
import { Prisma } from "@techsync/db";
import {
  CONDITION_COMBINATORS,
  CONDITION_MODES,
  conditionsOf,
  FILTER_ATTRIBUTES,
  FILTER_OPERATORS,
  type MappingCondition,
  type MappingConditions,
  type MappingFilter,
} from "@techsync/sync-core";

function oneOf<T extends string>(list: readonly T[], value: unknown): T | undefined {
  return list.find((item) => item === value);
}

/** The JSON column's value when it is a well-formed list of conditions (the API wrote it), else null. */
function parseStored(value: unknown): MappingConditions | null {
  if (value === null || typeof value !== "object" || Array.isArray(value)) return null;
  const { combinator, conditions } = value as { combinator?: unknown; conditions?: unknown };
  const joined = oneOf(CONDITION_COMBINATORS, combinator);
  if (!joined || !Array.isArray(conditions)) return null;
  const parsed: MappingCondition[] = [];
  for (const item of conditions as unknown[]) {
    const c = (item ?? {}) as Record<string, unknown>;
    const attribute = oneOf(FILTER_ATTRIBUTES, c.attribute);
    const operator = oneOf(FILTER_OPERATORS, c.operator);
    const mode = oneOf(CONDITION_MODES, c.mode);
    if (!attribute || !operator || !mode || typeof c.value !== "string") return null;
    parsed.push({ attribute, operator, value: c.value, mode });
  }
  return { combinator: joined, conditions: parsed };
}

export type StoredConditionColumns = Pick<
  Prisma.GroupMappingModel,
  "filterAttribute" | "filterOperator" | "filterValue"
> &
  Partial<Pick<Prisma.GroupMappingModel, "conditions">>;

/** The older single filter of a row, or null. */
export function storedFilterOf(row: StoredConditionColumns): MappingFilter | null {
  const attribute = FILTER_ATTRIBUTES.find((a) => a === row.filterAttribute);
  const operator = FILTER_OPERATORS.find((o) => o === row.filterOperator);
  return attribute && operator && row.filterValue !== null ? { attribute, operator, value: row.filterValue } : null;
}

/** The row's conditions (JSON column first, then the older filter columns); null when nothing filters. */
export function storedConditionsOf(row: StoredConditionColumns): MappingConditions | null {
  return conditionsOf({ filter: storedFilterOf(row), conditions: parseStored(row.conditions) });
}

/** What to write for a pair's conditions: the JSON column, with the older columns cleared. */
export function conditionColumns(conditions: MappingConditions | null): {
  conditions: Prisma.InputJsonObject | typeof Prisma.DbNull;
  filterAttribute: null;
  filterOperator: null;
  filterValue: null;
} {
  return {
    conditions:
      conditions && conditions.conditions.length > 0
        ? (conditions as unknown as Prisma.InputJsonObject)
        : Prisma.DbNull,
    filterAttribute: null,
    filterOperator: null,
    filterValue: null,
  };
}
