// next-auth: email + password through the API's /v1/auth/login (which hashes and paces guesses per account
// and browser address), and "Sign in with Microsoft" when AZURE_AD_* are set (found by oid + tid, linked to an
// existing user only from that user's settings: microsoft-link.ts). The session (a JWT cookie) holds only the portal
// user's id; API tokens are minted per request on the server.

import { cookies } from "next/headers";
import type { NextAuthOptions } from "next-auth";
import AzureADProvider from "next-auth/providers/azure-ad";
import CredentialsProvider from "next-auth/providers/credentials";
import { PortalAuthApi, PortalUserApi } from "../api/api-client";
import { ApiError } from "../api/api-error";
import { loadWebEnv, microsoftSignIn, type WebEnv } from "../env";
import { ZSignInForm } from "../forms/account-forms";
import { clientAddressOf } from "../server/client-address";
import { MICROSOFT_LINK_COOKIE, microsoftAccountOf, microsoftLinkIntentUser } from "./microsoft-link";

declare module "next-auth" {
  interface Session {
    user: { id: string; email?: string | null; name?: string | null };
  }
}
declare module "next-auth/jwt" {
  interface JWT {
    portalUserId?: string;
  }
}

export function buildAuthOptions(env: WebEnv = loadWebEnv()): NextAuthOptions {
  const apiOptions = { baseUrl: env.API_URL, tokenSecret: env.API_TOKEN_SECRET };
  const microsoft = microsoftSignIn(env);
  return {
    secret: env.NEXTAUTH_SECRET,
    session: { strategy: "jwt", maxAge: 8 * 60 * 60 },
    pages: { signIn: "/sign-in", error: "/sign-in" },
    providers: [
      CredentialsProvider({
        id: "credentials",
        name: "Email and password",
        credentials: { email: { label: "Email", type: "email" }, password: { label: "Password", type: "password" } },
        async authorize(credentials, request) {
          const parsed = ZSignInForm.safeParse(credentials ?? {});
          if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "Enter your email and password.");
          try {
            // The browser's address paces guesses at this account from there, not the owner elsewhere.
            const authApi = new PortalAuthApi(apiOptions, clientAddressOf(request?.headers));
            const { user } = await authApi.logIn(parsed.data);
            return { id: user.id, email: user.email, name: user.name ?? null };
          } catch (error) {
            // The message reaches the sign-in page (e.g. the API's 429 "too many attempts").
            if (error instanceof ApiError && error.status === 401)
              throw new Error("That email and password don't match.");
            if (error instanceof ApiError) throw new Error(error.message);
            throw error;
          }
        },
      }),
      ...(microsoft
        ? [
            AzureADProvider({
              clientId: microsoft.clientId,
              clientSecret: microsoft.clientSecret,
              tenantId: microsoft.tenantId,
            }),
          ]
        : []),
    ],
    callbacks: {
      async signIn({ user, account, profile }) {
        if (account?.provider !== "azure-ad") return true;
        const microsoftAccount = microsoftAccountOf(profile);
        if (!microsoftAccount) return signInError("Microsoft did not say which account this is. Try again.");
        try {
          const linkFor = await pendingMicrosoftLink(env.NEXTAUTH_SECRET);
          if (linkFor) {
            const { entraObjectId, entraTenantId } = microsoftAccount;
            await new PortalUserApi(apiOptions, linkFor).linkMicrosoftAccount({ entraObjectId, entraTenantId });
            user.id = linkFor;
          } else {
            const { user: portalUser } = await new PortalAuthApi(apiOptions).microsoft(microsoftAccount);
            user.id = portalUser.id;
          }
          return true;
        } catch (error) {
          // E.g. the email belongs to a portal user this Microsoft account is not linked to.
          if (error instanceof ApiError && error.status < 500) return signInError(error.message);
          throw error;
        }
      },
      jwt({ token, user }) {
        // For Microsoft, signIn above replaced the user's id with the portal user's.
        if (user) token.portalUserId = user.id;
        return token;
      },
      session({ session, token }) {
        session.user = { id: token.portalUserId ?? "", email: token.email, name: token.name };
        return session;
      },
    },
  };
}

function signInError(message: string): string {
  return `/sign-in?error=${encodeURIComponent(message)}`;
}

/** The portal user who pressed "Link Microsoft account" in this browser, consuming the intent. */
async function pendingMicrosoftLink(secret: string): Promise<string | null> {
  let jar: Awaited<ReturnType<typeof cookies>>;
  try {
    jar = await cookies();
  } catch {
    return null; // outside a request
  }
  const userId = await microsoftLinkIntentUser(secret, jar.get(MICROSOFT_LINK_COOKIE)?.value);
  if (jar.get(MICROSOFT_LINK_COOKIE)) jar.delete(MICROSOFT_LINK_COOKIE);
  return userId;
}

/** Whether the sign-in page offers "Sign in with Microsoft". */
export function microsoftSignInEnabled(env: WebEnv = loadWebEnv()): boolean {
  return microsoftSignIn(env) !== null;
}
