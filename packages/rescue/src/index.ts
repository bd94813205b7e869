export { checkDefaultPassword } from "./default-password";
export {
  createRescueClient,
  DEFAULT_CREATE_BATCH,
  DEFAULT_RESCUE_BASE_URL,
  type RescueAccount,
  RescueClient,
  type RescueClientOptions,
  type RescueUser,
} from "./rescue-client";
export { RescueError, rescueErrorForCode } from "./rescue-error";
export { nodeKindOf, technicianStatusOf } from "./rescue-node";
export { type PlainTextReply, parsePlainTextReply } from "./wire/plain-text";
