// Sign-up and sign-in forms, checked before anything reaches the API.
import { z } from "zod";

export const ZSignUpForm = z.object({
  name: z.string().max(200).optional(),
  email: z.string().email("Enter an email address like name@company.com."),
  password: z.string().min(10, "Use at least 10 characters for your password."),
  tenantName: z.string().min(1, "Name your organisation (your Rescue organisation's name is a good choice).").max(200),
});
export type TSignUpForm = z.infer<typeof ZSignUpForm>;
/** Signing up to accept an invitation: no organisation of one's own is made. */
export const ZJoinSignUpForm = ZSignUpForm.omit({ tenantName: true });

export const ZSignInForm = z.object({
  email: z.string().email("Enter the email address you signed up with."),
  password: z.string().min(1, "Enter your password."),
});

export const ZNewTenantForm = z.object({
  name: z.string().min(1, "Name the organisation.").max(200, "Use at most 200 characters."),
});
