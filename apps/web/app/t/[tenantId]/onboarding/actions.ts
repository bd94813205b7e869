"use server";
// The wizard's server actions: each step saves to the API, so Back shows what was saved.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import type { PairPatch } from "../../../../src/api/api-client";
import { ApiError, type MoveOffer } from "../../../../src/api/api-error";
import type {
  EntraConnectionTest,
  EntraGroup,
  MappingProposal,
  RescueConnectionTest,
} from "../../../../src/api/api-types";
import { entraConnectionForm, rescueConnectionForm } from "../../../../src/forms/connection-forms";
import { type FormState, fieldErrorsOfZod, formStateOfError, formValues } from "../../../../src/forms/form-state";
import { ZMappingForm } from "../../../../src/forms/mapping-form";
import { type ChangeEstimate, describeEstimate, estimateWithout } from "../../../../src/mapping/change-estimate";
import { mappingNamesOf } from "../../../../src/runs/run-view";
import {
  type DemoDataReplacement,
  demoDataReplacement,
  replacementKey,
} from "../../../../src/sandbox/demo-data-replacement";
import {
  sandboxDefaultPassword,
  sandboxEntraConnection,
  sandboxRescueConnection,
} from "../../../../src/sandbox/sandbox-demo-values";
import { requireTenantApi } from "../../../../src/server/portal-session";

export interface RescueStepState extends FormState {
  values?: Record<string, string>;
  test?: RescueConnectionTest;
  /** rule 15: the organisation is another tenant's the person owns too; saving again with it moves it here. */
  move?: MoveOffer;
}

export interface EntraStepState extends FormState {
  values?: Record<string, string>;
  test?: EntraConnectionTest;
}

const rescueFields = ["email", "apiToken", "password", "region", "defaultPassword"] as const;
const entraFields = ["directoryId", "clientId", "clientSecret", "cloud", "clientSecretExpiresOn"] as const;

/** Keeps what the person typed, except secrets, for the form to show again after an error. */
function shownValues(values: Record<string, string>, secrets: readonly string[]) {
  return Object.fromEntries(Object.entries(values).filter(([name]) => !secrets.includes(name)));
}

export async function saveRescueStep(
  tenantId: string,
  _previous: RescueStepState,
  formData: FormData,
): Promise<RescueStepState> {
  const api = await requireTenantApi(tenantId);
  const values = formValues(formData, rescueFields);
  const kept = shownValues(values, ["password", "apiToken", "defaultPassword"]);
  const [connection, settings] = await Promise.all([api.rescueConnection(), api.settings()]);
  const parsed = rescueConnectionForm({
    apiToken: connection?.hasApiToken ?? false,
    defaultPassword: settings.hasDefaultPassword,
    ...(connection ? { region: connection.region } : {}),
  }).safeParse(values);
  if (!parsed.success) return { ok: false, values: kept, fieldErrors: fieldErrorsOfZod(parsed.error) };
  const { defaultPassword, ...rescue } = parsed.data;
  // "Test" and "Save" both test the values as typed first, without saving them: a wrong new token never replaces
  // the working one, and nothing is saved until it works.
  let candidateTest: RescueConnectionTest;
  try {
    candidateTest = await api.testRescueConnection(rescue);
  } catch (error) {
    return { ...formStateOfError(error), values: kept };
  }
  if (formData.get("intent") === "test" || !candidateTest.ok) {
    return {
      ok: candidateTest.ok,
      values: kept,
      test: candidateTest,
      message: candidateTest.ok
        ? "These values work. They are not saved yet: press Save and continue to keep them."
        : connection
          ? "Nothing was saved: the saved connection is unchanged."
          : "Nothing was saved.",
    };
  }
  const moveFrom = formData.get("moveFrom");
  try {
    await api.saveRescueConnection({ ...rescue, ...(typeof moveFrom === "string" && moveFrom ? { moveFrom } : {}) });
    if (defaultPassword) await api.updateSettings({ defaultPassword });
  } catch (error) {
    const move = error instanceof ApiError ? error.move : undefined;
    return { ...formStateOfError(error), values: kept, ...(move ? { move } : {}) };
  }
  revalidatePath(`/t/${tenantId}/onboarding`, "layout");
  // The saved connection is tested once more: its outcome is kept on it, and rule 15 (whose organisation) applies.
  let test: RescueConnectionTest;
  try {
    test = await api.testRescueConnection();
  } catch (error) {
    return { ...formStateOfError(error), values: kept };
  }
  if (test.ok && formData.get("intent") === "next") redirect(`/t/${tenantId}/onboarding/entra`);
  return { ok: test.ok, values: kept, test, message: test.ok ? "Saved." : undefined };
}

