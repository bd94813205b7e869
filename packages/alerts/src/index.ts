// @techsync/alerts: the events a tenant hears about, raised once each, delivered by email and signed webhook.
export * from "./alert-message";
export * from "./alert-queue";
export * from "./deliver-alert";
export * from "./events";
export * from "./mailer";
export * from "./raise-alert";
export * from "./webhook-signature";
export * from "./webhook-url";
