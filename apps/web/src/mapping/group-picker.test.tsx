/** @jest-environment jsdom */
import { act, fireEvent, render, screen, waitFor } from "@testing-library/react";
import type { GroupMapping } from "../api/api-types";
import type { FormState } from "../forms/form-state";
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
