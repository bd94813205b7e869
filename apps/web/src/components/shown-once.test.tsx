/** @jest-environment jsdom */
import { fireEvent, render, screen } from "@testing-library/react";
import { ShownOnce } from "./shown-once";

const link = "http://portal.test/invitations/inv_abc.def";

function withClipboard(writeText: (text: string) => Promise<void>) {
  Object.defineProperty(navigator, "clipboard", { value: { writeText }, configurable: true });
}

describe("a value shown once", () => {
  test("shows the value under what to do with it, marked for scripts", () => {
    render(<ShownOnce kind="invitation-link" value={link} message="Copy this link and send it to them." />);
    expect(screen.getByRole("status").textContent).toContain("Copy this link and send it to them.");
    expect(document.querySelector("[data-invitation-link]")?.textContent).toBe(link);
  });

  test("Copy puts the value on the clipboard and says so", async () => {
    const writeText = jest.fn(async (_text: string) => {});
    withClipboard(writeText);
    render(<ShownOnce kind="invitation-link" value={link} message="m" />);
    fireEvent.click(screen.getByRole("button", { name: "Copy" }));
    await screen.findByText("Copied.");
    expect(writeText).toHaveBeenCalledWith(link);
  });

  test("a refused clipboard leaves the value to select by hand, and says so", async () => {
    withClipboard(async () => {
      throw new Error("denied");
    });
    render(<ShownOnce kind="api-key" value="tsk_x" message="m" />);
    fireEvent.click(screen.getByRole("button", { name: "Copy" }));
    await screen.findByText(/select the text instead/);
    expect(document.querySelector("[data-api-key]")?.textContent).toBe("tsk_x");
  });
});
