// /_emulator/...: what tests and demos change behind the directory's back (membership, user state,
// consent, faults). Not part of Graph; unauthenticated because the emulator only serves local clients.
import { randomUUID } from "node:crypto";
import type { FastifyInstance, FastifyReply } from "fastify";
import { z } from "zod";
import type { EmulatedTenant } from "./emulated-tenant";
import type { GraphFaults } from "./fault-injection";
import { generateDirectory } from "./generate-directory";
import type { GraphEmulatorAdmin } from "./graph-emulator-admin";

const ZUserChanges = z
  .object({
    displayName: z.string().min(1),
    givenName: z.string().nullable(),
    surname: z.string().nullable(),
    mail: z.string().nullable(),
    userPrincipalName: z.string().min(3),
    accountEnabled: z.boolean(),
    userType: z.enum(["Member", "Guest"]),
    otherMails: z.array(z.string().min(3)).max(20),
    department: z.string().nullable(),
    jobTitle: z.string().nullable(),
    companyName: z.string().nullable(),
    officeLocation: z.string().nullable(),
    employeeId: z.string().nullable(),
  })
  .partial()
  .strict();
const ZNewUser = ZUserChanges.extend({
  id: z.string().optional(),
  displayName: z.string().min(1),
  userPrincipalName: z.string().min(3),
});
const ZNewDirectoryObject = z.discriminatedUnion("kind", [
  z.strictObject({
    kind: z.literal("orgContact"),
    id: z.string().optional(),
    displayName: z.string().min(1),
    mail: z.string().nullable().optional(),
    givenName: z.string().nullable().optional(),
    surname: z.string().nullable().optional(),
    companyName: z.string().nullable().optional(),
    department: z.string().nullable().optional(),
    jobTitle: z.string().nullable().optional(),
    mailNickname: z.string().nullable().optional(),
  }),
  z.strictObject({
    kind: z.literal("device"),
    id: z.string().optional(),
    displayName: z.string().min(1),
    accountEnabled: z.boolean().optional(),
    deviceId: z.string().optional(),
    operatingSystem: z.string().nullable().optional(),
    operatingSystemVersion: z.string().nullable().optional(),
    trustType: z.string().nullable().optional(),
  }),
  z.strictObject({
    kind: z.literal("servicePrincipal"),
    id: z.string().optional(),
    displayName: z.string().min(1),
    accountEnabled: z.boolean().optional(),
    appId: z.string().optional(),
    servicePrincipalType: z.string().optional(),
  }),
]);
const ZRoles = z.object({ roles: z.array(z.string()) });
const ZSecret = z.object({
  value: z.string().min(3),
  expiresAt: z.iso.datetime({ offset: true }),
  displayName: z.string().optional(),
  startDateTime: z.iso.datetime({ offset: true }).optional(),
});
const ZMember = z.object({ memberId: z.string().min(1) });
const ZFaults = z
  .object({
    latencyMs: z.number().int().min(0).max(60_000),
    throttle: z
      .object({
        limit: z.number().int().min(0),
        windowMs: z.number().int().positive().optional(),
        retryAfterSeconds: z.number().int().min(0).max(180).optional(),
        retryAfterAs: z.enum(["seconds", "date"]).optional(),
      })
      .nullable(),
    unavailable: z
      .object({
        count: z.number().int().min(0),
        status: z.union([z.literal(503), z.literal(504)]).optional(),
        retryAfterSeconds: z.number().int().min(0).optional(),
      })
      .nullable(),
    deltaTokenTtlMs: z.number().int().min(0).nullable(),
    deltaExpiry: z.enum(["syncStateNotFound", "gone"]),
  })
  .partial()
  .strict();

const ZDelivery = z
  .object({
    delayMs: z.number().int().min(0).max(600_000),
    duplicate: z.boolean(),
    dropNext: z.number().int().min(0),
    reorder: z.boolean(),
    retryBaseMs: z.number().int().min(1).max(3_600_000),
    maxAttempts: z.number().int().min(1).max(50),
  })
  .partial()
  .strict();

