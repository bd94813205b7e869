import type { Metadata } from "next";
import Link from "next/link";
import { ApiError } from "../../../src/api/api-error";
import type { InvitationPreview } from "../../../src/api/api-types";
import { withReturnPath } from "../../../src/auth/return-path";
import { ActionButton } from "../../../src/components/action-button";
import { SignOutButton } from "../../../src/components/sign-out-button";
import { invitationExpiryDate } from "../../../src/members/invitation-words";
import { currentPortalUserId, portalAuthApi, requireMemberships } from "../../../src/server/portal-session";
import { acceptInvitation } from "./actions";

export const dynamic = "force-dynamic";
// The path holds the invitation's token: no other site learns it from a Referer header.
export const metadata: Metadata = { title: "Invitation", referrer: "no-referrer" };

async function previewOf(token: string): Promise<InvitationPreview | null> {
  try {
    return await (await portalAuthApi()).invitation(token);
  } catch (error) {
    // Unknown, expired, used, revoked (404) and malformed (400) links read alike.
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) return null;
    throw error;
  }
}

export default async function InvitationPage({ params }: { params: Promise<{ token: string }> }) {
  const { token } = await params;
  const preview = await previewOf(token);
  if (!preview) {
    return (
      <main id="content" className="narrow">
        <h1>This invitation link does not work</h1>
        <p>It may have expired, been used already or been revoked. Ask the person who invited you for a new link.</p>
      </main>
    );
  }
  const here = `/invitations/${token}`;
  const signedIn = Boolean(await currentPortalUserId());
  const email = signedIn ? (await requireMemberships()).email : null;
  return (
    <main id="content" className="narrow">
      <h1>Join {preview.tenant.name}</h1>
      <p>
        You are invited to join <strong>{preview.tenant.name}</strong> on TechSync as <strong>{preview.role}</strong>.
        The invitation expires on {invitationExpiryDate(preview.expiresAt)}.
      </p>
      <div className="card">
        {email ? (
          <>
            <p>
              Signed in as <strong>{email}</strong>. Accept with the account the invitation was sent to.
            </p>
            <div className="actions">
              <ActionButton
                action={acceptInvitation.bind(null, token)}
                label="Accept invitation"
                pendingLabel="Accepting…"
              />
              <SignOutButton callbackUrl={withReturnPath("/sign-in", here)} label="Use another account" />
            </div>
          </>
        ) : (
          <>
            <p>Sign in with the email address the invitation was sent to, or create an account; then accept here.</p>
            <div className="actions">
              <Link className="button" href={withReturnPath("/sign-in", here)}>
                Sign in to accept
              </Link>
              <Link className="button secondary" href={withReturnPath("/sign-up", here)}>
                Create an account
              </Link>
            </div>
          </>
        )}
      </div>
    </main>
  );
}
