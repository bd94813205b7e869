// Full or incremental: an incremental run reads only what Graph's delta says changed since the tenant's stored delta
// links. It runs full instead whenever it cannot be sure of the picture: no link stored yet, a link taken for another
// configuration (the mappings, a filter or the guest setting changed: delta cannot say who that brings in or leaves
// out), a full reconcile due (tenants.full_reconcile_minutes since the last full real run that applied), or Graph
// saying the link expired. The reason is recorded on the run ("full: delta link expired").
import type { Prisma, PrismaClient } from "@techsync/db";
import type { DeltaCursor, EntraDirectorySource } from "@techsync/entra";
import { notifyRunEvent } from "@techsync/runs";
import type { DirectorySnapshot, GroupMapping } from "@techsync/sync-core";

export type RunMode =
  | { kind: "full"; reason: string }
  | {
      kind: "incremental";
      reason: string;
      users: ReadonlySet<string>;
      directory: DirectorySnapshot;
      cursors: DeltaCursor[];
    };

type RunRow = Pick<Prisma.SyncRunModel, "id" | "tenantId" | "mode" | "dryRun" | "proposal"> &
  Partial<Pick<Prisma.SyncRunModel, "subjectEntraUserId">>;

export async function chooseRunMode(
  deps: { prisma: PrismaClient; directory: Pick<EntraDirectorySource, "readChanges"> },
  run: RunRow,
  input: { mappings: readonly GroupMapping[]; configFingerprint: string },
): Promise<RunMode> {
  const { prisma } = deps;
  // A run of one user reads the mapped groups as a full run does, but is no reconcile: it takes and stores no links.
  if (run.subjectEntraUserId) return { kind: "full", reason: "one user: the mapped groups read in full" };
  if (run.mode === "full") return { kind: "full", reason: "full: a full run was asked for" };
  if (run.dryRun || run.proposal !== null) return { kind: "full", reason: "full: a preview reads everything" };
  const [tenant, states, lastFull] = await Promise.all([
    prisma.tenant.findUniqueOrThrow({ where: { id: run.tenantId }, select: { fullReconcileMinutes: true } }),
    prisma.deltaState.findMany({ where: { tenantId: run.tenantId } }),
    prisma.syncRun.findFirst({
      where: {
        tenantId: run.tenantId,
        mode: "full",
        dryRun: false,
        // A run of one user is no reconcile of the tenant.
        subjectEntraUserId: null,
        status: { in: ["succeeded", "partial"] },
      },
      orderBy: { finishedAt: "desc" },
      select: { finishedAt: true },
    }),
  ]);
  if (states.length === 0) return { kind: "full", reason: "full: no delta link stored yet" };
  if (states.some((state) => state.mappingsFingerprint !== input.configFingerprint))
    return { kind: "full", reason: "full: the configuration changed since the delta links were taken" };
  const dueAt = lastFull?.finishedAt ? lastFull.finishedAt.getTime() + tenant.fullReconcileMinutes * 60_000 : 0;
  if (Date.now() >= dueAt) return { kind: "full", reason: "full: the periodic full reconcile is due" };
  const changes = await deps.directory.readChanges({
    mappings: input.mappings,
    cursors: states.map((state) => ({ scope: state.scope, deltaLink: state.deltaLink })),
  });
  if (changes.kind === "full") return { kind: "full", reason: `full: ${changes.reason}` };
  return {
    kind: "incremental",
    reason: `incremental: ${changes.users.size} changed ${changes.users.size === 1 ? "user" : "users"}`,
    users: changes.users,
    directory: changes.directory,
    cursors: changes.cursors,
  };
}

/** The run row says which it was and why (owner-guarded: a worker that lost the lease writes nothing). */
export async function recordRunMode(
  prisma: PrismaClient,
  run: Pick<Prisma.SyncRunModel, "id" | "tenantId">,
  owner: string,
  mode: RunMode,
): Promise<void> {
  await prisma.$transaction(async (tx) => {
    const updated = await tx.syncRun.updateMany({
      where: { id: run.id, leaseOwner: owner },
      data: { mode: mode.kind, modeReason: mode.reason },
    });
    if (updated.count > 0) await notifyRunEvent(tx, { runId: run.id, tenantId: run.tenantId, change: "status" });
  });
}

/**
 * After the run applied: the links the next incremental run starts from, with the configuration they are for.
 * Stored only now, so a run that crashed or stopped before replays the same round (rule 12 makes that harmless).
 */
export async function storeDeltaCursors(
  prisma: PrismaClient,
  tenantId: string,
  cursors: readonly DeltaCursor[],
  configFingerprint: string,
): Promise<void> {
  await prisma.$transaction([
    prisma.deltaState.deleteMany({ where: { tenantId, scope: { notIn: cursors.map((cursor) => cursor.scope) } } }),
    ...cursors.map((cursor) =>
      prisma.deltaState.upsert({
        where: { tenantId_scope: { tenantId, scope: cursor.scope } },
        create: { tenantId, scope: cursor.scope, deltaLink: cursor.deltaLink, mappingsFingerprint: configFingerprint },
        update: { deltaLink: cursor.deltaLink, mappingsFingerprint: configFingerprint },
      }),
    ),
  ]);
}
