export { ZAuditEventsReply, ZDownloadAuditEventsQuery, ZListAuditEventsQuery } from "@techsync/api-contract";
