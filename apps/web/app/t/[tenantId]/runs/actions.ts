"use server";
import { revalidatePath } from "next/cache";
import { redirect } from "next/navigation";
import { type FormState, formStateOfError } from "../../../../src/forms/form-state";
import { requireTenantApi } from "../../../../src/server/portal-session";

/** A blocked run (rule 11) goes ahead after a person approves it. */
export async function approveRun(tenantId: string, runId: string): Promise<FormState> {
  try {
    await (await requireTenantApi(tenantId)).approveRun(runId);
  } catch (error) {
    return formStateOfError(error);
  }
  revalidatePath(`/t/${tenantId}/runs/${runId}`);
  return { ok: true, message: "Approved: the run starts again and applies its plan." };
}

export async function dismissRun(tenantId: string, runId: string): Promise<FormState> {
  try {
    await (await requireTenantApi(tenantId)).dismissRun(runId);
  } catch (error) {
    return formStateOfError(error);
  }
  revalidatePath(`/t/${tenantId}/runs/${runId}`);
  return { ok: true, message: "Dismissed: nothing was applied." };
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
