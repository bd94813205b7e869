"use client";
// A run's live progress from the API's Server-Sent Events (through the portal's route handler).
// When the run ends, the page reloads its data from the server.
import { useRouter } from "next/navigation";
import { useEffect, useState } from "react";
import type { SyncRun } from "../api/api-types";
import type { FormState } from "../forms/form-state";
import { RunControls } from "./run-controls";
import { runPhaseLabel, runStatusLabel } from "./run-words";

export function RunProgress({
  tenantId,
  initial,
  cancel,
}: {
  tenantId: string;
  initial: SyncRun;
  /** "Cancel run", where the page offers it. */
  cancel?: () => Promise<FormState>;
}) {
  const router = useRouter();
  const [run, setRun] = useState(initial);
  const [attempt, setAttempt] = useState(0);
  const [connection, setConnection] = useState<"live" | "reconnecting">("live");

  useEffect(() => {
    const source = new EventSource(`/api/tenants/${tenantId}/runs/${initial.id}/events?attempt=${attempt}`);
    let retry: ReturnType<typeof setTimeout> | undefined;
    source.addEventListener("progress", (event) => {
      setConnection("live");
      try {
        setRun(JSON.parse((event as MessageEvent<string>).data) as SyncRun);
      } catch {
        // a malformed event is skipped; the next one carries the whole run again
      }
    });
    source.addEventListener("end", () => {
      source.close();
      router.refresh();
    });
    source.onerror = () => {
      source.close();
      setConnection("reconnecting");
      router.refresh();
      retry = setTimeout(() => setAttempt((n) => n + 1), 2000);
    };
    return () => {
      source.close();
      if (retry) clearTimeout(retry);
    };
  }, [tenantId, initial.id, attempt, router]);

  const done = run.progress?.done ?? 0;
  const total = run.progress?.total ?? 0;
  const percent = total > 0 ? Math.min(100, Math.round((done / total) * 100)) : 0;
  return (
    <section className="card" aria-labelledby="run-progress-heading">
      <h2 id="run-progress-heading">
        {run.dryRun ? "Preview" : "Sync"} in progress: {runStatusLabel(run.status)}
      </h2>
      <progress
        max={total || 1}
        value={total ? done : undefined}
        aria-label={`${run.dryRun ? "Preview" : "Sync"} progress`}
        aria-valuetext={total ? `${percent}%` : "starting"}
      />
      <p aria-live="polite">
        {run.phase ? `${runPhaseLabel(run.phase)}: ` : ""}
        {total ? `${done} of ${total} (${percent}%)` : "Starting…"}
        {connection === "reconnecting" ? " — reconnecting…" : ""}
      </p>
      {/* The stream carries the cancel request too; the page's own copy counts until the stream catches up. */}
      <RunControls
        run={{ status: run.status, cancelRequestedAt: run.cancelRequestedAt ?? initial.cancelRequestedAt }}
        cancel={cancel}
      />
    </section>
  );
}
