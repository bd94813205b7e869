"use server";
import { redirect } from "next/navigation";
import { ZNewTenantForm } from "../../../src/forms/account-forms";
import { type FormState, fieldErrorsOfZod, formStateOfError } from "../../../src/forms/form-state";
import { requirePortalUserApi } from "../../../src/server/portal-session";

/** Another organisation (tenant) owned by the signed-in user; its setup starts at once. */
export async function createOrganisation(_previous: FormState, formData: FormData): Promise<FormState> {
  const parsed = ZNewTenantForm.safeParse({ name: String(formData.get("name") ?? "").trim() });
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOfZod(parsed.error) };
  let tenantId: string;
  try {
    tenantId = (await (await requirePortalUserApi()).createTenant(parsed.data.name)).id;
  } catch (error) {
    return formStateOfError(error);
  }
  redirect(`/t/${tenantId}/onboarding/rescue`);
}
