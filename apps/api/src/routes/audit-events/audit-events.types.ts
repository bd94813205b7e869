import { z } from "zod";
import { bigintCursor, ZIsoDate, ZLimit } from "../common.types";

export const ZListAuditEventsQuery = z.strictObject({
  limit: ZLimit,
  /** The id of the last event of the previous page. */
  cursor: bigintCursor("an audit event").optional(),
});
export const ZAuditEventsReply = z.object({
  events: z.array(
    z.object({
      id: z.string(),
      actorType: z.enum(["portal_user", "api_key", "system"]),
      actorId: z.string().nullable(),
      action: z.string(),
      target: z.string().nullable(),
      details: z.unknown().nullable(),
      createdAt: ZIsoDate,
    }),
  ),
  nextCursor: z.string().optional(),
});
