"use server";
import { ZJoinSignUpForm, ZSignUpForm } from "../../src/forms/account-forms";
import { type FormState, fieldErrorsOfZod, formStateOfError } from "../../src/forms/form-state";
import { portalAuthApi, requireMemberships } from "../../src/server/portal-session";

export interface SignUpState extends FormState {
  /** Where the form goes once signed in (only for the API's older reply that named the new tenant). */
  tenantId?: string;
}

/**
 * Asks the API to create the portal user and, unless they are joining by invitation (`joining`), the
 * organisation (tenant) they own. The API answers alike for a registered email (and creates nothing then); the
 * form signs in next, which tells the person which it was.
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
    const answer = (await (await portalAuthApi()).signUp(parsed.data)) as { tenant?: { id?: string } };
    return { ok: true, ...(answer?.tenant?.id ? { tenantId: answer.tenant.id } : {}) } satisfies SignUpState;
  } catch (error) {
    return formStateOfError(error) as SignUpState;
  }
}

/** Once signed in after sign-up: the first organisation's setup. */
export async function landingAfterSignUp(): Promise<string> {
  const { tenants } = await requireMemberships();
  const first = tenants[0];
  return first ? `/t/${first.id}/onboarding/rescue` : "/";
}
