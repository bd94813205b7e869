export { ZAuditEventsReply, ZListAuditEventsQuery } from "@techsync/api-contract";
