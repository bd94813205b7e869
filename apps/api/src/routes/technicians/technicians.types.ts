export { ZListTechniciansQuery, ZTechnician, ZTechniciansReply } from "@techsync/api-contract";
