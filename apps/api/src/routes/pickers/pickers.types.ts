export { ZEntraGroupsQuery, ZEntraGroupsReply, ZRescueGroupsReply } from "@techsync/api-contract";
