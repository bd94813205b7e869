// Wizard steps 1 and 2: what a connection form needs. Secrets are required only the first time;
// later an empty field means "keep the saved one" (they are never shown again).
import { z } from "zod";

const optionalUrl = (label: string) =>
  z
    .string()
    .optional()
    .transform((value) => value || undefined)
    .pipe(z.string().url(`${label} must be a full URL such as https://example.com.`).optional());

const secret = (saved: boolean, message: string) =>
  saved
    ? z
        .string()
        .optional()
        .transform((value) => value || undefined)
    : z.string({ message }).min(1, message);

export function rescueConnectionForm(saved: { password: boolean; serviceToken: boolean; defaultPassword: boolean }) {
  return z.object({
    email: z
      .string({ message: "Enter the Master Account Holder's email address." })
      .email("Enter the Master Account Holder's email address."),
    password: secret(saved.password, "Enter the Master Account Holder's Rescue password."),
    serviceToken: secret(
      saved.serviceToken,
      "Paste the service token from Admin Center › Global Settings › Active Directory Synchronization.",
    ),
    apiBaseUrl: optionalUrl("The Rescue API address"),
    defaultPassword: saved.defaultPassword
      ? z
          .string()
          .optional()
          .transform((value) => value || undefined)
          .pipe(z.string().min(8, "Use at least 8 characters for the default password.").optional())
      : z
          .string({ message: "Choose a default password of at least 8 characters for new technicians." })
          .min(8, "Choose a default password of at least 8 characters for new technicians."),
  });
}

const uuid = (label: string) => {
  const message = `${label} is a GUID like 7d3b3f4e-5c2a-4e1b-9a6f-2c8d1e0f4a10.`;
  return z.string({ message }).regex(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i, message);
};

export function entraConnectionForm(saved: { clientSecret: boolean }) {
  return z.object({
    directoryId: uuid("The directory (tenant) id"),
    clientId: uuid("The application (client) id"),
    clientSecret: secret(saved.clientSecret, "Paste the client secret's value (not its id)."),
    authorityHost: optionalUrl("The authority host"),
    graphBaseUrl: optionalUrl("The Graph address"),
  });
}
