"use server";
import { ZSignUpForm } from "../../src/forms/account-forms";
import { type FormState, fieldErrorsOfZod, formStateOfError } from "../../src/forms/form-state";
import { portalAuthApi } from "../../src/server/portal-session";

export interface SignUpState extends FormState {
  tenantId?: string;
}

/** Creates the portal user and the organisation (tenant) they own; the form then signs in. */
export async function signUp(input: { name: string; email: string; password: string; tenantName: string }) {
  const parsed = ZSignUpForm.safeParse({ ...input, name: input.name || undefined });
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOfZod(parsed.error) } satisfies SignUpState;
  try {
    const { tenant } = await portalAuthApi().signUp(parsed.data);
    return { ok: true, tenantId: tenant.id } satisfies SignUpState;
  } catch (error) {
    return formStateOfError(error) as SignUpState;
  }
}
