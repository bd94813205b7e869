// @techsync/outbound: the one outbound HTTP policy of API and worker.

export {
  type EntraTransport,
  entraTransport,
  type OutboundSettings,
  type RescueTransport,
  rescueTransport,
} from "./destination-transport";
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
