"use server";
// The alerts page's server actions: each asks the API (the only writer of configuration) and answers in words.
import { revalidatePath } from "next/cache";
import { ZAlertRecipientForm, ZAlertWebhookForm, ZOwnerAlertsForm } from "../../../../src/forms/alert-forms";
import { type FormState, fieldErrorsOfZod, formStateOfError } from "../../../../src/forms/form-state";
import { requireTenantApi } from "../../../../src/server/portal-session";

export interface CreatedWebhookState extends FormState {
  /** The signing secret: shown this once, never again. */
  secret?: string;
}

const pageOf = (tenantId: string) => `/t/${tenantId}/alerts`;

export async function saveOwnerAlerts(tenantId: string, _previous: FormState, formData: FormData): Promise<FormState> {
  const parsed = ZOwnerAlertsForm.parse({ events: formData.getAll("events").map(String) });
  try {
    await (await requireTenantApi(tenantId)).setOwnerAlertEvents(parsed.events);
  } catch (error) {
    return formStateOfError(error);
  }
  revalidatePath(pageOf(tenantId));
  return { ok: true, message: "Saved: the owners get the chosen alerts." };
}

export async function addAlertRecipient(
  tenantId: string,
  _previous: FormState,
  formData: FormData,
): Promise<FormState> {
  const parsed = ZAlertRecipientForm.safeParse({
    email: String(formData.get("email") ?? ""),
    events: formData.getAll("events").map(String),
  });
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOfZod(parsed.error) };
  try {
    await (await requireTenantApi(tenantId)).addAlertRecipient(parsed.data.email, parsed.data.events);
  } catch (error) {
    return formStateOfError(error);
  }
  revalidatePath(pageOf(tenantId));
  return { ok: true, message: `${parsed.data.email} now gets the chosen alerts.` };
}

export async function removeAlertRecipient(tenantId: string, recipientId: string): Promise<FormState> {
  try {
    await (await requireTenantApi(tenantId)).removeAlertRecipient(recipientId);
  } catch (error) {
    return formStateOfError(error);
  }
  revalidatePath(pageOf(tenantId));
  return { ok: true, message: "Removed: that address gets no more alerts." };
}

export async function createAlertWebhook(
  tenantId: string,
  _previous: CreatedWebhookState,
  formData: FormData,
): Promise<CreatedWebhookState> {
  const parsed = ZAlertWebhookForm.safeParse({
    url: String(formData.get("url") ?? ""),
    events: formData.getAll("events").map(String),
  });
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOfZod(parsed.error) };
  try {
    const { signingSecret } = await (await requireTenantApi(tenantId)).createAlertWebhook(
      parsed.data.url,
      parsed.data.events,
    );
    revalidatePath(pageOf(tenantId));
    return {
      ok: true,
      secret: signingSecret,
      message:
        "Copy the signing secret now: your endpoint checks each alert's signature with it. It is not shown again.",
    };
  } catch (error) {
    return formStateOfError(error) as CreatedWebhookState;
  }
}

export async function removeAlertWebhook(tenantId: string, webhookId: string): Promise<FormState> {
  try {
    await (await requireTenantApi(tenantId)).removeAlertWebhook(webhookId);
  } catch (error) {
    return formStateOfError(error);
  }
  revalidatePath(pageOf(tenantId));
  return { ok: true, message: "Webhook removed." };
}

export async function sendTestAlert(tenantId: string, webhookId: string): Promise<FormState> {
  try {
    await (await requireTenantApi(tenantId)).sendTestAlert(webhookId);
  } catch (error) {
    return formStateOfError(error);
  }
  revalidatePath(pageOf(tenantId));
  return { ok: true, message: "Test alert sent: its attempts appear in the delivery log below (reload to see them)." };
}
