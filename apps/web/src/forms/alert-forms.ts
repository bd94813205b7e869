// The alerts page's forms, checked before the API is asked: an email address or an https webhook address, and the
// events from the list. Messages in plain words.
import { ALERT_EVENT_KINDS, type AlertEventKind } from "@techsync/api-contract";
import { z } from "zod";

const ZEvents = z
  .array(z.string())
  .transform((events) => ALERT_EVENT_KINDS.filter((kind) => events.includes(kind)) as AlertEventKind[]);

export const ZAlertRecipientForm = z.object({
  email: z.string().trim().min(1, "Enter an email address.").email("Enter a valid email address."),
  events: ZEvents.refine((events) => events.length > 0, "Choose at least one event."),
});

export const ZAlertWebhookForm = z.object({
  url: z
    .string()
    .trim()
    .min(1, "Enter the webhook's address.")
    .refine((value) => URL.canParse(value), "Enter the full address, starting with https://."),
  events: ZEvents.refine((events) => events.length > 0, "Choose at least one event."),
});

export const ZOwnerAlertsForm = z.object({ events: ZEvents });
