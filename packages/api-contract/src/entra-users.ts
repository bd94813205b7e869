// Provisioning one user on demand: searching the tenant's Entra users, and the decision for one user, step by step.
import { z } from "zod";
import { ZActionKind } from "./enums";

export const ZEntraUsersQuery = z.strictObject({
  search: z.string().trim().max(256).default(""),
  pageToken: z.string().min(1).max(4096).optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});
export const ZEntraUsersReply = z.object({
  users: z.array(
    z.object({
      id: z.string(),
      displayName: z.string().nullable(),
      mail: z.string().nullable(),
      userPrincipalName: z.string(),
    }),
  ),
  nextPageToken: z.string().optional(),
});
export type EntraUsersReply = z.infer<typeof ZEntraUsersReply>;

/** An Entra object id (a GUID), as Graph names users. */
export const ZEntraUserId = z
  .string()
  .trim()
  .regex(/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/, {
    error: "must be an Entra user's object id (a GUID)",
  });

/** One pair's verdict on the user (sync-core's PairVerdict). */
export const ZPairVerdict = z.object({
  mappingId: z.string(),
  priority: z.number().int(),
  pair: z.string(),
  verdict: z.enum(["in-scope", "not-a-member", "excluded-by-filter", "guest-not-included"]),
  createsHere: z.boolean().optional(),
  /** The nested groups between the user and the pair's group, outermost last, when the user is not a direct member. */
  through: z.array(z.string()).optional(),
  filter: z
    .object({
      description: z.string(),
      attribute: z.string(),
      userValue: z.string().nullable(),
      passes: z.boolean(),
    })
    .optional(),
  /** Each of the pair's conditions, with the user's value and whether it held. */
  conditions: z
    .array(
      z.object({
        description: z.string(),
        attribute: z.string(),
        userValue: z.string().nullable(),
        holds: z.boolean(),
      }),
    )
    .optional(),
  sentence: z.string(),
});

/** The whole decision for one user: each pair's verdict, the technician it matches, the actions and their result. */
export const ZUserExplanation = z.object({
  entraUserId: z.string(),
  user: z
    .object({ displayName: z.string().nullable(), email: z.string().nullable(), accountEnabled: z.boolean() })
    .nullable(),
  pairs: z.array(ZPairVerdict),
  match: z.object({
    by: z.enum(["link", "email", "none"]),
    rescueNodeId: z.number().int().optional(),
    technicianName: z.string().optional(),
    sentence: z.string(),
  }),
  actions: z.array(z.object({ id: z.string(), kind: ZActionKind, sentence: z.string() })),
  result: z.object({
    status: z.enum(["applied", "failed", "nothing-to-do", "dry-run", "blocked", "cancelled"]),
    sentence: z.string(),
  }),
});
export type UserExplanation = z.infer<typeof ZUserExplanation>;

export const ZSyncUserParams = z.strictObject({ tenantId: z.uuid(), entraUserId: ZEntraUserId });

/**
 * The run of one user. `finished`: the run ended within the wait and `explanation` says what was decided and done
 * (a tenant that has not started syncing gets a dry run: `dryRun` true, nothing applied). Otherwise the run is still
 * going (202): its page shows the explanation when it ends.
 */
export const ZSyncUserReply = z.object({
  runId: z.uuid(),
  status: z.string(),
  finished: z.boolean(),
  dryRun: z.boolean(),
  explanation: ZUserExplanation.nullable(),
  /** Why the run ended without an explanation (it failed before planning), in words. */
  error: z.string().nullable(),
});
export type SyncUserReply = z.infer<typeof ZSyncUserReply>;
