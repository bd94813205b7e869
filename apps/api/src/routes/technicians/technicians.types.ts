import { z } from "zod";
import { ZIsoDate, ZLimit } from "../common.types";

export const ZListTechniciansQuery = z.strictObject({
  /** Part of a name or email, any case. */
  q: z.string().trim().min(1).max(200).optional(),
  limit: ZLimit,
  /** The entraUserId of the last technician of the previous page. */
  cursor: z.string().min(1).max(64).optional(),
});
export const ZTechnician = z.object({
  entraUserId: z.string(),
  rescueNodeId: z.number().int(),
  name: z.string(),
  email: z.string(),
  lastOutcome: z.string().nullable(),
  lastRunId: z.string().nullable(),
  updatedAt: ZIsoDate,
});
export const ZTechniciansReply = z.object({ technicians: z.array(ZTechnician), nextCursor: z.string().optional() });
