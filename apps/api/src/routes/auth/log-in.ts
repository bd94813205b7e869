import { hash, verify } from "@node-rs/argon2";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { assertSignInAllowed, recordSignInFailure, recordSignInSuccess } from "../../auth/auth-limits";
import { AppError } from "../../errors";
import { AUTHENTICATED_ERRORS } from "../common.types";
import { portalUserView, ZLogInBody, ZUserReply } from "./auth.types";

/** Verified against when the email has no password, so an unknown email costs the same time as a wrong password. */
const UNKNOWN_USER_HASH = hash("a password no portal user has, to spend the time of a verification");

/**
 * Checks a password, paced per account and client address (auth/auth-limits.ts): guesses from one address
 * slow that address down, not the account's owner elsewhere.
 */
export async function logIn(
  deps: Pick<ApiDeps, "prisma" | "attemptCounter">,
  body: z.infer<typeof ZLogInBody>,
  clientAddress: string,
): Promise<z.infer<typeof ZUserReply>> {
  const attempt = { email: body.email, clientAddress };
  await assertSignInAllowed(deps.attemptCounter, attempt);
  const user = await deps.prisma.portalUser.findUnique({ where: { email: body.email } });
  const matches = await verify(user?.passwordHash ?? (await UNKNOWN_USER_HASH), body.password);
  if (!user?.passwordHash || !matches) {
    await recordSignInFailure(deps.attemptCounter, attempt);
    throw new AppError("invalid_credentials", "email or password: they do not match a portal user.");
  }
  await recordSignInSuccess(deps.attemptCounter, attempt);
  await deps.prisma.portalUser.update({ where: { id: user.id }, data: { lastSignInAt: new Date() } });
  return { user: portalUserView(user) };
}

export const logInRoute: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/auth/login",
    {
      schema: {
        tags: ["auth"],
        summary: "Check a portal user's email and password (portal service token)",
        body: ZLogInBody,
        response: { 200: ZUserReply, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { principal: "portal_service" } },
    },
    (request) => logIn(deps, request.body, request.clientAddress),
  );
};