export async function saveEntraStep(
  tenantId: string,
  _previous: EntraStepState,
  formData: FormData,
): Promise<EntraStepState> {
  const api = await requireTenantApi(tenantId);
  const values = formValues(formData, entraFields);
  const kept = shownValues(values, ["clientSecret"]);
  const connection = await api.entraConnection();
  const parsed = entraConnectionForm({
    clientSecret: connection?.hasClientSecret ?? false,
    ...(connection ? { cloud: connection.cloud } : {}),
  }).safeParse(values);
  if (!parsed.success) return { ok: false, values: kept, fieldErrors: fieldErrorsOfZod(parsed.error) };
  // "Test" and "Save" both test the values as typed first, without saving them: a wrong new secret never replaces
  // the working one, and nothing is saved until it works.
  let candidateTest: EntraConnectionTest;
  try {
    candidateTest = await api.testEntraConnection(parsed.data);
  } catch (error) {
    return { ...formStateOfError(error), values: kept };
  }
  if (formData.get("intent") === "test" || !candidateTest.ok) {
    return {
      ok: candidateTest.ok,
      values: kept,
      test: candidateTest,
      message: candidateTest.ok
        ? "These values work. They are not saved yet: press Save and continue to keep them."
        : connection
          ? "Nothing was saved: the saved connection is unchanged."
          : "Nothing was saved.",
    };
  }
  try {
    await api.saveEntraConnection(parsed.data);
  } catch (error) {
    return { ...formStateOfError(error), values: kept };
  }
  revalidatePath(`/t/${tenantId}/onboarding`, "layout");
  // The saved connection is tested once more, so its outcome is kept on it.
  let test: EntraConnectionTest;
  try {
    test = await api.testEntraConnection();
  } catch (error) {
    return { ...formStateOfError(error), values: kept };
  }
  if (test.ok && formData.get("intent") === "next") redirect(`/t/${tenantId}/onboarding/mappings`);
  return { ok: test.ok, values: kept, test, message: test.ok ? "Saved." : undefined };
}

export interface DemoDataState extends FormState {
  /** What the demo values would replace: shown for the person to confirm; the confirm sends `confirmed` back. */
  replacement?: DemoDataReplacement & { key: string };
}

/**
 * "Try with demo data": the tenant in sandbox mode, and steps 1 and 2 on the sandbox destination (the emulators).
 * Never overwrites silently: when the tenant has connections of its own, the first press only answers what would be
 * replaced (its Rescue and Entra connections, and the pairs made with them, which are removed); only a form that
 * confirms exactly that replaces them.
 */
export async function fillWithDemoData(
  tenantId: string,
  step: "rescue" | "entra",
  _previous: DemoDataState,
  formData: FormData,
): Promise<DemoDataState> {
  if (formData.get("intent") === "keep") return {};
  const api = await requireTenantApi(tenantId);
  try {
    const [rescue, entra, { mappings }] = await Promise.all([
      api.rescueConnection(),
      api.entraConnection(),
      api.mappings(),
    ]);
    const replacement = demoDataReplacement(rescue, entra, mappings);
    if (replacement) {
      const key = replacementKey(replacement);
      // The confirm counts only for what was shown: anything changed meanwhile is shown again.
      if (formData.get("intent") !== "replace" || formData.get("confirmed") !== key) {
        return { replacement: { ...replacement, key } };
      }
      for (const pair of replacement.pairs) await api.deleteMapping(pair.id);
    }
    await api.updateSettings({ sandboxMode: true, defaultPassword: sandboxDefaultPassword });
    await api.saveRescueConnection(sandboxRescueConnection(tenantId));
    await api.saveEntraConnection(sandboxEntraConnection);
  } catch (error) {
    return formStateOfError(error);
  }
  revalidatePath(`/t/${tenantId}`, "layout");
  redirect(`/t/${tenantId}/onboarding/${step}?demo=1`);
}

export async function addMapping(tenantId: string, input: Record<string, string>): Promise<FormState> {
  const parsed = ZMappingForm.safeParse(input);
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOfZod(parsed.error) };
  const api = await requireTenantApi(tenantId);
  try {
    const { mappings } = await api.mappings();
    const priority = mappings.reduce((highest, m) => Math.max(highest, m.priority), 0) + 1;
    await api.createMapping({ ...parsed.data, priority, transitive: true });
  } catch (error) {
    return formStateOfError(error, { filter: "filterValue", "filter.value": "filterValue" });
  }
  revalidatePath(`/t/${tenantId}/onboarding/mappings`);
  return { ok: true, message: `Paired ${parsed.data.entraGroupName} with ${parsed.data.rescueGroupName}.` };
}

