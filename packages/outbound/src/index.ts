// @techsync/outbound: the one outbound HTTP policy of API and worker.
export {
  addressRefusal,
  createOutboundAgent,
  createOutboundFetch,
  isOutboundRefusal,
  type OutboundFetch,
  type OutboundPolicyOptions,
  OutboundRefusedError,
  type Resolve,
  type ResolvedAddress,
} from "./outbound-policy";
