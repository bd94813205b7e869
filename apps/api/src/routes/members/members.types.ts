import { z } from "zod";
import { ZIsoDate, ZTenantParams } from "../common.types";

export const ZRole = z.enum(["owner", "admin", "viewer"]);
export const ZMember = z.object({
  userId: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  role: ZRole,
  createdAt: ZIsoDate,
});
export type MemberView = z.infer<typeof ZMember>;
export const ZMembersReply = z.object({ members: z.array(ZMember) });
export const ZMemberParams = ZTenantParams.extend({ userId: z.uuid() }).strict();
export const ZChangeRoleBody = z.strictObject({ role: ZRole });

export function memberView(m: {
  portalUserId: string;
  role: MemberView["role"];
  createdAt: Date;
  portalUser: { email: string; name: string | null };
}): MemberView {
  return {
    userId: m.portalUserId,
    email: m.portalUser.email,
    name: m.portalUser.name,
    role: m.role,
    createdAt: m.createdAt.toISOString(),
  };
}