export async function removeMapping(tenantId: string, mappingId: string): Promise<FormState> {
  const api = await requireTenantApi(tenantId);
  try {
    await api.deleteMapping(mappingId);
  } catch (error) {
    return formStateOfError(error);
  }
  revalidatePath(`/t/${tenantId}/onboarding/mappings`);
  return { ok: true, message: "Pair removed." };
}

/** How long the portal waits for an estimate run before saying it could not finish. */
const ESTIMATE_WAIT_MS = 30_000;
const ESTIMATE_POLL_MS = 500;

/**
 * "What would this do?" before a pair is removed or its filter changed: a preview planned with the change (never
 * saved), waited for here, then in words. `change` names it ("Removing Helpdesk → Support Tier 1").
 */
export async function estimatePairChange(
  tenantId: string,
  proposal: MappingProposal,
  change: string,
): Promise<ChangeEstimate> {
  const api = await requireTenantApi(tenantId);
  try {
    const answer = await api.estimateMappingChange(proposal);
    if (answer.estimate !== "run" || !answer.run) {
      return estimateWithout(answer.estimate === "not_needed" ? "not_needed" : "unavailable", answer.message);
    }
    const deadline = Date.now() + ESTIMATE_WAIT_MS;
    let run = answer.run;
    while (run.status === "queued" || run.status === "running") {
      if (Date.now() > deadline) {
        return estimateWithout("unavailable", "The estimate did not finish in time (the workers may be busy or down).");
      }
      await new Promise((resolve) => setTimeout(resolve, ESTIMATE_POLL_MS));
      run = await api.run(run.id);
    }
    if (run.status !== "succeeded") {
      return estimateWithout("unavailable", `The estimate could not finish: ${run.error ?? run.status}.`);
    }
    const [{ actions }, { mappings }] = await Promise.all([
      api.runActions(run.id, { kind: "disable", limit: 200 }),
      api.mappings(),
    ]);
    return describeEstimate(change, run, actions, mappingNamesOf(mappings));
  } catch (error) {
    if (error instanceof ApiError) return estimateWithout("unavailable", `No estimate: ${error.message}`);
    throw error;
  }
}

/** A pair's filter or priority, changed after the person saw what it would do. */
export async function changePair(tenantId: string, mappingId: string, patch: PairPatch): Promise<FormState> {
  const api = await requireTenantApi(tenantId);
  try {
    await api.updateMapping(mappingId, patch);
  } catch (error) {
    return formStateOfError(error);
  }
  revalidatePath(`/t/${tenantId}/onboarding/mappings`);
  revalidatePath(`/t/${tenantId}/mappings`);
  return {
    ok: true,
    message:
      patch.priority !== undefined
        ? "Priority changed."
        : patch.filter !== undefined
          ? "Filter changed."
          : "Pair saved.",
  };
}

/** The pairs' new order, saved in one call (refused, in words, when another tab changed the pairs since). */
export async function reorderPairs(tenantId: string, order: { id: string; version: number }[]): Promise<FormState> {
  const api = await requireTenantApi(tenantId);
  try {
    await api.reorderMappings(order);
  } catch (error) {
    return formStateOfError(error);
  }
  revalidatePath(`/t/${tenantId}/onboarding/mappings`);
  revalidatePath(`/t/${tenantId}/mappings`);
  return { ok: true, message: "Order saved." };
}

export async function startPreview(tenantId: string): Promise<FormState> {
  const api = await requireTenantApi(tenantId);
  let runId: string;
  try {
    runId = (await api.startRun(true)).run.id;
  } catch (error) {
    return formStateOfError(error);
  }
  redirect(`/t/${tenantId}/onboarding/preview?runId=${encodeURIComponent(runId)}`);
}

/**
 * Step 5 (rule 14): the schedule on, and the first real run now. The API allows it only after a successful preview
 * of the configuration as it is now, and answers why not otherwise.
 */
export async function startSyncing(tenantId: string): Promise<FormState> {
  const api = await requireTenantApi(tenantId);
  let runId: string;
  try {
    runId = (await api.startSyncing()).run.id;
  } catch (error) {
    return formStateOfError(error);
  }
  revalidatePath(`/t/${tenantId}`, "layout");
  redirect(`/t/${tenantId}/runs/${encodeURIComponent(runId)}`);
}

/** The picker's server-side search of Entra groups (the API pages through Graph). */
export async function searchEntraGroups(
  tenantId: string,
  search: string,
  pageToken?: string,
): Promise<{ groups: EntraGroup[]; nextPageToken?: string; message?: string }> {
  const api = await requireTenantApi(tenantId);
  try {
    return await api.entraGroups({ search: search.trim() || undefined, pageToken, pageSize: 50 });
  } catch (error) {
    return { groups: [], message: formStateOfError(error).message };
  }
}
