export { ZEntraUsersQuery, ZEntraUsersReply, ZSyncUserParams, ZSyncUserReply } from "@techsync/api-contract";
