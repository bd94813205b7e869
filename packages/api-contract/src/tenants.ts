// A tenant: its settings and summary, its group mappings and the pickers that fill them.
import {
  CONDITION_COMBINATORS,
  CONDITION_MODES,
  FILTER_ATTRIBUTES,
  FILTER_OPERATORS,
  SSO_ID_SOURCES,
} from "@techsync/sync-core";
import { z } from "zod";
import { ZIsoDate, ZName, ZSecret, ZTenantParams } from "./common";
import { ZRunStatus } from "./enums";
import { ZRun, ZRunSummary } from "./runs";

/** sync-core's AttributeSource: where a technician field's value comes from, first non-empty wins. */
export const ATTRIBUTE_SOURCES = [
  "displayName",
  "givenName",
  "surname",
  "mail",
  "userPrincipalName",
  "mailLocalPart",
  "userPrincipalNameLocalPart",
  "employeeId",
] as const;
const ZAttributeSources = z.array(z.enum(ATTRIBUTE_SOURCES)).min(1).max(ATTRIBUTE_SOURCES.length);
export const ZAttributeMapping = z.strictObject({
  name: ZAttributeSources.optional(),
  nick: ZAttributeSources.optional(),
  email: ZAttributeSources.optional(),
  ssoId: ZAttributeSources.optional(),
});

/** rule 16: who owns a technician's SSO id; "rescue" keeps every non-empty SSO id Rescue holds. */
export const ZSsoIdSource = z.enum(SSO_ID_SOURCES);

export const ZSafetyThreshold = z.strictObject({
  percent: z.number().int().min(0).max(100),
  minimum: z.number().int().min(0).max(1_000_000),
});

export const ZTenantSettings = z.object({
  id: z.uuid(),
  name: z.string(),
  scheduleIntervalMinutes: z.number().int(),
  /** Minutes between full reconciling runs; the schedule's runs in between are incremental (Graph delta). */
  fullReconcileMinutes: z.number().int().optional(),
  paused: z.boolean(),
  sandboxMode: z.boolean(),
  safetyThreshold: z.object({ percent: z.number().int(), minimum: z.number().int() }),
  attributeMapping: ZAttributeMapping.nullable(),
  /** Provision guest users of mapped groups too (off: they are skipped, and each run's plan says so). */
  includeGuests: z.boolean(),
  ssoIdSource: ZSsoIdSource,
  hasDefaultPassword: z.boolean(),
  attentionReason: z.string().nullable(),
  /** The blocked run the attention reason is about (rule 11), until a real run is not blocked. */
  attentionRunId: z.uuid().nullable().optional(),
  quarantinedUntil: ZIsoDate.nullable(),
  nextRunAt: ZIsoDate.nullable().optional(),
  /** rule 14: when a person started syncing; null: no schedule and no real run yet (previews only). */
  activatedAt: ZIsoDate.nullable(),
  createdAt: ZIsoDate,
});
export type TenantSettings = z.infer<typeof ZTenantSettings>;

/**
 * rule 14: whether "Start syncing" is possible now. It is once the tenant's latest preview succeeded and was of the
 * configuration as it is now; otherwise `reason` says, in words, what to do first.
 */
export const ZActivation = z.object({
  activatedAt: ZIsoDate.nullable(),
  activatedBy: z.string().nullable(),
  canStart: z.boolean(),
  reason: z.string().nullable(),
  /** The latest preview (dry run), if any, and whether it was of the current configuration. */
  preview: z
    .object({
      runId: z.uuid(),
      status: ZRunStatus,
      finishedAt: ZIsoDate.nullable(),
      current: z.boolean(),
    })
    .nullable(),
});
export type Activation = z.infer<typeof ZActivation>;
export const ZStartSyncingReply = z.object({ activation: ZActivation, run: ZRun });
export type StartSyncingReply = z.infer<typeof ZStartSyncingReply>;

const FULL_RECONCILE_RANGE = "A full reconcile runs every 60 to 10080 minutes (one hour to one week).";

export const ZCreateTenantBody = z.strictObject({ name: ZName });

export const ZUpdateTenantBody = z
  .strictObject({
    name: ZName.optional(),
    scheduleIntervalMinutes: z.number().int().min(5).max(1440).optional(),
    fullReconcileMinutes: z.number().int().min(60, FULL_RECONCILE_RANGE).max(10_080, FULL_RECONCILE_RANGE).optional(),
    paused: z.boolean().optional(),
    sandboxMode: z.boolean().optional(),
    safetyThreshold: ZSafetyThreshold.optional(),
    /** null returns to sync-core's defaults. */
    attributeMapping: ZAttributeMapping.nullable().optional(),
    includeGuests: z.boolean().optional(),
    /** rule 16: "entra" lets runs overwrite SSO ids Rescue holds; "rescue" (default) keeps them. */
    ssoIdSource: ZSsoIdSource.optional(),
    /** Write-only: answered as hasDefaultPassword. */
    defaultPassword: ZSecret.optional(),
  })
  .refine((body) => Object.keys(body).length > 0, "send at least one field to change");
