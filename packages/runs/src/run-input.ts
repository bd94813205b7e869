// What a run needs from the database, as sync-core's domain types: the tenant's connections (decrypted), mappings,
// links, settings, held actions and, for an approved run, the actions the person approved. An estimate run (a dry
// run with a proposal) gets the pairs as the proposal would leave them; the saved pairs are never changed here.
import {
  loadTenantSyncConfig,
  type Prisma,
  type PrismaClient,
  type SecretBox,
  TenantNotConnectedError,
  type TenantSyncConfig,
} from "@techsync/db";
import type {
  AttributeMapping,
  GroupMapping,
  HeldAction,
  Link,
  LinkReader,
  TenantSyncSettings,
} from "@techsync/sync-core";
import { applyProposal, proposalOf } from "./apply-proposal";
import { configFingerprint } from "./config-fingerprint";
import { storedConditionsOf } from "./mapping-conditions";

/** What a person must fix before runs can work again (not a transient failure). */
export class RunSetupError extends Error {
  constructor(
    message: string,
    readonly hint: string,
  ) {
    super(message);
    this.name = "RunSetupError";
  }
}

export interface RunInput {
  /** rule 14: the fingerprint of the configuration loaded here (mappings, connections, plan settings). */
  configFingerprint: string;
  config: TenantSyncConfig & {
    entra: NonNullable<TenantSyncConfig["entra"]>;
    rescue: NonNullable<TenantSyncConfig["rescue"]>;
  };
  /** What runSync takes from the database (the worker adds retry, signal and concurrency). */
  engine: {
    tenantId: string;
    mappings: GroupMapping[];
    links: Link[];
    settings: TenantSyncSettings;
    heldActions: HeldAction[];
    /** A run of one user (provision on demand): only this user is planned and applied. */
    subjectEntraUserId?: string;
    /** An estimate run: the saved pairs, to compare the proposed ones (`mappings`) with. */
    compareWithMappings?: GroupMapping[];
    /** rule 11: set for an approved run — the ids (`kind:entraUserId`) of the actions the person approved. */
    approvedActionIds?: ReadonlySet<string>;
    defaultPassword: string;
    dryRun: boolean;
    /** rule 14: set when this configuration is not the one a person last acknowledged. */
    requireApprovalForDisables?: (disableCount: number) => string;
  };
}

/** rule 14: what a real run of a configuration nobody has seen must ask before it disables anyone. */
export function changedConfigurationReason(disableCount: number): string {
  const these = disableCount === 1 ? "this disable" : `these ${disableCount} disables`;
  return `The configuration changed since the last preview: approve to apply ${these}, or preview again.`;
}

function mappingOf(row: Prisma.GroupMappingModel): GroupMapping {
  return {
    id: row.id,
    entraGroupId: row.entraGroupId,
    entraGroupName: row.entraGroupName,
    rescueGroupId: row.rescueGroupId,
    priority: row.priority,
    transitive: row.transitive,
    filter: null,
    conditions: storedConditionsOf(row),
  };
}

/** Stored links; empty key data means "not known" (an adoption whose nick and SSO id Rescue did not show). */
function linkOf(
  row: Pick<Prisma.LinkModel, "entraUserId" | "rescueNodeId" | "name" | "nick" | "email" | "ssoId">,
): Link {
  const known = row.name !== "" || row.nick !== "" || row.email !== "" || row.ssoId !== "";
  return {
    entraUserId: row.entraUserId,
    rescueNodeId: row.rescueNodeId,
    ...(known ? { fields: { name: row.name, nick: row.nick, email: row.email, ssoId: row.ssoId } } : {}),
  };
}

const LINK_SELECT = {
  entraUserId: true,
  rescueNodeId: true,
  name: true,
  nick: true,
  email: true,
  ssoId: true,
} as const;
/** Ids per query: well under Postgres's limit on bind parameters. */
const IDS_PER_QUERY = 5000;

/** Every stored link of the tenant. */
export async function loadLinks(prisma: PrismaClient, tenantId: string): Promise<Link[]> {
  return (await prisma.link.findMany({ where: { tenantId }, select: LINK_SELECT })).map(linkOf);
}

/** The tenant's links read in part, for an incremental run (it needs those of a few users, not all). */
export function linkReader(prisma: PrismaClient, tenantId: string): LinkReader {
  const inChunks = async <T>(ids: readonly T[], read: (chunk: T[]) => Promise<Link[]>) => {
    const links: Link[] = [];
    for (let i = 0; i < ids.length; i += IDS_PER_QUERY) links.push(...(await read(ids.slice(i, i + IDS_PER_QUERY))));
    return links;
  };
  return {
    ofUsers: (entraUserIds) =>
      inChunks(entraUserIds, async (chunk) =>
        (await prisma.link.findMany({ where: { tenantId, entraUserId: { in: chunk } }, select: LINK_SELECT })).map(
          linkOf,
        ),
      ),
    ofTechnicians: (rescueNodeIds) =>
      inChunks(rescueNodeIds, async (chunk) =>
        (await prisma.link.findMany({ where: { tenantId, rescueNodeId: { in: chunk } }, select: LINK_SELECT })).map(
          linkOf,
        ),
      ),
    count: () => prisma.link.count({ where: { tenantId } }),
  };
}

