// The wizard's server actions against a fake of the API client (the real API is covered by its own tests): what
// they send, in which order, and where they lead.
import { sandboxEntraConnection, sandboxRescueConnection } from "../../../../src/sandbox/sandbox-demo-values";
import { fillWithDemoData, saveEntraStep, saveRescueStep } from "./actions";

const api = {
  rescueConnection: jest.fn(),
  entraConnection: jest.fn(),
  mappings: jest.fn(),
  settings: jest.fn(),
  deleteMapping: jest.fn(),
  updateSettings: jest.fn(),
  saveRescueConnection: jest.fn(),
  saveEntraConnection: jest.fn(),
  testRescueConnection: jest.fn(),
  testEntraConnection: jest.fn(),
};
jest.mock("../../../../src/server/portal-session", () => ({ requireTenantApi: async () => api }));
jest.mock("next/cache", () => ({ revalidatePath: () => undefined }));
jest.mock("next/navigation", () => ({
  redirect: (to: string) => {
    throw new Error(`redirect ${to}`);
  },
}));

const form = (fields: Record<string, string>) => {
  const data = new FormData();
  for (const [name, value] of Object.entries(fields)) data.set(name, value);
  return data;
};

const ownRescue = { email: "mah@fabrikam.example", region: "global", hasPassword: false, hasApiToken: true };
const ownEntra = { directoryId: "0c1d2e3f-4a5b-4c6d-8e9f-0a1b2c3d4e5f", clientId: "c", cloud: "global" };
const ownPairs = [
  { id: "m1", entraGroupName: "Helpdesk", rescueGroupName: "Support" },
  { id: "m2", entraGroupName: "Field", rescueGroupName: "North" },
];

beforeEach(() => {
  jest.clearAllMocks();
  api.settings.mockResolvedValue({ hasDefaultPassword: true, sandboxMode: false });
});

describe("Try with demo data never overwrites silently", () => {
  beforeEach(() => {
    api.rescueConnection.mockResolvedValue(ownRescue);
    api.entraConnection.mockResolvedValue(ownEntra);
    api.mappings.mockResolvedValue({ mappings: ownPairs });
  });

  test("on an organisation with its own connections, the first press changes nothing and names what would be replaced", async () => {
    const state = await fillWithDemoData("t1", "rescue", {}, form({ intent: "try" }));
    expect(state.replacement).toMatchObject({
      rescueEmail: "mah@fabrikam.example",
      entraDirectoryId: ownEntra.directoryId,
      pairs: [
        { id: "m1", name: "Helpdesk → Support" },
        { id: "m2", name: "Field → North" },
      ],
    });
    for (const write of [api.deleteMapping, api.updateSettings, api.saveRescueConnection, api.saveEntraConnection])
      expect(write).not.toHaveBeenCalled();
  });

  test("a confirm without the confirmation it was shown (a crafted form, or things changed meanwhile) is asked again", async () => {
    const state = await fillWithDemoData("t1", "rescue", {}, form({ intent: "replace", confirmed: "[]" }));
    expect(state.replacement?.pairs).toHaveLength(2);
    expect(api.saveRescueConnection).not.toHaveBeenCalled();
    expect(api.deleteMapping).not.toHaveBeenCalled();
  });

  test("the explicit confirm removes the old pairs, then saves the demo connections", async () => {
    const shown = await fillWithDemoData("t1", "rescue", {}, form({ intent: "try" }));
    const confirm = form({ intent: "replace", confirmed: shown.replacement?.key ?? "" });
    await expect(fillWithDemoData("t1", "rescue", {}, confirm)).rejects.toThrow(
      "redirect /t/t1/onboarding/rescue?demo=1",
    );
    expect(api.deleteMapping.mock.calls).toEqual([["m1"], ["m2"]]);
    expect(api.saveRescueConnection).toHaveBeenCalledWith(sandboxRescueConnection("t1"));
    expect(api.saveEntraConnection).toHaveBeenCalledWith(sandboxEntraConnection);
  });

  test("Keep my connections changes nothing", async () => {
    expect(await fillWithDemoData("t1", "rescue", {}, form({ intent: "keep" }))).toEqual({});
    expect(api.saveRescueConnection).not.toHaveBeenCalled();
  });

  test("a new organisation (or one already on the demo data) gets the demo values at once", async () => {
    api.rescueConnection.mockResolvedValue(null);
    api.entraConnection.mockResolvedValue(null);
    api.mappings.mockResolvedValue({ mappings: [] });
    await expect(fillWithDemoData("t1", "entra", {}, form({ intent: "try" }))).rejects.toThrow("redirect");
    api.rescueConnection.mockResolvedValue({ ...ownRescue, ...sandboxRescueConnection("t1") });
    api.entraConnection.mockResolvedValue({ ...ownEntra, ...sandboxEntraConnection });
    api.mappings.mockResolvedValue({ mappings: ownPairs });
    await expect(fillWithDemoData("t1", "entra", {}, form({ intent: "try" }))).rejects.toThrow("redirect");
    expect(api.saveRescueConnection).toHaveBeenCalledTimes(2);
    expect(api.deleteMapping).not.toHaveBeenCalled();
  });
});

