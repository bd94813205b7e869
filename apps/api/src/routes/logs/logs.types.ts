// Log schemas are the API contract's; this turns a level filter into the levels it takes in.
import { LOG_LEVELS, type LogLevel } from "@techsync/api-contract";

export { ZDownloadLogsQuery, ZListLogsQuery, ZLogsReply } from "@techsync/api-contract";

/** `level` is a floor: warn gives warnings and errors, as a log viewer's filter does. */
export function levelsFrom(level: LogLevel | undefined) {
  return level ? LOG_LEVELS.slice(LOG_LEVELS.indexOf(level)) : undefined;
}
