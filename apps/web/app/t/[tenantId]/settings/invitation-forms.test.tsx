/** @jest-environment jsdom */
// Inviting as the person sees it: the roles they may offer, the link shown once with what to do with it,
// the API's refusal under its field, and the pending invitations with revoke where allowed.
import { fireEvent, render, screen, within } from "@testing-library/react";
import type { CreatedInvitationState } from "./actions";
import { InviteForm, type PendingInvitation, PendingInvitations } from "./invitation-forms";

const link = "http://portal.test/invitations/inv_abc.def";

describe("the invite form", () => {
  test("an admin cannot offer the owner role; an owner can", () => {
    const { unmount } = render(<InviteForm inviterRole="admin" action={jest.fn()} />);
    const roles = () => [...(screen.getByLabelText("Role") as HTMLSelectElement).options].map((o) => o.value);
    expect(roles()).toEqual(["viewer", "admin"]);
    unmount();
    render(<InviteForm inviterRole="owner" action={jest.fn()} />);
    expect(roles()).toEqual(["viewer", "admin", "owner"]);
  });

  test("sends email and role, then shows the link once with how to use it", async () => {
    const action = jest.fn(
      async (_previous: CreatedInvitationState, _form: FormData): Promise<CreatedInvitationState> => ({
        ok: true,
        link,
        message: "Copy this link and send it to them; it works once and expires on 8 December 2026.",
      }),
    );
    render(<InviteForm inviterRole="owner" action={action} />);
    fireEvent.change(screen.getByLabelText("Email"), { target: { value: "ann@example.test" } });
    fireEvent.change(screen.getByLabelText("Role"), { target: { value: "admin" } });
    fireEvent.click(screen.getByRole("button", { name: "Invite" }));
    await screen.findByText(/it works once and expires on 8 December 2026/);
    expect(document.querySelector("[data-invitation-link]")?.textContent).toBe(link);
    const form = action.mock.calls[0]![1];
    expect([form.get("email"), form.get("role")]).toEqual(["ann@example.test", "admin"]);
  });

  test("a refusal sits under its field, with no link", async () => {
    const action = jest.fn(
      async (): Promise<CreatedInvitationState> => ({
        ok: false,
        message: "email: this person is already a member of the tenant.",
        fieldErrors: { email: "this person is already a member of the tenant." },
      }),
    );
    render(<InviteForm inviterRole="owner" action={action} />);
    fireEvent.click(screen.getByRole("button", { name: "Invite" }));
    await screen.findByText("this person is already a member of the tenant.");
    expect(screen.getByLabelText("Email").getAttribute("aria-invalid")).toBe("true");
    expect(document.querySelector("[data-invitation-link]")).toBeNull();
  });
});

describe("pending invitations", () => {
  const invitation = (over: Partial<PendingInvitation>): PendingInvitation => ({
    id: "i1",
    email: "Ann@Example.test",
    role: "viewer",
    createdAt: "2026-12-01T10:00:00.000Z",
    expiresAt: "2026-12-08T10:00:00.000Z",
    invitedBy: { userId: "u1", email: "owner@example.test", name: "Olive Owner" },
    ...over,
  });

  test("lists email as typed, role, expiry and inviter; revoke only where the page allows it", async () => {
    const revoke = jest.fn(async () => ({ ok: true, message: "Invitation revoked: its link no longer works." }));
    render(
      <PendingInvitations
        invitations={[invitation({ revoke }), invitation({ id: "i2", email: "boss@example.test", role: "owner" })]}
      />,
    );
    const [first, second] = screen.getAllByRole("row").slice(1);
    expect(first!.textContent).toContain("Ann@Example.test");
    expect(first!.textContent).toContain("8 December 2026");
    expect(first!.textContent).toContain("Olive Owner");
    expect(within(second!).queryByRole("button", { name: "Revoke" })).toBeNull();
    fireEvent.click(within(first!).getByRole("button", { name: "Revoke" }));
    // It asks first, in the page: only "Revoke" in the dialog sends it.
    const dialog = screen.getByRole("alertdialog", { name: /Revoke the invitation for Ann@Example.test\?/ });
    expect(revoke).not.toHaveBeenCalled();
    fireEvent.click(within(dialog).getByRole("button", { name: "Revoke" }));
    await screen.findByText("Invitation revoked: its link no longer works.");
    expect(revoke).toHaveBeenCalledTimes(1);
  });

  test("none pending says so", () => {
    render(<PendingInvitations invitations={[]} />);
    expect(screen.getByText("No pending invitations.")).toBeTruthy();
  });
});
