// next-auth: email + password through the API's /v1/auth/login (which hashes and rate-limits), and
// "Sign in with Microsoft" when AZURE_AD_* are set. The session (a JWT cookie) holds only the portal
// user's id; API tokens are minted per request on the server.
import type { NextAuthOptions } from "next-auth";
import AzureADProvider from "next-auth/providers/azure-ad";
import CredentialsProvider from "next-auth/providers/credentials";
import { PortalAuthApi } from "../api/api-client";
import { ApiError } from "../api/api-error";
import { loadWebEnv, microsoftSignIn, type WebEnv } from "../env";
import { ZSignInForm } from "../forms/account-forms";

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
  const authApi = new PortalAuthApi({ baseUrl: env.API_URL, tokenSecret: env.API_TOKEN_SECRET });
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
        async authorize(credentials) {
          const parsed = ZSignInForm.safeParse(credentials ?? {});
          if (!parsed.success) throw new Error(parsed.error.issues[0]?.message ?? "Enter your email and password.");
          try {
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
      async jwt({ token, user, account, profile }) {
        if (account?.provider === "azure-ad") {
          const claims = (profile ?? {}) as {
            oid?: string;
            email?: string;
            preferred_username?: string;
            name?: string;
          };
          const email = claims.email ?? claims.preferred_username ?? token.email ?? "";
          const { user: portalUser } = await authApi.microsoft({
            entraObjectId: claims.oid ?? account.providerAccountId,
            email,
            name: claims.name ?? undefined,
          });
          token.portalUserId = portalUser.id;
        } else if (user) {
          token.portalUserId = user.id;
        }
        return token;
      },
      session({ session, token }) {
        session.user = { id: token.portalUserId ?? "", email: token.email, name: token.name };
        return session;
      },
    },
  };
}

/** Whether the sign-in page offers "Sign in with Microsoft". */
export function microsoftSignInEnabled(env: WebEnv = loadWebEnv()): boolean {
  return microsoftSignIn(env) !== null;
}
