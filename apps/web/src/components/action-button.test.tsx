/** @jest-environment jsdom */
// A destructive action asks first in an in-page dialog a keyboard and a screen reader can use: labelled by its
// question, focus moved into it and back, Escape cancels, and only "yes" runs the action.
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { FormState } from "../forms/form-state";
import { ActionButton } from "./action-button";

const question = "Remove ana@contoso.example from this organisation? They lose access at once.";

function renderRemove(action = jest.fn(async (): Promise<FormState> => ({ ok: true, message: "Member removed." }))) {
  render(
    <ActionButton
      action={action}
      label="Remove"
      labelSuffix="ana@contoso.example"
      pendingLabel="Removing…"
      confirm={question}
    />,
  );
  return action;
}

const trigger = () => screen.getByRole("button", { name: "Remove ana@contoso.example" });

test("pressing the button opens a labelled alert dialog with the focus inside it, and sends nothing", () => {
  const confirm = jest.spyOn(window, "confirm");
  const action = renderRemove();
  fireEvent.click(trigger());
  const dialog = screen.getByRole("alertdialog", { name: question });
  expect(dialog.getAttribute("aria-modal")).toBe("true");
  expect(dialog.contains(document.activeElement)).toBe(true);
  expect(document.activeElement?.textContent).toBe("Cancel");
  expect(action).not.toHaveBeenCalled();
  expect(confirm).not.toHaveBeenCalled();
});

test("Escape cancels: the dialog closes, nothing is sent, the focus is back on the button", () => {
  const action = renderRemove();
  fireEvent.click(trigger());
  fireEvent.keyDown(screen.getByRole("alertdialog"), { key: "Escape" });
  expect(screen.queryByRole("alertdialog")).toBeNull();
  expect(document.activeElement).toBe(trigger());
  expect(action).not.toHaveBeenCalled();
});

test("Cancel does the same", () => {
  const action = renderRemove();
  fireEvent.click(trigger());
  fireEvent.click(screen.getByRole("button", { name: "Cancel" }));
  expect(screen.queryByRole("alertdialog")).toBeNull();
  expect(document.activeElement).toBe(trigger());
  expect(action).not.toHaveBeenCalled();
});

test("Tab stays inside the dialog", () => {
  renderRemove();
  fireEvent.click(trigger());
  const dialog = screen.getByRole("alertdialog");
  const [confirmButton, cancelButton] = [...dialog.querySelectorAll("button")];
  fireEvent.keyDown(cancelButton as HTMLElement, { key: "Tab" });
  expect(document.activeElement).toBe(confirmButton);
  fireEvent.keyDown(confirmButton as HTMLElement, { key: "Tab", shiftKey: true });
  expect(document.activeElement).toBe(cancelButton);
});

test("confirming runs the action once and its answer takes the focus", async () => {
  const action = renderRemove();
  fireEvent.click(trigger());
  await act(async () => {
    fireEvent.click(screen.getByRole("button", { name: "Remove" }));
  });
  await waitFor(() => expect(action).toHaveBeenCalledTimes(1));
  expect(screen.queryByRole("alertdialog")).toBeNull();
  await waitFor(() => expect(document.activeElement?.textContent).toBe("Member removed."));
});

test("without a question the action runs at once", async () => {
  const action = jest.fn(async (): Promise<FormState> => ({ ok: false, message: "Not allowed." }));
  render(<ActionButton action={action} label="Retry" pendingLabel="Retrying…" />);
  await act(async () => {
    fireEvent.click(screen.getByRole("button", { name: "Retry" }));
  });
  await waitFor(() => expect(action).toHaveBeenCalledTimes(1));
  expect(screen.queryByRole("alertdialog")).toBeNull();
});
