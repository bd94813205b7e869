"use server";
import { formStateOfError } from "../../../../src/forms/form-state";
import { requireTenantApi } from "../../../../src/server/portal-session";
import type { SyncUserState } from "../../../../src/sync-user/sync-user-picker";

/** "Sync this user now": a run of that one user; the answer is the decision step by step (or the run to follow). */
export async function syncUserNow(tenantId: string, _state: SyncUserState, formData: FormData): Promise<SyncUserState> {
  const entraUserId = String(formData.get("entraUserId") ?? "").trim();
  const userName = String(formData.get("userName") ?? "").trim() || undefined;
  if (!entraUserId) return { ok: false, message: "Choose a user to sync." };
  try {
    const reply = await (await requireTenantApi(tenantId)).syncEntraUser(entraUserId);
    return { ok: true, reply, ...(userName ? { userName } : {}) };
  } catch (error) {
    return { ...formStateOfError(error), ...(userName ? { userName } : {}) };
  }
}
