"use client";
// Inviting people: the form (its answer shows the link once) and the pending invitations.
import { useActionState } from "react";
import type { Invitation, Role } from "../../../../src/api/api-types";
import { ActionButton } from "../../../../src/components/action-button";
import { FormField, FormMessage } from "../../../../src/components/form-field";
import { ShownOnce } from "../../../../src/components/shown-once";
import { SubmitButton } from "../../../../src/components/submit-button";
import type { FormState } from "../../../../src/forms/form-state";
import { invitableRoles, invitationExpiryDate, roleDescriptions } from "../../../../src/members/invitation-words";
import type { CreatedInvitationState } from "./actions";

export function InviteForm({
  inviterRole,
  action,
}: {
  inviterRole: Role;
  action: (previous: CreatedInvitationState, formData: FormData) => Promise<CreatedInvitationState>;
}) {
  const [state, submit] = useActionState(action, {});
  const errors = state.fieldErrors ?? {};
  return (
    <>
      <form action={submit} noValidate className="filters">
        <FormField name="email" id="invitation-email" label="Email" type="email" error={errors.email} />
        <div className="field">
          <label htmlFor="invitation-role">Role</label>
          <select id="invitation-role" name="role" defaultValue="viewer" aria-invalid={errors.role ? true : undefined}>
            {invitableRoles(inviterRole).map((role) => (
              <option key={role} value={role}>
                {roleDescriptions[role]}
              </option>
            ))}
          </select>
          {errors.role ? <p className="error-text">{errors.role}</p> : null}
        </div>
        <SubmitButton pendingLabel="Inviting…">Invite</SubmitButton>
      </form>
      {state.link ? (
        <ShownOnce kind="invitation-link" value={state.link} message={state.message ?? ""} />
      ) : (
        <FormMessage ok={state.ok} message={state.message} />
      )}
    </>
  );
}

export interface PendingInvitation extends Invitation {
  /** The bound server action; absent when this member may not revoke it (an owner's invitation, for an admin). */
  revoke?: () => Promise<FormState>;
}

export function PendingInvitations({ invitations }: { invitations: PendingInvitation[] }) {
  if (invitations.length === 0) return <p className="hint">No pending invitations.</p>;
  return (
    <div className="table-wrap">
      <table className="responsive">
        <thead>
          <tr>
            <th scope="col">Invited</th>
            <th scope="col">Role</th>
            <th scope="col">Expires</th>
            <th scope="col">Invited by</th>
            <th scope="col">
              <span className="sr-only">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {invitations.map((invitation) => (
            <tr key={invitation.id}>
              <td data-label="Invited">{invitation.email}</td>
              <td data-label="Role">{invitation.role}</td>
              <td data-label="Expires">{invitationExpiryDate(invitation.expiresAt)}</td>
              <td data-label="Invited by">
                {invitation.invitedBy ? (invitation.invitedBy.name ?? invitation.invitedBy.email) : "—"}
              </td>
              <td data-label="">
                {invitation.revoke ? (
                  <ActionButton
                    action={invitation.revoke}
                    label="Revoke"
                    pendingLabel="Revoking…"
                    className="secondary"
                    confirm={`Revoke the invitation for ${invitation.email}? Its link stops working.`}
                  />
                ) : null}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
