"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { type FormState, formStateOfError } from "../../../../src/forms/form-state";
import { runRefusalState } from "../../../../src/runs/run-refusal";
import { requireTenantApi } from "../../../../src/server/portal-session";

/**
 * A blocked run (rule 11) goes ahead after a person approves it: all of it (null), or the chosen actions, the others
 * not applied.
 */
export async function approveRun(
  tenantId: string,
  runId: string,
  actionIds: string[] | null = null,
): Promise<FormState> {
  try {
    await (await requireTenantApi(tenantId)).approveRun(runId, actionIds ?? undefined);
  } catch (error) {
    return formStateOfError(error);
  }
  revalidatePath(`/t/${tenantId}/runs/${runId}`);
  revalidatePath(`/t/${tenantId}`);
  return {
    ok: true,
    message: actionIds
      ? `Approved ${actionIds.length} action(s): the run starts again and applies them; the others are not applied.`
      : "Approved: the run starts again and applies its plan.",
  };
}

export async function dismissRun(tenantId: string, runId: string): Promise<FormState> {
  try {
    await (await requireTenantApi(tenantId)).dismissRun(runId);
  } catch (error) {
    return formStateOfError(error);
  }
  revalidatePath(`/t/${tenantId}/runs/${runId}`);
  revalidatePath(`/t/${tenantId}`);
  return { ok: true, message: "Dismissed: nothing was applied. The warning stays until a run is no longer blocked." };
}

/**
 * "Cancel run": a queued run ends at once; a running one is stopped by its worker within seconds, and the page says
 * "Cancelling…" until then.
 */
export async function cancelRun(tenantId: string, runId: string): Promise<FormState> {
  let status: string;
  try {
    status = (await (await requireTenantApi(tenantId)).cancelRun(runId)).status;
  } catch (error) {
    return runRefusalState(error);
  }
  revalidatePath(`/t/${tenantId}/runs/${runId}`);
  revalidatePath(`/t/${tenantId}`);
  return status === "cancelled"
    ? { ok: true, message: "Cancelled. Actions already applied stay applied." }
    : { ok: true, message: "Cancelling: the run stops within a few seconds. Actions already applied stay applied." };
}

/** "Run again" of a run that ended badly: a new run (or the one already going), watched on its page. */
export async function runAgain(tenantId: string, runId: string): Promise<FormState> {
  let next: { id: string; joined: boolean };
  try {
    const reply = await (await requireTenantApi(tenantId)).retryRun(runId);
    next = { id: reply.run.id, joined: reply.deduplicated };
  } catch (error) {
    return runRefusalState(error);
  }
  revalidatePath(`/t/${tenantId}`);
  redirect(`/t/${tenantId}/runs/${encodeURIComponent(next.id)}${next.joined ? "?joined=1" : ""}`);
}

/** "Sync now" / "Preview now" on the dashboard: start (or join) a run and watch it. */
export async function startRunNow(tenantId: string, dryRun: boolean): Promise<FormState> {
  let runId: string;
  try {
    runId = (await (await requireTenantApi(tenantId)).startRun(dryRun)).run.id;
  } catch (error) {
    return formStateOfError(error);
  }
  revalidatePath(`/t/${tenantId}`);
  redirect(`/t/${tenantId}/runs/${encodeURIComponent(runId)}`);
}