export type UpdateTenantBody = z.infer<typeof ZUpdateTenantBody>;

export const ZTenantSummary = z.object({
  /** rule 14: null until a person started syncing (then nextRunAt is null too). */
  activatedAt: ZIsoDate.nullable(),
  lastRun: ZRun.nullable(),
  nextRunAt: ZIsoDate.nullable(),
  linkedTechnicians: z.number().int(),
  /** Of those, enabled and disabled as the last applied action left them (the rest: no run said yet). */
  enabledTechnicians: z.number().int().optional(),
  disabledTechnicians: z.number().int().optional(),
  recentRuns: z.array(ZRunSummary),
  /**
   * How fresh the tenant is: when Graph last told of a change, the last incremental and full real runs that applied,
   * and how changes reach TechSync — `notifications` (Graph subscriptions held), `polling` (every 2 minutes, when the
   * API has no public address), or `off` (not syncing: not started, or paused).
   */
  freshness: z
    .object({
      lastChangeReceivedAt: ZIsoDate.nullable(),
      lastIncrementalRunAt: ZIsoDate.nullable(),
      lastFullRunAt: ZIsoDate.nullable(),
      changeFeed: z.enum(["notifications", "polling", "off"]),
    })
    .optional(),
});

const ZFilterAttribute = z.enum(FILTER_ATTRIBUTES, {
  error: `is not an attribute TechSync can compare; use one of ${FILTER_ATTRIBUTES.join(", ")}`,
});
const ZFilterOperator = z.enum(FILTER_OPERATORS, {
  error: `is not a comparison TechSync knows; use one of ${FILTER_OPERATORS.join(", ")}`,
});
const ZFilterValue = z.string().trim().min(1, "needs a value to compare with").max(256);

export const ZMappingFilter = z.strictObject({
  attribute: ZFilterAttribute,
  operator: ZFilterOperator,
  value: ZFilterValue,
});

/** One condition of a pair: a filter kept (include) or turned round (exclude). */
export const ZMappingCondition = z.strictObject({
  attribute: ZFilterAttribute,
  operator: ZFilterOperator,
  value: ZFilterValue,
  mode: z.enum(CONDITION_MODES, { error: "must be include or exclude" }).default("include"),
});
/** A pair's conditions joined by all/any; an empty list filters nobody out. */
export const ZMappingConditions = z.strictObject({
  combinator: z.enum(CONDITION_COMBINATORS, { error: "must be all or any" }).default("all"),
  conditions: z.array(ZMappingCondition).max(20, "a pair takes at most 20 conditions"),
});
/** The stored shape (no trimming or defaults: what the API wrote). */
const ZMappingConditionsView = z.object({
  combinator: z.enum(CONDITION_COMBINATORS),
  conditions: z.array(
    z.object({
      attribute: z.enum(FILTER_ATTRIBUTES),
      operator: z.enum(FILTER_OPERATORS),
      value: z.string(),
      mode: z.enum(CONDITION_MODES),
    }),
  ),
});
/** A pair's version: a change sent with an older one is refused (the page was stale). */
const ZVersion = z.number().int().min(1);

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
  /** The single include condition, for readers of the older shape; null when there is none or there are several. */
  filter: z
    .object({ attribute: z.enum(FILTER_ATTRIBUTES), operator: z.enum(FILTER_OPERATORS), value: z.string() })
    .nullable(),
  /** Every condition (an empty list: nobody is filtered out). */
  conditions: ZMappingConditionsView,
  version: z.number().int(),
});
export type MappingView = z.infer<typeof ZMapping>;
export const ZMappingsReply = z.object({ mappings: z.array(ZMapping) });
export const ZMappingParams = ZTenantParams.extend({ mappingId: z.uuid() }).strict();

export const ZCreateMappingBody = z
  .strictObject({
    entraGroupId: ZEntraGroupId,
    entraGroupName: ZName,
    rescueGroupId: ZRescueGroupId,
    /** Taken from the Rescue tree; accepted so the portal can send back what it showed. */
    rescueGroupName: ZName.optional(),
    priority: ZPriority.default(100),
    transitive: z.boolean().default(true),
    /** The older single filter (still accepted); send `conditions` for several. Not both. */
    filter: ZMappingFilter.nullable().default(null),
    conditions: ZMappingConditions.nullable().optional(),
  })
  .refine((body) => !(body.filter && body.conditions), "send either filter or conditions, not both");
export const ZUpdateMappingBody = z
  .strictObject({
    entraGroupId: ZEntraGroupId.optional(),
    entraGroupName: ZName.optional(),
    rescueGroupId: ZRescueGroupId.optional(),
    rescueGroupName: ZName.optional(),
    priority: ZPriority.optional(),
    transitive: z.boolean().optional(),
    filter: ZMappingFilter.nullable().optional(),
    conditions: ZMappingConditions.nullable().optional(),
    /** The version the change was made from: refused (409) when the pair changed since. */
    version: ZVersion.optional(),
  })
  .refine((body) => Object.keys(body).some((key) => key !== "version"), "send at least one field to change")
  .refine(
    (body) => !(body.filter !== undefined && body.conditions !== undefined),
    "send either filter or conditions, not both",
  );

