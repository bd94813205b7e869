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
export const ZSignUpReply = z.object({
  user: ZPortalUser,
  tenant: z.object({ id: z.uuid(), name: z.string() }).nullable(),
});

export const ZLogInBody = z.strictObject({ email: ZEmail, password: z.string().min(1).max(256) });
export const ZUserReply = z.object({ user: ZPortalUser });

export const ZMicrosoftSignInBody = z.strictObject({
  entraObjectId: z.string().trim().min(1).max(64),
  email: ZEmail,
  name: ZName.optional(),
});

export function portalUserView(user: { id: string; email: string; name: string | null }): PortalUserView {
  return { id: user.id, email: user.email, name: user.name };
}
