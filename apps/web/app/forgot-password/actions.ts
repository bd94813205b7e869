"use server";
// "Forgot password?": asks the API to email a one-time link. The answer is the same for any address.
import { z } from "zod";
import { type FormState, fieldErrorsOfZod, formStateOfError } from "../../src/forms/form-state";
import { portalAuthApi } from "../../src/server/portal-session";

const ZForgotForm = z.object({
  email: z.string().trim().min(1, "Enter your email address.").email("Enter a valid email address."),
});

export async function requestPasswordReset(_previous: FormState, formData: FormData): Promise<FormState> {
  const parsed = ZForgotForm.safeParse({ email: String(formData.get("email") ?? "") });
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOfZod(parsed.error) };
  try {
    const answer = await (await portalAuthApi()).requestPasswordReset(parsed.data.email);
    return { ok: true, message: answer.message };
  } catch (error) {
    return formStateOfError(error);
  }
}
