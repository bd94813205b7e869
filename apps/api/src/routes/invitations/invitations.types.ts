// Invitation schemas are the API contract's; this maps a row to its view and says which are pending.
import type { InvitationView } from "@techsync/api-contract";

export type { InvitationView } from "@techsync/api-contract";
export {
  DEFAULT_INVITATION_DAYS,
  ZAcceptedInvitation,
  ZCreatedInvitation,
  ZCreateInvitationBody,
  ZInvitation,
  ZInvitationParams,
  ZInvitationPreview,
  ZInvitationsReply,
  ZInvitationTokenParams,
} from "@techsync/api-contract";

export function invitationView(row: {
  id: string;
  email: string;
  role: InvitationView["role"];
  createdAt: Date;
  expiresAt: Date;
  inviter: { id: string; email: string; name: string | null } | null;
}): InvitationView {
  return {
    id: row.id,
    email: row.email,
    role: row.role,
    createdAt: row.createdAt.toISOString(),
    expiresAt: row.expiresAt.toISOString(),
    invitedBy: row.inviter ? { userId: row.inviter.id, email: row.inviter.email, name: row.inviter.name } : null,
  };
}

/** Where a pending invitation is: neither accepted nor revoked, and not yet expired. */
export function pendingAt(now: Date) {
  return { acceptedAt: null, revokedAt: null, expiresAt: { gt: now } };
}
