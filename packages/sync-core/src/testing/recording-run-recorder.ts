import type { Link } from "../domain";
import type { Plan } from "../plan";
import type { ActionOutcome, LogLevel, RunProgress, RunRecorder } from "../ports";

export interface RecordedLog {
  level: LogLevel;
  message: string;
  context?: Record<string, unknown>;
}

/** A RunRecorder that keeps everything in memory, links included, so a next run can start from them. */
export class RecordingRunRecorder implements RunRecorder {
  readonly plans: { plan: Plan; dryRun: boolean }[] = [];
  readonly outcomes: ActionOutcome[] = [];
  readonly outcomeBatches: number[] = [];
  readonly logs: RecordedLog[] = [];
  readonly progressEvents: RunProgress[] = [];
  private readonly linksByUser = new Map<string, Link>();

  constructor(links: readonly Link[] = []) {
    for (const link of links) this.linksByUser.set(link.entraUserId, link);
  }

  links(): Link[] {
    return [...this.linksByUser.values()];
  }

  async recordPlan(plan: Plan, context: { dryRun: boolean }): Promise<void> {
    this.plans.push({ plan, dryRun: context.dryRun });
  }

  async recordOutcomes(outcomes: readonly ActionOutcome[]): Promise<void> {
    this.outcomeBatches.push(outcomes.length);
    this.outcomes.push(...outcomes);
  }

  async recordLinks(links: readonly Link[]): Promise<void> {
    for (const link of links) this.linksByUser.set(link.entraUserId, link);
  }

  async removeLinks(links: readonly Link[]): Promise<void> {
    for (const link of links) {
      if (this.linksByUser.get(link.entraUserId)?.rescueNodeId === link.rescueNodeId) {
        this.linksByUser.delete(link.entraUserId);
      }
    }
  }

  log(level: LogLevel, message: string, context?: Record<string, unknown>): void {
    this.logs.push(context ? { level, message, context } : { level, message });
  }

  progress(progress: RunProgress): void {
    this.progressEvents.push(progress);
  }
}
