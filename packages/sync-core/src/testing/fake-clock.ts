import type { Clock } from "../ports";

/** Virtual time: sleep advances the clock and resolves at once, so backoff and latency cost tests nothing. */
export class FakeClock implements Clock {
  private time: number;
  readonly sleeps: number[] = [];

  constructor(start: Date = new Date("2026-01-01T00:00:00Z")) {
    this.time = start.getTime();
  }

  now(): Date {
    return new Date(this.time);
  }

  async sleep(ms: number): Promise<void> {
    this.sleeps.push(ms);
    this.time += ms;
  }

  advance(ms: number): void {
    this.time += ms;
  }
}
