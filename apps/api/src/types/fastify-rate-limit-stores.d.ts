// The two counter stores @fastify/rate-limit ships (it exports no types for them): rate-limit-store.ts
// combines them into one that keeps counting when Redis is away.
declare module "@fastify/rate-limit/store/*" {
  import type { FastifyRateLimitStore } from "@fastify/rate-limit";

  interface StoreConstructor {
    new (...args: unknown[]): FastifyRateLimitStore;
  }
  const Store: StoreConstructor;
  export default Store;
}