const ZGenerate = z
  .object({
    seed: z.number().int().optional(),
    tenantId: z.string().min(1).optional(),
    domain: z.string().min(3).optional(),
    users: z.number().int().min(0).max(200_000),
    groups: z.number().int().min(0).max(5_000),
    nestingDepth: z.number().int().min(0).max(20).optional(),
    overlapRatio: z.number().min(0).max(1).optional(),
    disabledRatio: z.number().min(0).max(1).optional(),
    withoutMailRatio: z.number().min(0).max(1).optional(),
    guestRatio: z.number().min(0).max(1).optional(),
    guestWithoutMailRatio: z.number().min(0).max(1).optional(),
    contactsPerGroup: z.number().int().min(0).max(100_000).optional(),
    devicesPerGroup: z.number().int().min(0).max(100_000).optional(),
    servicePrincipalsPerGroup: z.number().int().min(0).max(100_000).optional(),
    apps: z
      .array(
        z.object({
          clientId: z.string().min(1),
          displayName: z.string(),
          secrets: z.array(z.object({ id: z.string(), value: z.string(), expiresAt: z.string() })),
          roles: z.array(z.string()),
        }),
      )
      .optional(),
  })
  .strict();

function notFound(reply: FastifyReply, what: string) {
  return reply.code(404).send({ error: { code: "NotFound", message: `${what} not found` } });
}

function invalid(reply: FastifyReply, error: z.ZodError) {
  return reply.code(400).send({ error: { code: "BadRequest", message: z.prettifyError(error) } });
}

