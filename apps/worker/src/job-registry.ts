// The worker's jobs: each is {name, zod schema, handler} in one registry. Every payload is parsed
// before its handler sees it; a job whose name has no handler is logged and completed, never retried forever.
import { type Job, UnrecoverableError } from "bullmq";
import type { Logger } from "pino";
import type { z } from "zod";

export interface JobContext {
  job: Job;
  /** BullMQ's lock token of this attempt (for job.moveToDelayed). */
  token: string | undefined;
  /** Aborted when the worker shuts down (SIGTERM). */
  signal: AbortSignal;
}

export interface JobDefinition<S extends z.ZodType = z.ZodType> {
  name: string;
  schema: S;
  handler: (payload: z.output<S>, context: JobContext) => Promise<unknown>;
}

/** Keeps each definition's payload type tied to its schema. */
export function defineJob<S extends z.ZodType>(definition: JobDefinition<S>): JobDefinition<S> {
  return definition;
}

export type JobRegistry = ReadonlyMap<string, JobDefinition>;

export function createJobRegistry(definitions: readonly JobDefinition[]): JobRegistry {
  return new Map(definitions.map((definition) => [definition.name, definition]));
}

/** BullMQ's processor over a registry. */
export function createJobProcessor(registry: JobRegistry, log: Logger, signal: AbortSignal) {
  return async (job: Job, token?: string): Promise<unknown> => {
    const definition = registry.get(job.name);
    if (!definition) {
      log.warn({ jobName: job.name, jobId: job.id }, "no handler for this job name; completing it");
      return undefined;
    }
    const parsed = definition.schema.safeParse(job.data);
    if (!parsed.success) {
      // A payload that does not parse never will: fail it once, with the reason, rather than retrying.
      throw new UnrecoverableError(`invalid ${job.name} payload: ${parsed.error.message}`);
    }
    return definition.handler(parsed.data, { job, token, signal });
  };
}
