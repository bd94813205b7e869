// Mapping schemas are the API contract's; this maps conditions to their columns and a row to its view.
import type { MappingView } from "@techsync/api-contract";
import type { Prisma } from "@techsync/db";
import { conditionColumns, storedConditionsOf } from "@techsync/runs";
import type { MappingConditions, MappingFilter } from "@techsync/sync-core";

export type { MappingView } from "@techsync/api-contract";
export {
  ZCreateMappingBody,
  ZMapping,
  ZMappingFilter,
  ZMappingParams,
  ZMappingsReply,
  ZReorderMappingsBody,
  ZUpdateMappingBody,
} from "@techsync/api-contract";
// The filter vocabulary is the engine's: one list, so the API never accepts what the planner cannot apply.
export { FILTER_ATTRIBUTES, FILTER_OPERATORS } from "@techsync/sync-core";

/** A body's conditions: `conditions` as sent, or the older single `filter` as one include condition. */
export function conditionsFromBody(body: {
  filter?: MappingFilter | null;
  conditions?: MappingConditions | null;
}): MappingConditions | null {
  if (body.conditions !== undefined && body.conditions !== null) return body.conditions;
  if (body.filter) return { combinator: "all", conditions: [{ ...body.filter, mode: "include" }] };
  return null;
}

/** The columns a pair's conditions are written to (the older filter columns are cleared). */
export function filterColumns(conditions: MappingConditions | null) {
  return conditionColumns(conditions);
}

export function mappingView(row: Prisma.GroupMappingModel): MappingView {
  const conditions = storedConditionsOf(row);
  const only = conditions?.conditions.length === 1 ? conditions.conditions[0] : undefined;
  return {
    id: row.id,
    entraGroupId: row.entraGroupId,
    entraGroupName: row.entraGroupName,
    rescueGroupId: row.rescueGroupId,
    rescueGroupName: row.rescueGroupName,
    priority: row.priority,
    transitive: row.transitive,
    filter:
      only && only.mode === "include"
        ? { attribute: only.attribute, operator: only.operator, value: only.value }
        : null,
    conditions: conditions ?? { combinator: "all", conditions: [] },
    version: row.version,
  };
}