export function registerAdminRoutes(app: FastifyInstance, admin: GraphEmulatorAdmin) {
  app.register(
    async (routes) => {
      routes.get("/state", async () => admin.describe());
      routes.get("/stats", async () => admin.stats);
      routes.post("/stats/reset", async () => {
        admin.resetStats();
        return admin.stats;
      });
      routes.post("/reset", async () => {
        admin.reset();
        return admin.describe();
      });
      routes.post("/tenants/generate", async (request, reply) => {
        const parsed = ZGenerate.safeParse(request.body ?? {});
        if (!parsed.success) return invalid(reply, parsed.error);
        const tenant = admin.addTenant(generateDirectory(parsed.data));
        return reply.code(201).send({
          tenantId: tenant.tenantId,
          domain: tenant.domain,
          users: tenant.users.size,
          groups: [...tenant.groups.keys()],
        });
      });
      routes.put("/faults", async (request, reply) => {
        const parsed = ZFaults.safeParse(request.body ?? {});
        if (!parsed.success) return invalid(reply, parsed.error);
        admin.setFaults(parsed.data as GraphFaults);
        return admin.faults;
      });
      routes.post("/signing-key/rotate", async () => {
        await admin.rotateSigningKey();
        return { rotated: true };
      });
      routes.get("/subscriptions", async () => ({
        subscriptions: admin.subscriptions.all(),
        delivery: admin.subscriptions.stats,
      }));
      routes.put("/subscriptions/delivery", async (request, reply) => {
        const parsed = ZDelivery.safeParse(request.body ?? {});
        if (!parsed.success) return invalid(reply, parsed.error);
        admin.setDelivery(parsed.data);
        return admin.subscriptions.settings;
      });
      routes.post("/subscriptions/:id/lifecycle", async (request, reply) => {
        const { id } = request.params as { id: string };
        const parsed = z
          .object({ lifecycleEvent: z.enum(["reauthorizationRequired", "subscriptionRemoved", "missed"]) })
          .safeParse(request.body ?? {});
        if (!parsed.success) return invalid(reply, parsed.error);
        if (!admin.sendLifecycleEvent(id, parsed.data.lifecycleEvent))
          return notFound(reply, `subscription ${id} with a lifecycle URL`);
        return reply.code(202).send({ sent: parsed.data.lifecycleEvent });
      });
      routes.post("/delta/expire", async () => {
        admin.expireDeltaTokens();
        return { expired: true };
      });

      const withTenant =
        <P extends { tenantId: string }>(
          handler: (tenant: EmulatedTenant, params: P, body: unknown, reply: FastifyReply) => unknown,
        ) =>
        async (request: { params: unknown; body: unknown }, reply: FastifyReply) => {
          const params = request.params as P;
          const tenant = admin.tenant(params.tenantId);
          if (!tenant) return notFound(reply, `tenant ${params.tenantId}`);
          return handler(tenant, params, request.body, reply);
        };

      routes.post(
        "/tenants/:tenantId/users",
        withTenant((tenant, _params, body, reply) => {
          const parsed = ZNewUser.safeParse(body ?? {});
          if (!parsed.success) return invalid(reply, parsed.error);
          return reply.code(201).send(tenant.addUser(parsed.data));
        }),
      );
      routes.post(
        "/tenants/:tenantId/directoryObjects",
        withTenant((tenant, _params, body, reply) => {
          const parsed = ZNewDirectoryObject.safeParse(body ?? {});
          if (!parsed.success) return invalid(reply, parsed.error);
          return reply.code(201).send(tenant.addDirectoryObject(parsed.data));
        }),
      );
      routes.patch(
        "/tenants/:tenantId/users/:userId",
        withTenant<{ tenantId: string; userId: string }>((tenant, params, body, reply) => {
          const parsed = ZUserChanges.safeParse(body ?? {});
          if (!parsed.success) return invalid(reply, parsed.error);
          return tenant.updateUser(params.userId, parsed.data) ?? notFound(reply, `user ${params.userId}`);
        }),
      );
      for (const action of ["delete", "restore", "purge"] as const) {
        routes.post(
          `/tenants/:tenantId/users/:userId/${action}`,
          withTenant<{ tenantId: string; userId: string }>((tenant, params, _body, reply) => {
            const user =
              action === "delete"
                ? tenant.softDeleteUser(params.userId)
                : action === "restore"
                  ? tenant.restoreUser(params.userId)
                  : tenant.purgeUser(params.userId);
            return user ?? notFound(reply, `user ${params.userId}`);
          }),
        );
      }
      routes.post(
        "/tenants/:tenantId/groups",
        withTenant((tenant, _params, body, reply) => {
          const parsed = z
            .object({ displayName: z.string().min(1), description: z.string().nullable().optional() })
            .safeParse(body ?? {});
          if (!parsed.success) return invalid(reply, parsed.error);
          const group = tenant.addGroup({
            displayName: parsed.data.displayName,
            ...(parsed.data.description !== undefined ? { description: parsed.data.description } : {}),
          });
          return reply.code(201).send({ ...group, members: [] });
        }),
      );
      routes.patch(
        "/tenants/:tenantId/groups/:groupId",
        withTenant<{ tenantId: string; groupId: string }>((tenant, params, body, reply) => {
          const parsed = z
            .object({ displayName: z.string().min(1), description: z.string().nullable() })
            .partial()
            .safeParse(body ?? {});
          if (!parsed.success) return invalid(reply, parsed.error);
          const group = tenant.updateGroup(params.groupId, parsed.data);
          return group ? { ...group, members: [...group.members] } : notFound(reply, `group ${params.groupId}`);
        }),
      );
      routes.post(
        "/tenants/:tenantId/groups/:groupId/members",
        withTenant<{ tenantId: string; groupId: string }>((tenant, params, body, reply) => {
          const parsed = ZMember.safeParse(body ?? {});
          if (!parsed.success) return invalid(reply, parsed.error);
          if (!tenant.groups.has(params.groupId)) return notFound(reply, `group ${params.groupId}`);
          return { added: tenant.addMember(params.groupId, parsed.data.memberId) };
        }),
      );
      routes.delete(
        "/tenants/:tenantId/groups/:groupId/members/:memberId",
        withTenant<{ tenantId: string; groupId: string; memberId: string }>((tenant, params, _body, reply) => {
          if (!tenant.groups.has(params.groupId)) return notFound(reply, `group ${params.groupId}`);
          return { removed: tenant.removeMember(params.groupId, params.memberId) };
        }),
      );
      routes.put(
        "/tenants/:tenantId/apps/:clientId/roles",
        withTenant<{ tenantId: string; clientId: string }>((tenant, params, body, reply) => {
          const parsed = ZRoles.safeParse(body ?? {});
          if (!parsed.success) return invalid(reply, parsed.error);
          return tenant.setAppRoles(params.clientId, parsed.data.roles) ?? notFound(reply, `app ${params.clientId}`);
        }),
      );
      routes.post(
        "/tenants/:tenantId/apps/:clientId/secrets",
        withTenant<{ tenantId: string; clientId: string }>((tenant, params, body, reply) => {
          const parsed = ZSecret.safeParse(body ?? {});
          if (!parsed.success) return invalid(reply, parsed.error);
          const id = randomUUID();
          const app = tenant.addAppSecret(params.clientId, { id, ...parsed.data });
          if (!app) return notFound(reply, `app ${params.clientId}`);
          return { keyId: id, hint: parsed.data.value.slice(0, 3), endDateTime: parsed.data.expiresAt };
        }),
      );
    },
    { prefix: "/_emulator" },
  );
}
