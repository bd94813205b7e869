/** @jest-environment jsdom */
import { render, screen } from "@testing-library/react";
import { AdSyncNotice } from "./adsync-notice";

test("tells to stop Rescue's own AdSync service, and how to tell whether it still runs", () => {
  render(<AdSyncNotice />);
  const note = screen.getByRole("note", { name: "Rescue's own AdSync" });
  expect(note.textContent).toContain("“LogMeIn Rescue AdSync”");
  expect(note.textContent).toContain("Active Directory Sync tool");
  expect(note.textContent).toMatch(/changed in Rescue at a time when the sync log shows no TechSync run/);
});
