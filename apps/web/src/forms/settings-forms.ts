// Settings: schedule, safety threshold, default password, attribute mapping, members, API keys.
import { API_KEY_SCOPES, ROLES } from "@techsync/api-contract";
import { z } from "zod";

export const ZTenantSettingsForm = z.object({
  name: z.string().min(1, "Give the organisation a name.").max(200),
  scheduleIntervalMinutes: z.coerce
    .number({ message: "Enter a number of minutes." })
    .int("Use whole minutes.")
    .min(5, "Runs can be at most every 5 minutes.")
    .max(1440, "Runs must happen at least once a day (1440 minutes)."),
  paused: z.boolean(),
  sandboxMode: z.boolean(),
  includeGuests: z.boolean(),
  /** The checkbox "Entra ID is the source of SSO ids" (rule 16); unchecked keeps Rescue's. */
  ssoIdFromEntra: z.boolean().default(false),
  thresholdPercent: z.coerce
    .number({ message: "Enter a percentage." })
    .int("Use a whole percentage.")
    .min(0, "The percentage is between 0 and 100.")
    .max(100, "The percentage is between 0 and 100."),
  thresholdMinimum: z.coerce.number({ message: "Enter a number." }).int("Use a whole number.").min(0, "Use 0 or more."),
  defaultPassword: z
    .string()
    .optional()
    .transform((value) => value || undefined)
    .pipe(z.string().min(8, "Use at least 8 characters for the default password.").optional()),
  attributeMapping: z
    .string()
    .optional()
    .transform((value, ctx) => {
      if (!value?.trim()) return undefined;
      try {
        const parsed: unknown = JSON.parse(value);
        if (parsed && typeof parsed === "object" && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
      } catch {
        // reported below
      }
      ctx.addIssue({
        code: "custom",
        message: 'Write the attribute mapping as a JSON object, e.g. {"nick": ["mailLocalPart"]}.',
      });
      return z.NEVER;
    }),
});

export const ZInvitationForm = z.object({
  email: z.string().email("Enter the person's email address."),
  role: z.enum(ROLES, { message: "Choose a role." }),
});

export const ZApiKeyForm = z.object({
  name: z.string().min(1, "Name the key after what will use it, e.g. “nightly export”.").max(100),
  scopes: z.array(z.enum(API_KEY_SCOPES)).min(1, "Choose at least one scope."),
});
