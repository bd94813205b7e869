// Mapping schemas are the API contract's; this maps a filter to its columns and a row to its view.
import { type MappingFilter, type MappingView, ZMappingFilter } from "@techsync/api-contract";
import type { Prisma } from "@techsync/db";

export type { MappingView } from "@techsync/api-contract";
export {
  ZCreateMappingBody,
  ZMapping,
  ZMappingFilter,
  ZMappingParams,
  ZMappingsReply,
  ZUpdateMappingBody,
} from "@techsync/api-contract";
// The filter vocabulary is the engine's: one list, so the API never accepts what the planner cannot apply.
export { FILTER_ATTRIBUTES, FILTER_OPERATORS } from "@techsync/sync-core";

export function filterColumns(filter: MappingFilter | null) {
  return {
    filterAttribute: filter?.attribute ?? null,
    filterOperator: filter?.operator ?? null,
    filterValue: filter?.value ?? null,
  };
}

export function mappingView(row: Prisma.GroupMappingModel): MappingView {
  const filter = ZMappingFilter.safeParse({
    attribute: row.filterAttribute,
    operator: row.filterOperator,
    value: row.filterValue,
  });
  return {
    id: row.id,
    entraGroupId: row.entraGroupId,
    entraGroupName: row.entraGroupName,
    rescueGroupId: row.rescueGroupId,
    rescueGroupName: row.rescueGroupName,
    priority: row.priority,
    transitive: row.transitive,
    filter: filter.success ? filter.data : null,
  };
}
