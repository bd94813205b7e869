import type { KeyObject } from "node:crypto";
import type { Prisma, PrismaClient } from "@techsync/db";
import { hashInvitationToken, isSignedInvitationToken } from "../../auth/invitation-token";
import { AppError } from "../../errors";

/** One answer for unknown, forged, expired, used and revoked links alike: the holder learns none of which. */
export function invitationUnusable(): AppError {
  return new AppError(
    "not_found",
    "token: this invitation link does not work (any more). Ask the person who invited you for a new one.",
  );
}

/** The pending invitation a token names, with its tenant; throws invitationUnusable otherwise. */
export async function findPendingInvitation(
  db: Pick<PrismaClient | Prisma.TransactionClient, "invitation">,
  key: KeyObject,
  token: string,
  now: Date,
) {
  if (!isSignedInvitationToken(key, token)) throw invitationUnusable();
  const row = await db.invitation.findUnique({
    where: { tokenHash: hashInvitationToken(token) },
    include: { tenant: { select: { id: true, name: true } } },
  });
  if (!row || row.acceptedAt || row.revokedAt || row.expiresAt <= now) throw invitationUnusable();
  return row;
}
