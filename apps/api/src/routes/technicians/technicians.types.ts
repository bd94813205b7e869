export {
  ZListTechniciansQuery,
  ZTechnician,
  ZTechnicianHistoryQuery,
  ZTechnicianHistoryReply,
  ZTechnicianParams,
  ZTechniciansReply,
} from "@techsync/api-contract";
