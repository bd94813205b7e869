import Link from "next/link";
import { microsoftSignInEnabled } from "../../../../src/auth/auth-options";
import { ActionButton } from "../../../../src/components/action-button";
import { AdSyncNotice } from "../../../../src/components/adsync-notice";
import { LinkMicrosoftButton } from "../../../../src/components/link-microsoft-button";
import { invitableRoles } from "../../../../src/members/invitation-words";
import { formatWhen } from "../../../../src/runs/run-words";
import { requireMemberships, requireTenantApi } from "../../../../src/server/portal-session";
import {
  changeMemberRole,
  createApiKey,
  invite,
  removeMember,
  revokeApiKey,
  revokeInvitation,
  saveSettings,
  startMicrosoftLink,
} from "./actions";
import { InviteForm, PendingInvitations } from "./invitation-forms";
import { CreateApiKeyForm, MemberRow, TenantSettingsForm } from "./settings-forms";

/** The browser tab and history say which page this is ("Settings · TechSync"). */
export const metadata = { title: "Settings" };

export const dynamic = "force-dynamic";

export default async function Settings({ params }: { params: Promise<{ tenantId: string }> }) {
  const { tenantId } = await params;
  const api = await requireTenantApi(tenantId);
  const { tenants } = await requireMemberships();
  const role = tenants.find((t) => t.id === tenantId)?.role ?? "viewer";
  const isOwner = role === "owner";
  const canInvite = role === "owner" || role === "admin";
  const [settings, rescue, members, apiKeys, invitations] = await Promise.all([
    api.settings(),
    api.rescueConnection(),
    api.members(),
    isOwner ? api.apiKeys() : Promise.resolve([]),
    canInvite ? api.invitations() : Promise.resolve([]),
  ]);
  return (
    <>
      <h1>Settings</h1>
      <section className="card" aria-labelledby="sync-settings">
        <h2 id="sync-settings" style={{ marginTop: 0 }}>
          Sync
        </h2>
        {role === "viewer" ? <p className="hint">You have read-only access: changes will be refused.</p> : null}
        <TenantSettingsForm settings={settings} action={saveSettings.bind(null, tenantId)} />
      </section>
      <section className="card" aria-labelledby="rescue-organisation">
        <h2 id="rescue-organisation" style={{ marginTop: 0 }}>
          Rescue organisation
        </h2>
        <p>
          {rescue?.organisation
            ? `Connected to “${rescue.organisation.name}” (account ${rescue.organisation.accountId}).`
            : rescue
              ? "Connected; the organisation's name is read from Rescue at the next test or run."
              : "No Rescue organisation is connected yet."}{" "}
          <Link href={`/t/${tenantId}/onboarding/rescue`}>Change the Rescue connection</Link>
        </p>
        <AdSyncNotice />
      </section>
      {microsoftSignInEnabled() ? (
        <section className="card" aria-labelledby="your-account">
          <h2 id="your-account" style={{ marginTop: 0 }}>
            Your account
          </h2>
          <p className="hint">
            Sign in with Microsoft too: link the Microsoft account you sign in with next. Only you, signed in here, can
            link one to your account.
          </p>
          <LinkMicrosoftButton startLink={startMicrosoftLink} />
        </section>
      ) : null}
      <section className="card" aria-labelledby="members">
        <h2 id="members" style={{ marginTop: 0 }}>
          Members and roles
        </h2>
        <div className="table-wrap">
          <table className="responsive">
            <thead>
              <tr>
                <th scope="col">Person</th>
                <th scope="col">Role</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {members.map((member) => (
                <MemberRow
                  key={member.userId}
                  member={member}
                  canManage={isOwner}
                  changeRole={changeMemberRole.bind(null, tenantId, member.userId)}
                  remove={removeMember.bind(null, tenantId, member.userId)}
                />
              ))}
            </tbody>
          </table>
        </div>
        {canInvite ? (
          <>
            <h3>Pending invitations</h3>
            <PendingInvitations
              invitations={invitations.map((invitation) => ({
                ...invitation,
                ...(invitableRoles(role).includes(invitation.role)
                  ? { revoke: revokeInvitation.bind(null, tenantId, invitation.id) }
                  : {}),
              }))}
            />
            <h3>Invite someone</h3>
            <p className="hint">
              They become a member only when they open the link and accept, signed in with this email address (they can
              create an account on the way).
            </p>
            <InviteForm inviterRole={role} action={invite.bind(null, tenantId)} />
          </>
        ) : null}
      </section>
      {isOwner ? (
        <section className="card" aria-labelledby="api-keys">
          <h2 id="api-keys" style={{ marginTop: 0 }}>
            API keys
          </h2>
          <p className="hint">For automation through the REST API. A key is shown once, when it is created.</p>
          {apiKeys.length === 0 ? (
            <p className="hint">No API keys yet.</p>
          ) : (
            <div className="table-wrap">
              <table className="responsive">
                <thead>
                  <tr>
                    <th scope="col">Name</th>
                    <th scope="col">Key</th>
                    <th scope="col">Scopes</th>
                    <th scope="col">Last used</th>
                    <th scope="col">
                      <span className="sr-only">Actions</span>
                    </th>
                  </tr>
                </thead>
                <tbody>
                  {apiKeys.map((key) => (
                    <tr key={key.id}>
                      <td data-label="Name">{key.name}</td>
                      <td data-label="Key">
                        <code>{key.prefix}…</code>
                      </td>
                      <td data-label="Scopes">{key.scopes.join(", ")}</td>
                      <td data-label="Last used">
                        {key.revokedAt ? `revoked ${formatWhen(key.revokedAt)}` : formatWhen(key.lastUsedAt)}
                      </td>
                      <td data-label="">
                        {key.revokedAt ? null : (
                          <ActionButton
                            action={revokeApiKey.bind(null, tenantId, key.id)}
                            label={`Revoke`}
                            pendingLabel="Revoking…"
                            className="danger"
                            confirm={`Revoke “${key.name}”? Anything using it stops working.`}
                          />
                        )}
                      </td>
                    </tr>
                  ))}
                </tbody>
              </table>
            </div>
          )}
          <h3>Create a key</h3>
          <CreateApiKeyForm action={createApiKey.bind(null, tenantId)} />
        </section>
      ) : null}
    </>
  );
}