/**
 * Loads the run's input; rejects with TenantNotConnectedError or RunSetupError when the tenant cannot run. With
 * `withLinks: false` the links are left out (empty): the worker loads them once it knows the run's mode.
 */
export async function loadRunInput(
  deps: { prisma: PrismaClient; secretBox: SecretBox },
  run: Pick<Prisma.SyncRunModel, "id" | "tenantId" | "dryRun" | "approvedAt"> &
    Partial<Pick<Prisma.SyncRunModel, "proposal" | "subjectEntraUserId">>,
  options: { withLinks?: boolean } = {},
): Promise<RunInput> {
  const { prisma } = deps;
  const { tenantId } = run;
  const config = await loadTenantSyncConfig(deps, tenantId);
  if (!config.entra) throw new TenantNotConnectedError(tenantId, "entra");
  if (!config.rescue) throw new TenantNotConnectedError(tenantId, "rescue");
  if (config.defaultPassword === null && !run.dryRun) throw new TenantNotConnectedError(tenantId, "defaultPassword");
  const [tenant, mappingRows, linkRows, holdRows, approvedRows] = await Promise.all([
    prisma.tenant.findUniqueOrThrow({
      where: { id: tenantId },
      include: { rescueConnection: true, entraConnection: true },
    }),
    prisma.groupMapping.findMany({ where: { tenantId }, orderBy: { priority: "asc" } }),
    options.withLinks === false ? Promise.resolve([]) : loadLinks(prisma, tenantId),
    prisma.heldAction.findMany({ where: { tenantId } }),
    // The approved plan's actions not yet applied (a resumed approved run has applied some already).
    run.approvedAt
      ? prisma.syncAction.findMany({
          where: { runId: run.id, status: "planned" },
          select: { kind: true, entraUserId: true },
        })
      : Promise.resolve([]),
  ]);
  const saved = mappingRows.map(mappingOf);
  const proposal = proposalOf(run.proposal);
  if (proposal && !run.dryRun) throw new RunSetupError("A proposed change was sent to a real run.", "Start a preview.");
  let mappings = saved;
  try {
    mappings = proposal ? applyProposal(saved, proposal) : saved;
  } catch (error) {
    throw new RunSetupError((error as Error).message, "Estimate the change again.");
  }
  // rule 6 would read "no mapping" as "everyone left": never run without one.
  if (mappings.length === 0) {
    throw new RunSetupError(
      "The tenant has no group mappings.",
      "Map at least one Entra group to a Rescue technician group.",
    );
  }
  // rule 14: whatever queued it, a real run waits for a person to start syncing.
  if (!run.dryRun && tenant.activatedAt === null) {
    throw new RunSetupError(
      "Syncing has not been started for this tenant.",
      "Preview the current configuration, then press Start syncing.",
    );
  }
  const fingerprint = configFingerprint({
    tenant,
    rescueConnection: tenant.rescueConnection,
    entraConnection: tenant.entraConnection,
    mappings: mappingRows,
  });
  // Unknown (a tenant syncing from before fingerprints) asks nothing; an approved run was seen by its approver.
  const acknowledged = tenant.acknowledgedConfigFingerprint;
  const unseen = !run.dryRun && !run.approvedAt && acknowledged !== null && acknowledged !== fingerprint;
  return {
    configFingerprint: fingerprint,
    config: { ...config, entra: config.entra, rescue: config.rescue },
    engine: {
      tenantId,
      defaultPassword: config.defaultPassword ?? "",
      dryRun: run.dryRun,
      mappings,
      ...(proposal ? { compareWithMappings: saved } : {}),
      ...(run.subjectEntraUserId ? { subjectEntraUserId: run.subjectEntraUserId } : {}),
      links: linkRows,
      settings: {
        safetyThreshold: { percent: tenant.safetyThresholdPercent, minimum: tenant.safetyThresholdMinimum },
        ssoIdSource: tenant.ssoIdSource,
        includeGuests: tenant.includeGuests,
        ...(tenant.attributeMapping && typeof tenant.attributeMapping === "object"
          ? { attributeMapping: tenant.attributeMapping as Partial<AttributeMapping> }
          : {}),
      },
      // The unknown-code rule: actions refused with a code nobody documented wait until their input changes.
      heldActions: holdRows.map((row) => ({
        actionId: row.actionId,
        inputFingerprint: row.inputFingerprint,
        code: row.code,
        message: row.message,
        refusedAt: row.updatedAt.toISOString(),
      })),
      ...(run.approvedAt
        ? { approvedActionIds: new Set(approvedRows.map((row) => `${row.kind}:${row.entraUserId}`)) }
        : {}),
      ...(unseen ? { requireApprovalForDisables: changedConfigurationReason } : {}),
    },
  };
}
