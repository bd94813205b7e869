/** @jest-environment jsdom */
// Cancel and "run again" as a person meets them on a run's page and in the run list.
import { act, fireEvent, render, screen } from "@testing-library/react";
import { ApiError } from "../api/api-error";
import type { RunStatus } from "../api/api-types";
import type { FormState } from "../forms/form-state";
import { CANCEL_CONFIRMATION, RunControls } from "./run-controls";
import { RUN_NOT_FOUND, runRefusalState } from "./run-refusal";

const run = (status: RunStatus, cancelRequestedAt: string | null = null) => ({ status, cancelRequestedAt });
const answers = (state: FormState) => jest.fn(async (): Promise<FormState> => state);

afterEach(() => jest.restoreAllMocks());

describe("a queued or running run", () => {
  test.each(["queued", "running"] as const)("a %s run offers 'Cancel run' and nothing else", (status) => {
    render(<RunControls run={run(status)} cancel={answers({})} runAgain={answers({})} />);
    expect(screen.getByRole("button").textContent).toBe("Cancel run");
  });

  test("cancelling asks first, in the page; declined, nothing is sent and focus returns to the button", () => {
    const cancel = answers({ ok: true });
    render(<RunControls run={run("running")} cancel={cancel} />);
    fireEvent.click(screen.getByRole("button", { name: "Cancel run" }));
    const dialog = screen.getByRole("alertdialog", { name: CANCEL_CONFIRMATION });
    expect(CANCEL_CONFIRMATION).toBe("Stop this run? Actions already applied stay applied.");
    expect(dialog.contains(document.activeElement)).toBe(true);
    fireEvent.click(screen.getByRole("button", { name: "Keep it running" }));
    expect(screen.queryByRole("alertdialog")).toBeNull();
    expect(cancel).not.toHaveBeenCalled();
    expect(document.activeElement).toBe(screen.getByRole("button", { name: "Cancel run" }));
  });

  test("confirmed, the run is cancelled and the button gives way to 'Cancelling…'", async () => {
    const cancel = answers({ ok: true, message: "Cancelling: the run stops within a few seconds." });
    render(<RunControls run={run("running")} cancel={cancel} />);
    fireEvent.click(screen.getByRole("button", { name: "Cancel run" }));
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Stop the run" }));
    });
    expect((await screen.findByRole("status")).textContent).toBe("Cancelling…");
    expect(cancel).toHaveBeenCalledTimes(1);
    expect(screen.queryByRole("button")).toBeNull();
  });

  test("a run whose cancel was requested says 'Cancelling…' with no button, until its worker stops it", () => {
    render(<RunControls run={run("running", "2026-12-02T10:00:00.000Z")} cancel={answers({})} />);
    expect(screen.getByRole("status").textContent).toBe("Cancelling…");
    expect(screen.queryByRole("button")).toBeNull();
  });

  test("a refusal is shown beside the button, which stays", async () => {
    const message = "The run already ended (succeeded); only a queued or running run can be cancelled.";
    render(<RunControls run={run("running")} cancel={answers({ ok: false, message })} />);
    fireEvent.click(screen.getByRole("button", { name: "Cancel run" }));
    await act(async () => {
      fireEvent.click(screen.getByRole("button", { name: "Stop the run" }));
    });
    expect((await screen.findByRole("alert")).textContent).toBe(message);
    expect(screen.getByRole("button", { name: "Cancel run" })).toBeTruthy();
  });
});

describe("a run that ended", () => {
  test.each(["failed", "interrupted", "cancelled", "partial"] as const)(
    "%s: 'Run again' is offered",
    async (status) => {
      const runAgain = answers({});
      render(<RunControls run={run(status)} cancel={answers({})} runAgain={runAgain} />);
      fireEvent.click(screen.getByRole("button", { name: "Run again" }));
      await screen.findByRole("button", { name: "Run again" });
      expect(runAgain).toHaveBeenCalledTimes(1);
    },
  );

  test.each(["succeeded", "blocked"] as const)("a %s run offers neither", (status) => {
    render(<RunControls run={run(status)} cancel={answers({})} runAgain={answers({})} />);
    expect(screen.queryByRole("button")).toBeNull();
  });
});

describe("refusals in words", () => {
  test("409 gives the API's reason without the field name; 404 says the run is gone; 403 names the role", () => {
    const conflict = new ApiError(
      409,
      "conflict",
      "runId: the run is still running; it can be run again once it has ended.",
    );
    expect(runRefusalState(conflict)).toEqual({
      ok: false,
      message:
        "The run is still running; it can be run again once it has ended. Reload the page to see where it stands.",
    });
    expect(runRefusalState(new ApiError(404, "not_found", "The run was not found."))).toEqual({
      ok: false,
      message: RUN_NOT_FOUND,
    });
    const forbidden = new ApiError(403, "forbidden", "Your role in this organisation does not allow this.");
    expect(runRefusalState(forbidden).message).toBe("Your role in this organisation does not allow this.");
  });
});
