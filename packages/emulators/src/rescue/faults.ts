import { z } from "zod";
import { seededRandom } from "../seeded-random";

/** One fault, for deterministic tests: the next matching call gets it. */
export const ZScriptedFault = z.object({
  /** API method name, any case (e.g. "createUsers"); absent = any method. */
  method: z.string().optional(),
  kind: z.enum(["error", "http503", "http429", "slow", "lostReply", "dropSession", "refuse"]),
  /** For `refuse`: the return code answered instead of applying the call, e.g. one Rescue's documentation lacks. */
  code: z
    .string()
    .regex(/^[A-Za-z][A-Za-z0-9_]*$/)
    .optional(),
});
export type ScriptedFault = z.infer<typeof ZScriptedFault>;

/** Fault injection of one emulator instance (POST /_emulator/rescue/faults takes a partial of it). */
export const ZRescueFaults = z.object({
  /** Added to every API call. */
  latencyMs: z.number().nonnegative().default(0),
  /** Share of calls answered `ERROR` without being applied. */
  errorRate: z.number().min(0).max(1).default(0),
  /** Share of calls answered HTTP 503 (with Retry-After) without being applied. */
  http503Rate: z.number().min(0).max(1).default(0),
  retryAfterSeconds: z.number().nonnegative().default(0),
  /** A session serves this many calls, then answers NOTLOGGEDIN. null = never. */
  dropSessionsAfterCalls: z.number().int().positive().nullable().default(null),
  /** Share of calls that are applied, then answered only after slowResponseMs (past the client's timeout). */
  slowRate: z.number().min(0).max(1).default(0),
  slowResponseMs: z.number().nonnegative().default(0),
  /** Share of calls that are applied, then answered `ERROR`: the reply is lost. */
  lostReplyRate: z.number().min(0).max(1).default(0),
  /** Rate-based faults hit only these methods (any case); empty = all but login. */
  methods: z.array(z.string()).default([]),
  /** Faults for the next matching calls, in order. */
  script: z.array(ZScriptedFault).default([]),
  /** Seed of the RNG behind the rates, so a test run is repeatable. */
  seed: z.number().int().default(1),
});
export type RescueFaults = z.output<typeof ZRescueFaults>;
export type RescueFaultsInput = z.input<typeof ZRescueFaults>;

export type FaultKind = ScriptedFault["kind"];

export class FaultInjector {
  private faults: RescueFaults = ZRescueFaults.parse({});
  private random = seededRandom(1);

  get current(): RescueFaults {
    return this.faults;
  }

  /** Replace the faults (unset fields fall back to "no fault"). */
  set(input: RescueFaultsInput): RescueFaults {
    this.faults = ZRescueFaults.parse(input);
    this.random = seededRandom(this.faults.seed);
    return this.faults;
  }

  reset(): void {
    this.set({});
  }

  /** The fault for this call, if any: scripted faults first, then the rates. */
  pick(method: string): FaultKind | undefined {
    return this.pickFault(method)?.kind;
  }

  /** Like pick, with a scripted fault's details (the code of a `refuse`). */
  pickFault(method: string): Pick<ScriptedFault, "kind" | "code"> | undefined {
    const m = method.toLowerCase();
    const index = this.faults.script.findIndex((f) => !f.method || f.method.toLowerCase() === m);
    if (index !== -1) return this.faults.script.splice(index, 1)[0]!;
    const kind = this.pickByRate(m);
    return kind ? { kind } : undefined;
  }

  private pickByRate(m: string): FaultKind | undefined {
    const targeted =
      this.faults.methods.length === 0 ? m !== "login" : this.faults.methods.some((x) => x.toLowerCase() === m);
    if (!targeted) return undefined;
    const r = this.random();
    let edge = this.faults.errorRate;
    if (r < edge) return "error";
    edge += this.faults.http503Rate;
    if (r < edge) return "http503";
    edge += this.faults.lostReplyRate;
    if (r < edge) return "lostReply";
    edge += this.faults.slowRate;
    if (r < edge) return "slow";
    return undefined;
  }
}
