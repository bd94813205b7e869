// How the portal speaks of invitations.
import type { Role } from "../api/api-types";

/** A day people read the same way everywhere: "8 December 2026". */
export function invitationExpiryDate(iso: string): string {
  const date = new Date(iso);
  return Number.isNaN(date.getTime())
    ? "—"
    : date.toLocaleDateString("en-GB", { day: "numeric", month: "long", year: "numeric", timeZone: "UTC" });
}

/** Shown with a new link: email sending comes later, so the inviter passes the link on. */
export function invitationLinkMessage(email: string, expiresAt: string): string {
  return `Invitation for ${email} created. Copy this link and send it to them; it works once and expires on ${invitationExpiryDate(expiresAt)}. It will not be shown again.`;
}

export const roleDescriptions: Record<Role, string> = {
  viewer: "viewer (read only)",
  admin: "admin (connections, mappings, runs, invitations)",
  owner: "owner (also members and API keys)",
};

/** Roles a member may offer: only an owner invites an owner. */
export function invitableRoles(inviterRole: Role): Role[] {
  return inviterRole === "owner" ? ["viewer", "admin", "owner"] : ["viewer", "admin"];
}
