// The alerts a run's outcome raises (docs/alerts.md): blocked, failed, credential rejected, quarantined, and
// (when chosen) every successful run. Each is keyed by the run, so a retried job or a resumed run alerts once.
// An alert that cannot be raised (Redis or Postgres away) is logged; it never changes the run's outcome.
import { type AlertEventKind, type AlertQueue, raiseAlert } from "@techsync/alerts";
import type { PrismaClient } from "@techsync/db";
import type { Logger } from "pino";
import type { RunFailure } from "./run-failure";

export interface RunAlerts {
  finished(run: RunOfTenant, status: string, error?: string | null): Promise<void>;
  failed(run: RunOfTenant, failure: RunFailure, quarantinedNow: boolean): Promise<void>;
}

export interface RunOfTenant {
  id: string;
  tenantId: string;
  dryRun: boolean;
}

const SYSTEM_NAMES = { rescue: "LogMeIn Rescue", entra: "Microsoft Entra ID" } as const;

export function createRunAlerts(deps: { prisma: PrismaClient; queue: AlertQueue; log: Logger }): RunAlerts {
  const raise = async (
    run: RunOfTenant,
    kind: AlertEventKind,
    summary: string,
    fixPath: string,
    details?: Record<string, string | number | boolean | null>,
  ) => {
    try {
      await raiseAlert(deps, {
        tenantId: run.tenantId,
        kind,
        dedupeKey: `${kind}:${run.id}`,
        summary,
        fixPath,
        runId: run.id,
        ...(details ? { details } : {}),
      });
    } catch (err) {
      deps.log.warn({ err, runId: run.id, kind }, "alert not raised");
    }
  };
  const runPath = (run: RunOfTenant) => `/t/${run.tenantId}/runs/${run.id}`;
  return {
    async finished(run, status) {
      if (run.dryRun) return;
      if (status === "blocked") {
        await raise(
          run,
          "run_blocked",
          "A run was stopped by the safety threshold before it disabled anyone: it would disable more technicians than the tenant allows without approval. Review what it would disable, then approve or dismiss it.",
          runPath(run),
        );
      } else if (status === "succeeded" || status === "partial") {
        await raise(
          run,
          "run_succeeded",
          status === "succeeded" ? "A run finished successfully." : "A run finished; some changes could not be made.",
          runPath(run),
        );
      }
    },
    async failed(run, failure, quarantinedNow) {
      if (failure.credentialRejected) {
        const system = SYSTEM_NAMES[failure.credentialRejected];
        await raise(
          run,
          "credential_rejected",
          `${system} refused the credential TechSync holds for this tenant, so runs cannot read or write anything. Enter a valid one in Settings.`,
          `/t/${run.tenantId}/settings`,
          { reason: failure.message },
        );
      }
      if (!run.dryRun) {
        await raise(run, "run_failed", `A run failed: ${failure.message}`, runPath(run));
      }
      if (quarantinedNow) {
        await raise(
          run,
          "tenant_quarantined",
          "Scheduled runs of this tenant now back off (hourly, then less often) because runs keep failing. They return to normal after a run succeeds.",
          runPath(run),
          { reason: failure.message },
        );
      }
    },
  };
}
