import { z } from "zod";
import { INVITATION_TOKEN_PATTERN } from "../../auth/invitation-token";
import { ZIsoDate, ZTenantParams } from "../common.types";
import { ZRole } from "../members/members.types";

/** Days an invitation stays usable unless the inviter chooses otherwise. */
export const DEFAULT_INVITATION_DAYS = 7;

export const ZCreateInvitationBody = z.strictObject({
  /** Kept as typed (shown back to the inviter); matched case-insensitively on acceptance. */
  email: z.string().trim().pipe(z.email().max(254)),
  role: ZRole,
  expiresInDays: z.number().int().min(1).max(30).default(DEFAULT_INVITATION_DAYS),
});

export const ZInvitation = z.object({
  id: z.uuid(),
  email: z.string(),
  role: ZRole,
  createdAt: ZIsoDate,
  expiresAt: ZIsoDate,
  /** Who invited: null once that portal user is gone, or when an API key did. */
  invitedBy: z.object({ userId: z.uuid(), email: z.string(), name: z.string().nullable() }).nullable(),
});
export type InvitationView = z.infer<typeof ZInvitation>;

export const ZCreatedInvitation = z.object({
  invitation: ZInvitation,
  link: z.string().describe("The portal's accept page with the token: shown in this answer only"),
});
export const ZInvitationsReply = z.object({ invitations: z.array(ZInvitation) });
export const ZInvitationParams = ZTenantParams.extend({ invitationId: z.uuid() }).strict();

export const ZInvitationTokenParams = z.strictObject({
  token: z.string().max(200).regex(INVITATION_TOKEN_PATTERN, "is not an invitation token"),
});
/** What anyone holding the link may see: the tenant's name and the offered role, nothing about people. */
export const ZInvitationPreview = z.object({
  tenant: z.object({ name: z.string() }),
  role: ZRole,
  expiresAt: ZIsoDate,
});
export const ZAcceptedInvitation = z.object({
  tenant: z.object({ id: z.uuid(), name: z.string() }),
  role: ZRole,
});

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
