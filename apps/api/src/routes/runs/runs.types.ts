// Run schemas are the API contract's; this maps a log row to its view.
import type { LogEntry, LogLevel } from "@techsync/api-contract";

export {
  ZAction,
  ZActionsReply,
  ZApproveRunBody,
  ZListActionsQuery,
  ZListRunsQuery,
  ZLogEntry,
  ZLogLevel,
  ZRetryRunReply,
  ZRunLogQuery,
  ZRunLogReply,
  ZRunParams,
  ZRunsReply,
  ZStartRunBody,
  ZStartRunReply,
} from "@techsync/api-contract";

export function logEntryView(row: {
  id: bigint;
  runId: string | null;
  level: LogLevel;
  message: string;
  context: unknown;
  createdAt: Date;
}): LogEntry {
  return {
    id: row.id.toString(),
    runId: row.runId,
    level: row.level,
    message: row.message,
    context: row.context ?? null,
    createdAt: row.createdAt.toISOString(),
  };
}
