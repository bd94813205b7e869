"use server";
// The wizard's server actions: each step saves to the API, so Back shows what was saved.
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { ApiError, type MoveOffer } from "../../../../src/api/api-error";
import type { EntraConnectionTest, EntraGroup, RescueConnectionTest } from "../../../../src/api/api-types";
import { entraConnectionForm, rescueConnectionForm } from "../../../../src/forms/connection-forms";
import { type FormState, fieldErrorsOfZod, formStateOfError, formValues } from "../../../../src/forms/form-state";
import { ZMappingForm } from "../../../../src/forms/mapping-form";
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
const entraFields = ["directoryId", "clientId", "clientSecret", "cloud"] as const;

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
  const moveFrom = formData.get("moveFrom");
  try {
    await api.saveRescueConnection({ ...rescue, ...(typeof moveFrom === "string" && moveFrom ? { moveFrom } : {}) });
    if (defaultPassword) await api.updateSettings({ defaultPassword });
  } catch (error) {
    const move = error instanceof ApiError ? error.move : undefined;
    return { ...formStateOfError(error), values: kept, ...(move ? { move } : {}) };
  }
  revalidatePath(`/t/${tenantId}/onboarding`, "layout");
  if (formData.get("intent") === "next") redirect(`/t/${tenantId}/onboarding/entra`);
  try {
    const test = await api.testRescueConnection();
    return { ok: test.ok, values: kept, test, message: test.ok ? "Saved." : undefined };
  } catch (error) {
    return { ...formStateOfError(error), values: kept };
  }
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
  try {
    await api.saveEntraConnection(parsed.data);
  } catch (error) {
    return { ...formStateOfError(error), values: kept };
  }
  revalidatePath(`/t/${tenantId}/onboarding`, "layout");
  if (formData.get("intent") === "next") redirect(`/t/${tenantId}/onboarding/mappings`);
  try {
    const test = await api.testEntraConnection();
    return { ok: test.ok, values: kept, test };
  } catch (error) {
    return { ...formStateOfError(error), values: kept };
  }
}

/** "Try with demo data": the tenant in sandbox mode, and steps 1 and 2 on the sandbox destination (the emulators). */
export async function fillWithDemoData(tenantId: string, step: "rescue" | "entra"): Promise<FormState> {
  const api = await requireTenantApi(tenantId);
  try {
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

/** Step 5: the schedule on, and the first real run now. */
export async function startSyncing(tenantId: string): Promise<FormState> {
  const api = await requireTenantApi(tenantId);
  let runId: string;
  try {
    await api.updateSettings({ paused: false });
    runId = (await api.startRun(false)).run.id;
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
