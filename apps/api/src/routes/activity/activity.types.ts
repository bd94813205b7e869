export { ZActivityReply, ZDownloadActivityQuery, ZListActivityQuery } from "@techsync/api-contract";
