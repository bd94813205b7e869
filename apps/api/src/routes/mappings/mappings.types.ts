import type { Prisma } from "@techsync/db";
import { FILTER_ATTRIBUTES, FILTER_OPERATORS } from "@techsync/sync-core";
import { z } from "zod";
import { ZName, ZTenantParams } from "../common.types";

// The filter vocabulary is the engine's: one list, so the API never accepts what the planner cannot apply.
export { FILTER_ATTRIBUTES, FILTER_OPERATORS };

export const ZMappingFilter = z.strictObject({
  attribute: z.enum(FILTER_ATTRIBUTES),
  operator: z.enum(FILTER_OPERATORS),
  value: z.string().trim().min(1).max(256),
});

const ZEntraGroupId = z.string().trim().min(1).max(64);
const ZRescueGroupId = z.number().int().min(1).max(2_147_483_647);
const ZPriority = z.number().int().min(0).max(1_000_000);

export const ZMapping = z.object({
  id: z.uuid(),
  entraGroupId: z.string(),
  entraGroupName: z.string(),
  rescueGroupId: z.number().int(),
  rescueGroupName: z.string(),
  priority: z.number().int(),
  transitive: z.boolean(),
  filter: z
    .object({ attribute: z.enum(FILTER_ATTRIBUTES), operator: z.enum(FILTER_OPERATORS), value: z.string() })
    .nullable(),
});
export type MappingView = z.infer<typeof ZMapping>;
export const ZMappingsReply = z.object({ mappings: z.array(ZMapping) });
export const ZMappingParams = ZTenantParams.extend({ mappingId: z.uuid() }).strict();

export const ZCreateMappingBody = z.strictObject({
  entraGroupId: ZEntraGroupId,
  entraGroupName: ZName,
  rescueGroupId: ZRescueGroupId,
  /** Taken from the Rescue tree; accepted so the portal can send back what it showed. */
  rescueGroupName: ZName.optional(),
  priority: ZPriority.default(100),
  transitive: z.boolean().default(true),
  filter: ZMappingFilter.nullable().default(null),
});
export const ZUpdateMappingBody = z
  .strictObject({
    entraGroupId: ZEntraGroupId.optional(),
    entraGroupName: ZName.optional(),
    rescueGroupId: ZRescueGroupId.optional(),
    rescueGroupName: ZName.optional(),
    priority: ZPriority.optional(),
    transitive: z.boolean().optional(),
    filter: ZMappingFilter.nullable().optional(),
  })
  .refine((body) => Object.keys(body).length > 0, "send at least one field to change");

export function filterColumns(filter: z.infer<typeof ZMappingFilter> | null) {
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
