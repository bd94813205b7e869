"use server";
import { revalidatePath } from "next/cache";
import { cookies } from "next/headers";
import type { Role } from "../../../../src/api/api-types";
import {
  MICROSOFT_LINK_COOKIE,
  MICROSOFT_LINK_SECONDS,
  signMicrosoftLinkIntent,
} from "../../../../src/auth/microsoft-link";
import { loadWebEnv } from "../../../../src/env";
import { type FormState, fieldErrorsOfZod, formStateOfError } from "../../../../src/forms/form-state";
import { ZApiKeyForm, ZInvitationForm, ZTenantSettingsForm } from "../../../../src/forms/settings-forms";
import { invitationLinkMessage } from "../../../../src/members/invitation-words";
import { currentPortalUserId, redirectToSignIn, requireTenantApi } from "../../../../src/server/portal-session";

// The API names nested fields with dots; the form's fields are flat.
const settingsFieldNames = {
  "safetyThreshold.percent": "thresholdPercent",
  "safetyThreshold.minimum": "thresholdMinimum",
};

export async function saveSettings(tenantId: string, _previous: FormState, formData: FormData): Promise<FormState> {
  const text = (name: string) => String(formData.get(name) ?? "").trim();
  const parsed = ZTenantSettingsForm.safeParse({
    name: text("name"),
    scheduleIntervalMinutes: text("scheduleIntervalMinutes"),
    paused: formData.get("paused") === "on",
    sandboxMode: formData.get("sandboxMode") === "on",
    includeGuests: formData.get("includeGuests") === "on",
    ssoIdFromEntra: formData.get("ssoIdFromEntra") === "on",
    thresholdPercent: text("thresholdPercent"),
    thresholdMinimum: text("thresholdMinimum"),
    defaultPassword: String(formData.get("defaultPassword") ?? ""),
    attributeMapping: text("attributeMapping"),
  });
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOfZod(parsed.error) };
  const form = parsed.data;
  try {
    await (await requireTenantApi(tenantId)).updateSettings({
      name: form.name,
      scheduleIntervalMinutes: form.scheduleIntervalMinutes,
      paused: form.paused,
      sandboxMode: form.sandboxMode,
      includeGuests: form.includeGuests,
      ssoIdSource: form.ssoIdFromEntra ? "entra" : "rescue",
      safetyThreshold: { percent: form.thresholdPercent, minimum: form.thresholdMinimum },
      ...(form.attributeMapping ? { attributeMapping: form.attributeMapping } : {}),
      ...(form.defaultPassword ? { defaultPassword: form.defaultPassword } : {}),
    });
  } catch (error) {
    return formStateOfError(error, settingsFieldNames);
  }
  revalidatePath(`/t/${tenantId}`, "layout");
  return { ok: true, message: `Settings saved.${await sandboxLeftBehind(tenantId, form.sandboxMode)}` };
}

/**
 * With sandbox mode off, nothing reaches the emulators any more (the API refuses the sandbox destination): a
 * connection still set to the sandbox stops runs until a real one is connected, which the person is told here.
 */
async function sandboxLeftBehind(tenantId: string, sandboxMode: boolean): Promise<string> {
  if (sandboxMode) return "";
  const api = await requireTenantApi(tenantId);
  const [rescue, entra] = await Promise.all([
    api.rescueConnection().catch(() => null),
    api.entraConnection().catch(() => null),
  ]);
  const left = [rescue?.region === "sandbox" ? "Rescue" : null, entra?.cloud === "sandbox" ? "Entra ID" : null].filter(
    Boolean,
  );
  if (left.length === 0) return "";
  return ` Sandbox mode is off, so TechSync no longer connects to the sandbox: connect your real ${left.join(" and ")} in Setup before the next run (until then runs stop without changing anything).`;
}

export interface CreatedInvitationState extends FormState {
  /** The invitation link: shown this once, never again. */
  link?: string;
}

/** Invites a person; nothing changes for them until they open the link and accept. */
export async function invite(
  tenantId: string,
  _previous: CreatedInvitationState,
  formData: FormData,
): Promise<CreatedInvitationState> {
  const parsed = ZInvitationForm.safeParse({
    email: String(formData.get("email") ?? "").trim(),
    role: formData.get("role"),
  });
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOfZod(parsed.error) };
  try {
    const { invitation, link } = await (await requireTenantApi(tenantId)).invite(parsed.data.email, parsed.data.role);
    revalidatePath(`/t/${tenantId}/settings`);
    return { ok: true, link, message: invitationLinkMessage(invitation.email, invitation.expiresAt) };
  } catch (error) {
    return formStateOfError(error);
  }
}

export async function revokeInvitation(tenantId: string, invitationId: string): Promise<FormState> {
  try {
    await (await requireTenantApi(tenantId)).revokeInvitation(invitationId);
  } catch (error) {
    return formStateOfError(error);
  }
  revalidatePath(`/t/${tenantId}/settings`);
  return { ok: true, message: "Invitation revoked: its link no longer works." };
}

export async function changeMemberRole(tenantId: string, userId: string, role: Role): Promise<FormState> {
  try {
    await (await requireTenantApi(tenantId)).changeMemberRole(userId, role);
  } catch (error) {
    return formStateOfError(error);
  }
  revalidatePath(`/t/${tenantId}/settings`);
  return { ok: true, message: `Role changed to ${role}.` };
}

export async function removeMember(tenantId: string, userId: string): Promise<FormState> {
  try {
    await (await requireTenantApi(tenantId)).removeMember(userId);
  } catch (error) {
    return formStateOfError(error);
  }
  revalidatePath(`/t/${tenantId}/settings`);
  return { ok: true, message: "Member removed." };
}

export interface CreatedKeyState extends FormState {
  /** The key's full value: shown this once, never again. */
  key?: string;
}

export async function createApiKey(tenantId: string, _previous: CreatedKeyState, formData: FormData) {
  const parsed = ZApiKeyForm.safeParse({
    name: String(formData.get("name") ?? "").trim(),
    scopes: formData.getAll("scopes").map(String),
  });
  if (!parsed.success) return { ok: false, fieldErrors: fieldErrorsOfZod(parsed.error) } satisfies CreatedKeyState;
  try {
    const { key } = await (await requireTenantApi(tenantId)).createApiKey(parsed.data.name, parsed.data.scopes);
    revalidatePath(`/t/${tenantId}/settings`);
    return { ok: true, key, message: "Copy the key now: it will not be shown again." } satisfies CreatedKeyState;
  } catch (error) {
    return formStateOfError(error) as CreatedKeyState;
  }
}

export async function revokeApiKey(tenantId: string, keyId: string): Promise<FormState> {
  try {
    await (await requireTenantApi(tenantId)).revokeApiKey(keyId);
  } catch (error) {
    return formStateOfError(error);
  }
  revalidatePath(`/t/${tenantId}/settings`);
  return { ok: true, message: "Key revoked: it no longer works." };
}

/** Leaves the signed-in user's intent to link the Microsoft account they sign in with next (microsoft-link.ts). */
export async function startMicrosoftLink(): Promise<void> {
  const userId = await currentPortalUserId();
  if (!userId) return redirectToSignIn();
  const env = loadWebEnv();
  (await cookies()).set(MICROSOFT_LINK_COOKIE, await signMicrosoftLinkIntent(env.NEXTAUTH_SECRET, userId), {
    httpOnly: true,
    sameSite: "lax",
    secure: env.NEXTAUTH_URL.startsWith("https:"),
    path: "/api/auth",
    maxAge: MICROSOFT_LINK_SECONDS,
  });
}
