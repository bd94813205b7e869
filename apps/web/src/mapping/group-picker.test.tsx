/** @jest-environment jsdom */
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { GroupMapping } from "../api/api-types";
import type { FormState } from "../forms/form-state";
import type { ChangeEstimate } from "./change-estimate";
import { describeFilter, type EntraGroupPage, GroupPicker } from "./group-picker";

const rescueGroups = [
  { id: 1, parentId: null, name: "Technicians", path: ["Technicians"] },
  { id: 2, parentId: 1, name: "Support", path: ["Technicians", "Support"] },
];
const entraGroups: EntraGroupPage = {
  groups: [
    { id: "g1", displayName: "Support Engineers", description: "Tier 1" },
    { id: "g2", displayName: "Helpdesk", description: null },
  ],
};
const pair: GroupMapping = {
  id: "m1",
  entraGroupId: "g2",
  entraGroupName: "Helpdesk",
  rescueGroupId: 2,
  rescueGroupName: "Technicians › Support",
  priority: 1,
  transitive: true,
  filter: { attribute: "department", operator: "contains", value: "aid" },
  conditions: {
    combinator: "all",
    conditions: [{ attribute: "department", operator: "contains", value: "aid", mode: "include" }],
  },
  version: 1,
};

function renderPicker(overrides: Partial<Parameters<typeof GroupPicker>[0]> = {}) {
  const props = {
    rescueGroups,
    mappings: [pair],
    initialEntraGroups: entraGroups,
    searchEntraGroups: jest.fn(async (): Promise<EntraGroupPage> => ({ groups: [] })),
    addPair: jest.fn(async (): Promise<FormState> => ({ ok: true, message: "Paired." })),
    removePair: jest.fn(async (): Promise<FormState> => ({ ok: true, message: "Pair removed." })),
    ...overrides,
  };
  render(<GroupPicker {...props} />);
  return props;
}

describe("group picker", () => {
  test("three labelled columns: Entra groups, the Rescue tree, the selected pairs with their filter", () => {
    renderPicker();
    expect(screen.getByRole("group", { name: "1. Entra ID group" })).toBeTruthy();
    expect(screen.getByRole("group", { name: "2. Rescue technician group" })).toBeTruthy();
    expect(screen.getByRole("group", { name: "3. Selected pairs (1)" })).toBeTruthy();
    expect(screen.getByRole("radio", { name: "Support Engineers" }).getAttribute("aria-describedby")).toBeTruthy();
    expect(screen.getByText("Tier 1")).toBeTruthy();
    // Each tree node is named by its full path, so a screen reader hears where it sits.
    expect(screen.getByRole("radio", { name: "Technicians › Support" })).toBeTruthy();
    expect(screen.getByText("only where Department contains “aid”")).toBeTruthy();
  });

  test("Add pair without both groups chosen says which column is missing, and sends nothing", async () => {
    const props = renderPicker();
    fireEvent.click(screen.getByRole("button", { name: /Add pair/ }));
    expect((await screen.findByRole("alert")).textContent).toBe("Choose an Entra group in the first column.");
    fireEvent.click(screen.getByRole("radio", { name: /Support Engineers/ }));
    fireEvent.click(screen.getByRole("button", { name: /Add pair/ }));
    expect((await screen.findByRole("alert")).textContent).toBe(
      "Choose a Rescue technician group in the second column.",
    );
    expect(props.addPair).not.toHaveBeenCalled();
  });

  test("Add pair sends both groups and the optional filter", async () => {
    const props = renderPicker();
    fireEvent.click(screen.getByRole("radio", { name: /Support Engineers/ }));
    fireEvent.click(screen.getByRole("radio", { name: "Technicians › Support" }));
    fireEvent.change(screen.getByLabelText("Attribute"), { target: { value: "jobTitle" } });
    fireEvent.change(screen.getByLabelText("Operator"), { target: { value: "startsWith" } });
    fireEvent.change(screen.getByLabelText("Value"), { target: { value: "Tech" } });
    fireEvent.click(screen.getByRole("button", { name: /Add pair/ }));
    expect((await screen.findByRole("status")).textContent).toBe("Paired.");
    expect(props.addPair).toHaveBeenCalledWith({
      entraGroupId: "g1",
      entraGroupName: "Support Engineers",
      rescueGroupId: "2",
      rescueGroupName: "Technicians › Support",
      filterAttribute: "jobTitle",
      filterOperator: "startsWith",
      filterValue: "Tech",
    });
  });

  test("an API refusal shows next to the field it concerns", async () => {
    renderPicker({
      addPair: jest.fn(async () => ({
        ok: false,
        message: "The filter is not valid.",
        fieldErrors: { filterValue: "The value is too long." },
      })),
    });
    fireEvent.click(screen.getByRole("radio", { name: "Helpdesk" }));
    fireEvent.click(screen.getByRole("radio", { name: "Technicians" }));
    fireEvent.click(screen.getByRole("button", { name: /Add pair/ }));
    expect(await screen.findByText("The value is too long.")).toBeTruthy();
    expect(screen.getByLabelText("Value").getAttribute("aria-invalid")).toBe("true");
  });

  test("Remove pair removes the chosen pair", async () => {
    const props = renderPicker();
    fireEvent.click(screen.getByRole("radio", { name: /Helpdesk to Technicians › Support/ }));
    fireEvent.click(screen.getByRole("button", { name: /Remove pair/ }));
    await screen.findByText("Pair removed.");
    expect(props.removePair).toHaveBeenCalledWith("m1");
  });

  test("typing searches Entra groups on the server once the person pauses", async () => {
    const searchEntraGroups = jest.fn(async () => ({
      groups: [{ id: "g9", displayName: "Field North", description: null }],
    }));
    renderPicker({ searchEntraGroups });
    fireEvent.change(screen.getByLabelText("Search Entra groups"), { target: { value: "fie" } });
    fireEvent.change(screen.getByLabelText("Search Entra groups"), { target: { value: "field" } });
    await waitFor(() => expect(screen.getByRole("radio", { name: "Field North" })).toBeTruthy());
    expect(searchEntraGroups).toHaveBeenCalledTimes(1);
    expect(searchEntraGroups).toHaveBeenCalledWith("field");
    expect(screen.queryByRole("radio", { name: /Support Engineers/ })).toBeNull();
  });

  test("a failed search is said in plain words", async () => {
    renderPicker({ searchEntraGroups: jest.fn(async () => ({ groups: [], message: "Entra ID did not answer." })) });
    await act(async () => {
      fireEvent.change(screen.getByLabelText("Search Entra groups"), { target: { value: "x" } });
    });
    expect(await screen.findByText("Entra ID did not answer.")).toBeTruthy();
  });
});

