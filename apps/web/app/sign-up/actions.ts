"use server";
import { ZJoinSignUpForm, ZSignUpForm } from "../../src/forms/account-forms";
import { type FormState, fieldErrorsOfZod, formStateOfError } from "../../src/forms/form-state";
import { portalAuthApi } from "../../src/server/portal-session";

export interface SignUpState extends FormState {
  tenantId?: string;
}

/**
 * Creates the portal user and the organisation (tenant) they own; the form then signs in. Someone signing up
 * to accept an invitation (`joining`) gets no organisation of their own.
 */
export async function signUp(input: {
  name: string;
  email: string;
  password: string;
  tenantName: string;
  joining?: boolean;
}) {
  const { joining, ...fields } = input;
  const parsed = (joining ? ZJoinSignUpForm : ZSignUpForm).safeParse({ ...fields, name: fields.name || undefined });
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOfZod(parsed.error) } satisfies SignUpState;
  try {
    const { tenant } = await portalAuthApi().signUp(parsed.data);
    return { ok: true, ...(tenant ? { tenantId: tenant.id } : {}) } satisfies SignUpState;
  } catch (error) {
    return formStateOfError(error) as SignUpState;
  }
}
