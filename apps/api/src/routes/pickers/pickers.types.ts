import { z } from "zod";

export const ZEntraGroupsQuery = z.strictObject({
  search: z.string().trim().max(256).default(""),
  pageToken: z.string().min(1).max(4096).optional(),
  pageSize: z.coerce.number().int().min(1).max(100).default(25),
});
export const ZEntraGroupsReply = z.object({
  groups: z.array(z.object({ id: z.string(), displayName: z.string(), description: z.string().nullable() })),
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