test("a pair without a filter takes everyone in the group", () => {
  expect(describeFilter(null)).toBe("everyone in the group");
});

describe("a change of the pairs shows its estimate before it is saved", () => {
  const tier2: GroupMapping = {
    ...pair,
    id: "m2",
    entraGroupName: "Tier 2",
    rescueGroupName: "Escalations",
    filter: null,
  };
  const estimate: ChangeEstimate = {
    outcome: "estimated",
    summary:
      "Removing Helpdesk → Technicians › Support would disable 2 technicians and move 1 user to the pair “Tier 2 → Escalations”. Moved users' technicians stay in their Rescue group (rule 7).",
    disables: ["Ada Lovelace (ada@contoso.example)", "Bob Byte (bob@contoso.example)"],
    disableCount: 2,
    moves: [{ name: "Cy Clone", to: "Tier 2 → Escalations" }],
    moveCount: 1,
    runId: "r1",
  };

  test("Remove pair asks in a dialog with the estimate, and removes only after confirmation", async () => {
    let finish: (value: ChangeEstimate) => void = () => undefined;
    const estimateChange = jest.fn(() => new Promise<ChangeEstimate>((resolve) => (finish = resolve)));
    const props = renderPicker({ mappings: [pair, tier2], estimateChange, changePair: jest.fn() });
    fireEvent.click(screen.getByRole("radio", { name: /Helpdesk to Technicians › Support/ }));
    fireEvent.click(screen.getByRole("button", { name: /Remove pair/ }));
    const dialog = await screen.findByRole("dialog", { name: "Remove Helpdesk → Technicians › Support?" });
    expect(estimateChange).toHaveBeenCalledWith(
      { change: "remove", mappingId: "m1" },
      "Removing Helpdesk → Technicians › Support",
    );
    expect(dialog.textContent).toContain("Estimating the effect");
    expect(document.activeElement).toBe(dialog);
    expect((screen.getByRole("button", { name: "Remove the pair" }) as HTMLButtonElement).disabled).toBe(true);
    expect(props.removePair).not.toHaveBeenCalled();

    await act(async () => finish(estimate));
    expect(dialog.textContent).toContain(estimate.summary);
    expect(screen.getByText("Ada Lovelace (ada@contoso.example)")).toBeTruthy();
    expect(screen.getByText("Cy Clone → Tier 2 → Escalations")).toBeTruthy();
    fireEvent.click(screen.getByRole("button", { name: "Remove the pair" }));
    await screen.findByText("Pair removed.");
    expect(props.removePair).toHaveBeenCalledWith("m1");
    expect(screen.queryByRole("dialog")).toBeNull();
  });

  test("Escape or “Keep it as it is” closes the dialog and changes nothing", async () => {
    const estimateChange = jest.fn(async () => estimate);
    const props = renderPicker({ mappings: [pair, tier2], estimateChange, changePair: jest.fn() });
    fireEvent.click(screen.getByRole("radio", { name: /Helpdesk to Technicians › Support/ }));
    screen.getByRole("button", { name: /Remove pair/ }).focus();
    fireEvent.click(screen.getByRole("button", { name: /Remove pair/ }));
    fireEvent.keyDown(await screen.findByRole("dialog"), { key: "Escape" });
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(document.activeElement).toBe(screen.getByRole("button", { name: /Remove pair/ }));
    fireEvent.click(screen.getByRole("button", { name: /Remove pair/ }));
    await screen.findByText(estimate.summary);
    fireEvent.click(screen.getByRole("button", { name: "Keep it as it is" }));
    expect(screen.queryByRole("dialog")).toBeNull();
    expect(props.removePair).not.toHaveBeenCalled();
  });

  test("without an estimate (tenant busy, queue down) it says why and offers to go ahead, labelled so", async () => {
    const estimateChange = jest.fn(
      async (): Promise<ChangeEstimate> => ({
        outcome: "unavailable",
        summary: "Another run of this tenant is going, so the effect cannot be estimated now. Try again when it ends.",
        disables: [],
        disableCount: 0,
        moves: [],
        moveCount: 0,
      }),
    );
    const props = renderPicker({ mappings: [pair, tier2], estimateChange, changePair: jest.fn() });
    fireEvent.click(screen.getByRole("radio", { name: /Helpdesk to Technicians › Support/ }));
    fireEvent.click(screen.getByRole("button", { name: /Remove pair/ }));
    await screen.findByText(/Another run of this tenant is going/);
    fireEvent.click(screen.getByRole("button", { name: "Remove the pair without an estimate" }));
    await screen.findByText("Pair removed.");
    expect(props.removePair).toHaveBeenCalledWith("m1");
  });

  test("the filter of an existing pair is changed after its estimate", async () => {
    const estimateChange = jest.fn(async () => ({ ...estimate, summary: "Changing it would disable 2 technicians." }));
    const changePair = jest.fn(async (): Promise<FormState> => ({ ok: true, message: "Filter changed." }));
    renderPicker({ mappings: [pair, tier2], estimateChange, changePair });
    fireEvent.click(screen.getByRole("radio", { name: /Helpdesk to Technicians › Support/ }));
    fireEvent.change(screen.getByLabelText("Attribute"), { target: { value: "department" } });
    fireEvent.change(screen.getByLabelText("Value"), { target: { value: "Support" } });
    fireEvent.click(screen.getByRole("button", { name: "Apply the filter below to the chosen pair" }));
    await screen.findByRole("dialog", {
      name: "Change the filter of Helpdesk → Technicians › Support to only where Department equals “Support”?",
    });
    const filter = { attribute: "department", operator: "equals", value: "Support" };
    expect(estimateChange).toHaveBeenCalledWith({ change: "update", mappingId: "m1", filter }, expect.any(String));
    await screen.findByText("Changing it would disable 2 technicians.");
    fireEvent.click(screen.getByRole("button", { name: "Change the filter" }));
    await screen.findByText("Filter changed.");
    expect(changePair).toHaveBeenCalledWith("m1", { filter });
  });

  test("rule 8: putting a pair first proposes a priority before the others', estimated before it is saved", async () => {
    const estimateChange = jest.fn(async () => ({ ...estimate, summary: "Putting it first would move 1 user." }));
    const changePair = jest.fn(async (): Promise<FormState> => ({ ok: true, message: "Priority changed." }));
    // Helpdesk (priority 1) already comes first; Tier 2 (priority 5) goes before it at 0.
    renderPicker({ mappings: [pair, { ...tier2, priority: 5 }], estimateChange, changePair });
    fireEvent.click(screen.getByRole("radio", { name: /Helpdesk to Technicians › Support/ }));
    fireEvent.click(screen.getByRole("button", { name: "Put the chosen pair first" }));
    expect(await screen.findByText("That pair already comes first.")).toBeTruthy();
    fireEvent.click(screen.getByRole("radio", { name: /Tier 2 to Escalations/ }));
    fireEvent.click(screen.getByRole("button", { name: "Put the chosen pair first" }));
    await screen.findByRole("dialog", { name: "Put Tier 2 → Escalations first for users in several pairs?" });
    expect(estimateChange).toHaveBeenCalledWith(
      { change: "update", mappingId: "m2", priority: 0 },
      "Putting Tier 2 → Escalations first",
    );
    await screen.findByText("Putting it first would move 1 user.");
    fireEvent.click(screen.getByRole("button", { name: "Put it first" }));
    await screen.findByText("Priority changed.");
    expect(changePair).toHaveBeenCalledWith("m2", { priority: 0 });
  });
});
