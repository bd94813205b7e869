// Sign-up and sign-in schemas are the API contract's; this holds the server's constant answer and view.
import type { PortalUserView, SignUpReply } from "@techsync/api-contract";

export type { PortalUserView } from "@techsync/api-contract";
export {
  ZLinkMicrosoftAccountBody,
  ZLogInBody,
  ZMicrosoftSignInBody,
  ZPortalUser,
  ZSignUpBody,
  ZSignUpReply,
  ZUserReply,
} from "@techsync/api-contract";

/** The same for a new and a registered email (sign-up.ts). */
export const SIGN_UP_ACCEPTED: SignUpReply = {
  status: "accepted",
  message: "Sign in with this email and password to continue.",
};

export function portalUserView(user: { id: string; email: string; name: string | null }): PortalUserView {
  return { id: user.id, email: user.email, name: user.name };
}
