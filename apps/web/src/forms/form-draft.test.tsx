/** @jest-environment jsdom */
// A form's draft survives an ended session, but never its secrets.
import { render, screen } from "@testing-library/react";
import { useRef } from "react";
import { RESTORE_DRAFTS_KEY, useFormDraft } from "./form-draft";

function SettingsLike() {
  const form = useRef<HTMLFormElement>(null);
  useFormDraft(form, "settings");
  return (
    <form ref={form}>
      <label>
        Name <input name="name" defaultValue="Contoso" />
      </label>
      <label>
        Default password <input name="defaultPassword" type="password" />
      </label>
      <label>
        Client secret <input name="clientSecret" type="text" />
      </label>
      <label>
        Paused <input name="paused" type="checkbox" />
      </label>
    </form>
  );
}

const typeInto = (label: string, value: string) => {
  const input = screen.getByLabelText(label) as HTMLInputElement;
  input.value = value;
  input.dispatchEvent(new Event("input", { bubbles: true }));
};

beforeEach(() => sessionStorage.clear());

test("what was typed is kept as it is typed; passwords and secrets never are", () => {
  render(<SettingsLike />);
  typeInto("Name", "Contoso Renamed");
  typeInto("Default password", "hunter2-hunter2");
  typeInto("Client secret", "s3cret-value");
  const stored = JSON.stringify(Object.entries(sessionStorage));
  expect(stored).toContain("Contoso Renamed");
  expect(stored).not.toContain("hunter2");
  expect(stored).not.toContain("s3cret");
});

test("back from signing in on the same page, the draft is put back", () => {
  const first = render(<SettingsLike />);
  typeInto("Name", "Contoso Renamed");
  (screen.getByLabelText("Paused") as HTMLInputElement).click();
  first.unmount();
  sessionStorage.setItem(RESTORE_DRAFTS_KEY, window.location.pathname);
  render(<SettingsLike />);
  expect((screen.getByLabelText("Name") as HTMLInputElement).value).toBe("Contoso Renamed");
  expect((screen.getByLabelText("Paused") as HTMLInputElement).checked).toBe(true);
});

test("an ordinary visit shows the saved values, not an old draft", () => {
  const first = render(<SettingsLike />);
  typeInto("Name", "Contoso Renamed");
  first.unmount();
  render(<SettingsLike />);
  expect((screen.getByLabelText("Name") as HTMLInputElement).value).toBe("Contoso");
});