/**
 * The pairs' new order, highest priority first: every pair of the tenant once, each with the version it was shown
 * at. Saved in one go, or refused (409) when a pair changed, was added or was removed since.
 */
export const ZReorderMappingsBody = z.strictObject({
  order: z
    .array(z.strictObject({ id: z.uuid(), version: ZVersion }))
    .min(1, "list the pairs in their new order")
    .max(1000)
    .refine((order) => new Set(order.map((pair) => pair.id)).size === order.length, "lists a pair twice"),
});
export type ReorderMappingsBody = z.infer<typeof ZReorderMappingsBody>;

/**
 * A change of the tenant's pairs to estimate before it is saved (a dry run plans with it applied, and never saves
 * it): remove a pair, change a pair's filter or priority, or add one.
 */
export const ZMappingProposal = z.discriminatedUnion("change", [
  z.strictObject({ change: z.literal("remove"), mappingId: z.uuid() }),
  z.strictObject({
    change: z.literal("update"),
    mappingId: z.uuid(),
    priority: ZPriority.optional(),
    filter: ZMappingFilter.nullable().optional(),
    conditions: ZMappingConditions.nullable().optional(),
    transitive: z.boolean().optional(),
    rescueGroupId: ZRescueGroupId.optional(),
  }),
  /** The pairs in a new order, highest priority first (every pair once). */
  z.strictObject({ change: z.literal("reorder"), order: z.array(z.uuid()).min(1).max(1000) }),
  z.strictObject({
    change: z.literal("add"),
    entraGroupId: ZEntraGroupId,
    entraGroupName: ZName,
    rescueGroupId: ZRescueGroupId,
    priority: ZPriority.default(100),
    transitive: z.boolean().default(true),
    filter: ZMappingFilter.nullable().default(null),
    conditions: ZMappingConditions.nullable().optional(),
  }),
]);
export type MappingProposal = z.infer<typeof ZMappingProposal>;
export const ZMappingImpactBody = z.strictObject({ proposal: ZMappingProposal });
/**
 * What estimating a change gives: a dry run planning with it (`estimate: "run"`, follow the run), no run because none
 * is needed (`"not_needed"`: the only pair, or no technician linked yet; `message` says which), or none because it cannot
 * run now (`"unavailable"`: another run of the tenant is going, the queue is down); the person may still decide.
 */
export const ZMappingImpactReply = z.object({
  estimate: z.enum(["run", "not_needed", "unavailable"]),
  message: z.string(),
  run: ZRun.nullable(),
});
export type MappingImpactReply = z.infer<typeof ZMappingImpactReply>;

export const ZEntraGroupsQuery = z.strictObject({
  search: z.string().trim().max(256).default(""),
  pageToken: z.string().min(1).max(4096).optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});
export const ZEntraGroupsReply = z.object({
  groups: z.array(
    z.object({
      id: z.string(),
      displayName: z.string(),
      description: z.string().nullable(),
      /** Members (users, nested groups and others; direct members), or null when Graph did not say. */
      memberCount: z.number().int().nullable().optional(),
    }),
  ),
  /** How many groups match the search in the whole directory (Graph's $count), or null when Graph did not say. */
  totalCount: z.number().int().nullable().optional(),
  nextPageToken: z.string().optional(),
});

export const ZRescueGroupsReply = z.object({
  groups: z.array(
    z.object({
      id: z.number().int(),
      parentId: z.number().int().nullable(),
      name: z.string(),
      path: z.array(z.string()),
    }),
  ),
});

export type AttributeMapping = z.infer<typeof ZAttributeMapping>;
export type SafetyThreshold = z.infer<typeof ZSafetyThreshold>;
export type TenantSummary = z.infer<typeof ZTenantSummary>;
export type TenantSettingsPatch = z.input<typeof ZUpdateTenantBody>;
export type MappingFilter = z.infer<typeof ZMappingFilter>;
export type MappingCondition = z.infer<typeof ZMappingCondition>;
export type MappingConditionsInput = z.input<typeof ZMappingConditions>;
export type Mapping = MappingView;
export type MappingsReply = z.infer<typeof ZMappingsReply>;
export type CreateMappingBody = z.input<typeof ZCreateMappingBody>;
export type EntraGroupsReply = z.infer<typeof ZEntraGroupsReply>;
export type EntraGroup = EntraGroupsReply["groups"][number];
export type RescueGroupsReply = z.infer<typeof ZRescueGroupsReply>;
export type RescueGroup = RescueGroupsReply["groups"][number];

// The filter vocabulary is the engine's: one list, so no form offers what the planner cannot apply.
export {
  CONDITION_COMBINATORS,
  CONDITION_MODES,
  DEFAULT_ATTRIBUTE_MAPPING,
  FILTER_ATTRIBUTES,
  FILTER_OPERATORS,
  type FilterAttribute,
  type FilterOperator,
  type MappingConditions,
} from "@techsync/sync-core";
