// Wizard steps 1 and 2: what a connection form needs. Secrets are required the first time and again when the
// destination (Rescue region, Entra cloud) changes, since the API drops stored secrets then; otherwise an empty
// field means "keep the saved one" (they are never shown again).
import { ENTRA_CLOUD_NAMES, RESCUE_REGION_NAMES } from "@techsync/config/destinations";
import { z } from "zod";

const optional = z
  .string()
  .optional()
  .transform((value) => value || undefined);

const API_TOKEN_HELP =
  "Paste the API token from Admin Center › Global Settings › Generate API token › Generate and Copy.";

export function rescueConnectionForm(saved: {
  apiToken: boolean;
  defaultPassword: boolean;
  /** The saved region: choosing another one needs the API token again. */
  region?: string;
}) {
  return z
    .object({
      email: z
        .string({ message: "Enter the Master Account Holder's email address." })
        .email("Enter the Master Account Holder's email address."),
      apiToken: saved.apiToken ? optional : z.string({ message: API_TOKEN_HELP }).min(1, API_TOKEN_HELP),
      /** Optional: only for organisations that allow the login endpoint. */
      password: optional,
      region: z.enum(RESCUE_REGION_NAMES, { message: "Choose where your Rescue organisation is." }).default("global"),
      defaultPassword: saved.defaultPassword
        ? z
            .string()
            .optional()
            .transform((value) => value || undefined)
            .pipe(z.string().min(8, "Use at least 8 characters for the default password.").optional())
        : z
            .string({ message: "Choose a default password of at least 8 characters for new technicians." })
            .min(8, "Choose a default password of at least 8 characters for new technicians."),
    })
    .superRefine((form, context) => {
      if (!form.apiToken && saved.region !== undefined && form.region !== saved.region) {
        context.addIssue({
          code: "custom",
          path: ["apiToken"],
          message:
            "The region changed, so the saved API token (and password) no longer apply: paste the API token again.",
        });
      }
    });
}

const uuid = (label: string) => {
  const message = `${label} is a GUID like 7d3b3f4e-5c2a-4e1b-9a6f-2c8d1e0f4a10.`;
  return z.string({ message }).regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, message);
};

const SECRET_HELP = "Paste the client secret's value (not its id).";

export function entraConnectionForm(saved: { clientSecret: boolean; cloud?: string }) {
  return z
    .object({
      directoryId: uuid("The directory (tenant) id"),
      clientId: uuid("The application (client) id"),
      clientSecret: saved.clientSecret ? optional : z.string({ message: SECRET_HELP }).min(1, SECRET_HELP),
      cloud: z.enum(ENTRA_CLOUD_NAMES, { message: "Choose your Microsoft cloud." }).default("global"),
      /** Empty: not known (null); the reminder needs a date. */
      clientSecretExpiresOn: z
        .string()
        .optional()
        .transform((value) => (value ? value : null))
        .refine((value) => value === null || /^\d{4}-\d{2}-\d{2}$/.test(value), "Enter the date the secret expires."),
    })
    .superRefine((form, context) => {
      if (!form.clientSecret && saved.cloud !== undefined && form.cloud !== saved.cloud) {
        context.addIssue({
          code: "custom",
          path: ["clientSecret"],
          message: "The cloud changed, so the saved client secret no longer applies: paste it again.",
        });
      }
    });
}
