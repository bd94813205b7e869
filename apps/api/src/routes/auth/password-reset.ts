// "Forgot password?": a one-time link by email, then a new password. No account enumeration: the request is
// answered alike, at once, whether an account uses the address (the mail is sent after the answer). The token is
// 32 random bytes; only its SHA-256 is stored; it expires after 30 minutes, works once, and a newer link or a
// reset replaces older ones. Requests are limited per client address and per email address.
import { createHash, randomBytes } from "node:crypto";
import { hash } from "@node-rs/argon2";
import {
  ZPasswordResetBody,
  ZPasswordResetDone,
  ZPasswordResetRequestBody,
  ZPasswordResetRequested,
} from "@techsync/api-contract";
import type { FastifyPluginAsyncZod } from "fastify-type-provider-zod";
import type { ApiDeps } from "../../api-deps";
import { RateLimitedError } from "../../auth/auth-limits";
import { passwordWeakness } from "../../auth/password-strength";
import { AppError, invalidField } from "../../errors";
import { AUTHENTICATED_ERRORS } from "../common.types";

export const RESET_LINK_MINUTES = 30;
/** Reset requests per client address per 15 minutes, and per email address per hour. */
export const RESET_REQUESTS_PER_ADDRESS = 10;
export const RESET_REQUESTS_PER_EMAIL = 3;

const ACCEPTED = {
  status: "accepted" as const,
  message:
    "If an account uses this address, we have sent it a link to set a new password. The link works once, for 30 minutes.",
};

const tokenHash = (token: string) => createHash("sha256").update(token, "utf8").digest("hex");

export const passwordResetRoutes: FastifyPluginAsyncZod<ApiDeps> = async (app, deps) => {
  app.post(
    "/v1/auth/password-reset",
    {
      schema: {
        tags: ["auth"],
        summary: "Email a one-time link to set a new password (same answer for any address; portal service token)",
        body: ZPasswordResetRequestBody,
        response: { 202: ZPasswordResetRequested, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { principal: "portal_service" } },
    },
    async (request, reply) => {
      const { email } = request.body;
      const byAddress = await deps.attemptCounter.fail(`reset:${request.clientAddress}`, 15 * 60_000);
      const byEmail = await deps.attemptCounter.fail(`reset-email:${email}`, 60 * 60_000);
      if (byAddress.count > RESET_REQUESTS_PER_ADDRESS || byEmail.count > RESET_REQUESTS_PER_EMAIL) {
        throw new RateLimitedError("Too many requests for a new password link; try again later.", 15 * 60);
      }
      const user = await deps.prisma.portalUser.findUnique({ where: { email } });
      if (user && deps.mailer) {
        const token = randomBytes(32).toString("base64url");
        await deps.prisma.$transaction([
          deps.prisma.passwordResetToken.deleteMany({ where: { portalUserId: user.id } }),
          deps.prisma.passwordResetToken.create({
            data: {
              portalUserId: user.id,
              tokenHash: tokenHash(token),
              expiresAt: new Date(Date.now() + RESET_LINK_MINUTES * 60_000),
            },
          }),
        ]);
        const link = `${deps.portalOrigin.replace(/\/+$/, "")}/reset-password/${token}`;
        const mailer = deps.mailer;
        // After the answer: the time to answer says nothing about whether the account exists.
        setImmediate(() => {
          mailer
            .send({
              to: user.email,
              subject: "[TechSync] Set a new password",
              text: [
                "Someone (hopefully you) asked to set a new password for your TechSync account.",
                "",
                `Set a new password here: ${link}`,
                "",
                `The link works once, for ${RESET_LINK_MINUTES} minutes. If you did not ask for it, ignore this mail: your password stays as it is.`,
              ].join("\n"),
            })
            .catch((err: unknown) =>
              request.log.warn({ err: (err as Error)?.message }, "password reset mail not sent"),
            );
        });
      }
      return reply.status(202).send(ACCEPTED);
    },
  );
  app.post(
    "/v1/auth/password-reset/confirm",
    {
      schema: {
        tags: ["auth"],
        summary: "Set a new password with the emailed one-time token (portal service token)",
        body: ZPasswordResetBody,
        response: { 200: ZPasswordResetDone, ...AUTHENTICATED_ERRORS },
      },
      config: { access: { principal: "portal_service" } },
    },
    async (request) => {
      const { token, password } = request.body;
      const invalid = () =>
        new AppError(
          "bad_request",
          "This link to set a new password does not work any more: it was used, it expired, or a newer one was sent. Ask for a new link.",
        );
      const row = await deps.prisma.passwordResetToken.findUnique({
        where: { tokenHash: tokenHash(token) },
        include: { portalUser: true },
      });
      if (!row || row.usedAt || row.expiresAt <= new Date()) throw invalid();
      const weakness = passwordWeakness(password, row.portalUser.email.split(/[^\p{L}\p{N}]+/u).filter(Boolean));
      if (weakness) throw invalidField("body.password", weakness);
      const passwordHash = await hash(password);
      await deps.prisma.$transaction(async (tx) => {
        // Used once: of two requests with the same link, only one finds it unused.
        const claimed = await tx.passwordResetToken.updateMany({
          where: { id: row.id, usedAt: null },
          data: { usedAt: new Date() },
        });
        if (claimed.count !== 1) throw invalid();
        await tx.portalUser.update({ where: { id: row.portalUserId }, data: { passwordHash } });
        await tx.passwordResetToken.deleteMany({ where: { portalUserId: row.portalUserId, id: { not: row.id } } });
      });
      await deps.attemptCounter.clear(`reset-email:${row.portalUser.email}`);
      return { status: "done" as const, email: row.portalUser.email };
    },
  );
};