describe("Save and continue tests the typed values first, and saves only values that work", () => {
  const rescueForm = (intent: string) => form({ intent, email: "mah@fabrikam.example", region: "global" });
  const entraForm = (intent: string) =>
    form({
      intent,
      directoryId: ownEntra.directoryId,
      clientId: "a1c2e3f4-0b1d-4c5e-8f90-123456789abc",
      cloud: "global",
    });

  beforeEach(() => {
    api.rescueConnection.mockResolvedValue(ownRescue);
    api.entraConnection.mockResolvedValue({ ...ownEntra, hasClientSecret: true });
  });

  test("step 1: a failing test keeps the person on the step, with the result shown", async () => {
    const failed = {
      ok: false,
      result: "token_invalid",
      message: "Rescue refused the API token.",
      checks: [],
      warnings: [],
    };
    api.testRescueConnection.mockResolvedValue(failed);
    const state = await saveRescueStep("t1", {}, rescueForm("next"));
    expect(state).toMatchObject({
      ok: false,
      test: failed,
      message: "Nothing was saved: the saved connection is unchanged.",
    });
    // The typed values were tested as a candidate, and the working saved connection was not replaced.
    expect(api.testRescueConnection).toHaveBeenCalledWith(expect.objectContaining({ email: "mah@fabrikam.example" }));
    expect(api.saveRescueConnection).not.toHaveBeenCalled();
  });

  test("Test checks the typed values without saving them, even when they work", async () => {
    api.testRescueConnection.mockResolvedValue({ ok: true, message: "Connected.", checks: [], warnings: [] });
    expect(await saveRescueStep("t1", {}, rescueForm("test"))).toMatchObject({ ok: true });
    expect(api.saveRescueConnection).not.toHaveBeenCalled();
    api.testEntraConnection.mockResolvedValue({ ok: true, message: "Connected.", permissions: [], summary: [] });
    expect(await saveEntraStep("t1", {}, entraForm("test"))).toMatchObject({ ok: true });
    expect(api.saveEntraConnection).not.toHaveBeenCalled();
  });

  test("step 1: a passing test continues to step 2", async () => {
    api.testRescueConnection.mockResolvedValue({ ok: true, message: "Connected.", checks: [], warnings: [] });
    await expect(saveRescueStep("t1", {}, rescueForm("next"))).rejects.toThrow("redirect /t/t1/onboarding/entra");
    // Once as typed, once saved (so the outcome is kept on the connection).
    expect(api.testRescueConnection).toHaveBeenCalledTimes(2);
    expect(api.saveRescueConnection).toHaveBeenCalledTimes(1);
  });

  test("step 2: a failing test keeps the person on the step; a passing one continues to step 3", async () => {
    const failed = { ok: false, message: "Entra refused the client secret.", permissions: [], summary: [] };
    api.testEntraConnection.mockResolvedValue(failed);
    expect(await saveEntraStep("t1", {}, entraForm("next"))).toMatchObject({ ok: false, test: failed });
    expect(api.saveEntraConnection).not.toHaveBeenCalled();
    api.testEntraConnection.mockResolvedValue({ ...failed, ok: true });
    await expect(saveEntraStep("t1", {}, entraForm("next"))).rejects.toThrow("redirect /t/t1/onboarding/mappings");
  });
});
