import type { Clock } from "./ports";

/** The real clock, for the worker's composition root. */
export const systemClock: Clock = {
  now: () => new Date(),
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
};
