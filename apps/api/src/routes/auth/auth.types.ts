import { z } from "zod";
import { ZEmail, ZName } from "../common.types";

export const ZPortalUser = z.object({ id: z.uuid(), email: z.string(), name: z.string().nullable() });
export type PortalUserView = z.infer<typeof ZPortalUser>;

export const ZSignUpBody = z.strictObject({
  email: ZEmail,
  password: z.string().min(10).max(256),
  name: ZName.optional(),
  /** Without it no tenant is made: the person signs up to accept an invitation. */
  tenantName: ZName.optional(),
});
/** The same for a new and a registered email (sign-up.ts). */
export const ZSignUpReply = z.object({ status: z.literal("accepted"), message: z.string() });
export const SIGN_UP_ACCEPTED: z.infer<typeof ZSignUpReply> = {
  status: "accepted",
  message: "Sign in with this email and password to continue.",
};

export const ZLogInBody = z.strictObject({ email: ZEmail, password: z.string().min(1).max(256) });
export const ZUserReply = z.object({ user: ZPortalUser });

/** A Microsoft account: its object id (oid) within its directory (tid); GUIDs in Entra, bounded text here. */
const ZEntraObjectId = z.string().trim().min(1).max(64);
const ZEntraTenantId = z.string().trim().min(1).max(64);

export const ZMicrosoftSignInBody = z.strictObject({
  entraObjectId: ZEntraObjectId,
  entraTenantId: ZEntraTenantId,
  /** Only for a new portal user's record; never used to find or link an account. */
  email: ZEmail,
  name: ZName.optional(),
});

export const ZLinkMicrosoftAccountBody = z.strictObject({
  entraObjectId: ZEntraObjectId,
  entraTenantId: ZEntraTenantId,
});

export function portalUserView(user: { id: string; email: string; name: string | null }): PortalUserView {
  return { id: user.id, email: user.email, name: user.name };
}
