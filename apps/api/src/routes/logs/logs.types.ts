import { z } from "zod";
import { bigintCursor, ZLimit } from "../common.types";
import { ZLogEntry, ZLogLevel } from "../runs/runs.types";

const LEVEL_ORDER = ["debug", "info", "warn", "error"] as const;

/** `level` is a floor: warn gives warnings and errors, as a log viewer's filter does. */
export function levelsFrom(level: z.infer<typeof ZLogLevel> | undefined) {
  return level ? LEVEL_ORDER.slice(LEVEL_ORDER.indexOf(level)) : undefined;
}

const ZLogFilter = {
  level: ZLogLevel.optional(),
  runId: z.uuid().optional(),
};
export const ZListLogsQuery = z.strictObject({
  ...ZLogFilter,
  limit: ZLimit,
  /** The id of the last entry of the previous page. */
  cursor: bigintCursor("a log entry").optional(),
});
export const ZDownloadLogsQuery = z.strictObject(ZLogFilter);
export const ZLogsReply = z.object({ entries: z.array(ZLogEntry), nextCursor: z.string().optional() });
