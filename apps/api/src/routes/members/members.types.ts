// Member schemas are the API contract's; this maps a membership row to its view.
import type { MemberView } from "@techsync/api-contract";

export type { MemberView } from "@techsync/api-contract";
export {
  ZChangeRoleBody,
  ZMember,
  ZMemberParams,
  ZMembersReply,
  ZRole,
} from "@techsync/api-contract";

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
