"use server";
// Sets the new password with the emailed link's one-time token, then the person signs in with it.
import { z } from "zod";
import { type FormState, fieldErrorsOfZod, formStateOfError } from "../../../src/forms/form-state";
import { portalAuthApi } from "../../../src/server/portal-session";

const ZResetForm = z
  .object({
    password: z.string().min(10, "Use at least 10 characters for your password."),
    confirm: z.string(),
  })
  .refine((form) => form.password === form.confirm, { path: ["confirm"], message: "The two passwords differ." });

export async function resetPassword(token: string, _previous: FormState, formData: FormData): Promise<FormState> {
  const parsed = ZResetForm.safeParse({
    password: String(formData.get("password") ?? ""),
    confirm: String(formData.get("confirm") ?? ""),
  });
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOfZod(parsed.error) };
  try {
    await (await portalAuthApi()).resetPassword(token, parsed.data.password);
    return { ok: true, message: "Your new password is set. Sign in with it now." };
  } catch (error) {
    return formStateOfError(error);
  }
}
