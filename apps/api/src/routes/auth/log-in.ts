import { verify } from "@node-rs/argon2";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { z } from "zod";
import type { ApiDeps } from "../../api-deps";
import { AppError } from "../../errors";
import { AUTHENTICATED_ERRORS } from "../common.types";
import { portalUserView, ZLogInBody, ZUserReply } from "./auth.types";

/** Guessing passwords is paced per email and caller, on top of the global per-IP limit. */
const LOGIN_ATTEMPTS_PER_WINDOW = 10;

export async function logIn(
  deps: Pick<ApiDeps, "prisma">,
  body: z.infer<typeof ZLogInBody>,
): Promise<z.infer<typeof ZUserReply>> {
  const invalid = new AppError("invalid_credentials", "email or password: they do not match a portal user.");
  const user = await deps.prisma.portalUser.findUnique({ where: { email: body.email } });
  if (!user?.passwordHash) throw invalid;
  if (!(await verify(user.passwordHash, body.password))) throw invalid;
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
      config: {
        access: { principal: "portal_service" },
        rateLimit: {
          max: LOGIN_ATTEMPTS_PER_WINDOW,
          timeWindow: "15 minutes",
          hook: "preHandler",
          keyGenerator: (request) => `login:${request.ip}:${(request.body as { email?: string }).email}`,
        },
      },
    },
    (request) => logIn(deps, request.body),
  );
};
