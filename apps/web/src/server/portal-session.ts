// Server-side access to the API as the signed-in portal user. Pages, actions and route handlers
// call these; the browser never holds an API token.

import { headers } from "next/headers";
import { notFound, redirect } from "next/navigation";
import { getServerSession } from "next-auth";
import { PortalAuthApi, PortalUserApi, type TenantApi } from "../api/api-client";
import { ApiError } from "../api/api-error";
import type { TenantMembership } from "../api/api-types";
import { buildAuthOptions } from "../auth/auth-options";
import { RETURN_PATH_HEADER, signInPathFor } from "../auth/return-path";
import { loadWebEnv } from "../env";
import { clientAddressOf } from "./client-address";

function apiOptions() {
  const env = loadWebEnv();
  return { baseUrl: env.API_URL, tokenSecret: env.API_TOKEN_SECRET };
}

/** The auth endpoints, on behalf of the browser of the current request (its address paces sign-in guesses). */
export async function portalAuthApi(): Promise<PortalAuthApi> {
  return new PortalAuthApi(apiOptions(), clientAddressOf(await headers()));
}

/** The signed-in user's id, or null. */
export async function currentPortalUserId(): Promise<string | null> {
  const session = await getServerSession(buildAuthOptions());
  return session?.user?.id || null;
}

/**
 * To sign-in, coming back afterwards to the page the person was on (for a server action: the page whose form they
 * sent), so an ended session loses neither the page nor what they typed (form-draft.ts).
 */
export async function redirectToSignIn(): Promise<never> {
  redirect(signInPathFor((await headers()).get(RETURN_PATH_HEADER)));
}

/** The API as the signed-in user; sends anyone else to the sign-in page (and back here afterwards). */
export async function requirePortalUserApi(): Promise<PortalUserApi> {
  const userId = await currentPortalUserId();
  if (!userId) return redirectToSignIn();
  return new PortalUserApi(apiOptions(), userId);
}

/** The tenant's API for the signed-in user (404 from the API for tenants they don't belong to). */
export async function requireTenantApi(tenantId: string): Promise<TenantApi> {
  return (await requirePortalUserApi()).tenant(tenantId);
}

/** The user's tenants; an ended account (401) goes back to sign-in. */
export async function requireMemberships(): Promise<{ tenants: TenantMembership[]; email: string }> {
  const api = await requirePortalUserApi();
  try {
    const me = await api.me();
    return { tenants: me.tenants, email: me.user.email };
  } catch (error) {
    if (error instanceof ApiError && error.status === 401) await redirectToSignIn();
    throw error;
  }
}

/**
 * A page's own resource: a missing one, another tenant's (the API answers both 404) or a malformed id (400)
 * renders the 404 page rather than an error.
 */
export async function foundOrNotFound<T>(call: Promise<T>): Promise<T> {
  try {
    return await call;
  } catch (error) {
    if (error instanceof ApiError && (error.status === 404 || error.status === 400)) notFound();
    throw error;
  }
}
