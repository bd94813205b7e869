// Run events, the listening side: one dedicated Postgres connection per process LISTENs on the run events channel
// and tells whoever watches a run that it changed. Connections drop (a Postgres restart, a failover): it then
// reconnects with back-off, and on every change of its state it tells every watcher, who re-reads once (what was
// notified while nobody listened is lost) and, while it is down, falls back to re-reading on a slow timer.
import { Client } from "pg";
import { parseRunEvent, RUN_EVENTS_CHANNEL } from "./run-events";

/** What a run's live view needs: a call when the run may have changed, and whether calls can come at all. */
export interface RunEventSource {
  /**
   * Calls `onChange` when the run may have changed, and for every watcher when the listener connects or loses its
   * connection. Returns the unsubscribe function.
   */
  subscribe(runId: string, onChange: () => void): () => void;
  /** False while no notification can arrive (not connected yet, or reconnecting): watchers re-read on a timer. */
  readonly connected: boolean;
}

/** A pino logger fits. */
export interface RunEventListenerLog {
  info(details: object, message: string): void;
  warn(details: object, message: string): void;
}

export interface RunEventListenerOptions {
  /** The database to LISTEN on (the one the workers write to). */
  connectionString: string;
  /** First reconnect delay; it doubles per failed attempt, with jitter, up to `reconnectMaxMs`. */
  reconnectMinMs?: number;
  reconnectMaxMs?: number;
}

/** How the connection shows in pg_stat_activity. */
export const RUN_EVENTS_APPLICATION_NAME = "techsync-run-events";
const DEFAULT_RECONNECT_MIN_MS = 250;
const DEFAULT_RECONNECT_MAX_MS = 10_000;

export class RunEventListener implements RunEventSource {
  private readonly subscribers = new Map<string, Set<() => void>>();
  private client: Client | undefined;
  private live = false;
  private stopped = false;
  private failedAttempts = 0;
  private reconnectTimer: NodeJS.Timeout | undefined;
  private log: RunEventListenerLog | undefined;

  constructor(private readonly options: RunEventListenerOptions) {}

  get connected(): boolean {
    return this.live;
  }

  /**
   * Connects and LISTENs, logging its connection's ups and downs to `log`. Resolves after the first attempt,
   * whether it worked or not: it keeps trying.
   */
  start(log?: RunEventListenerLog): Promise<void> {
    this.log = log;
    if (this.stopped || this.client || this.reconnectTimer) return Promise.resolve();
    return this.connect();
  }

  subscribe(runId: string, onChange: () => void): () => void {
    let watchers = this.subscribers.get(runId);
    if (!watchers) {
      watchers = new Set();
      this.subscribers.set(runId, watchers);
    }
    watchers.add(onChange);
    return () => {
      const current = this.subscribers.get(runId);
      if (!current) return;
      current.delete(onChange);
      if (current.size === 0) this.subscribers.delete(runId);
    };
  }

  /** Stops listening for good (server shutdown); no timer or socket is left behind. */
  async close(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.reconnectTimer);
    this.reconnectTimer = undefined;
    const client = this.client;
    this.client = undefined;
    this.live = false;
    if (client) await client.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    const client = new Client({
      connectionString: this.options.connectionString,
      application_name: RUN_EVENTS_APPLICATION_NAME,
      // A connection that dies without a word (a dropped network path) is noticed by TCP keepalive.
      keepAlive: true,
    });
    this.client = client;
    client.on("notification", (message) => {
      if (message.channel !== RUN_EVENTS_CHANNEL) return;
      const event = parseRunEvent(message.payload);
      if (event) this.notify(this.subscribers.get(event.runId));
    });
    client.on("error", (error) => this.lost(client, error));
    client.on("end", () => this.lost(client));
    try {
      await client.connect();
      await client.query(`LISTEN ${RUN_EVENTS_CHANNEL}`);
    } catch (error) {
      this.lost(client, error);
      return;
    }
    if (this.client !== client) return;
    this.live = true;
    this.failedAttempts = 0;
    this.log?.info({ channel: RUN_EVENTS_CHANNEL }, "listening for run events");
    // Whatever was notified while nobody listened is lost: every open stream reads its run again.
    this.notifyAll();
  }

  /** The connection failed or ended: forget it, tell the watchers, and try again after a back-off. */
  private lost(client: Client, error?: unknown): void {
    if (this.client !== client) return;
    this.client = undefined;
    const wasLive = this.live;
    this.live = false;
    void client.end().catch(() => undefined);
    if (this.stopped) return;
    this.failedAttempts += 1;
    const min = this.options.reconnectMinMs ?? DEFAULT_RECONNECT_MIN_MS;
    const max = this.options.reconnectMaxMs ?? DEFAULT_RECONNECT_MAX_MS;
    const ceiling = Math.min(max, min * 2 ** (this.failedAttempts - 1));
    const delay = Math.round(ceiling / 2 + (Math.random() * ceiling) / 2);
    this.log?.warn(
      { reason: error instanceof Error ? error.message : "the connection ended", retryInMs: delay },
      "the run events connection is down; streams re-read on a timer until it is back",
    );
    // Streams waiting for a notification switch to their timer.
    if (wasLive) this.notifyAll();
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined;
      void this.connect();
    }, delay);
  }

  private notifyAll(): void {
    for (const watchers of [...this.subscribers.values()]) this.notify(watchers);
  }

  private notify(watchers: Set<() => void> | undefined): void {
    if (!watchers) return;
    for (const onChange of [...watchers]) {
      try {
        onChange();
      } catch (error) {
        this.log?.warn({ err: error }, "a run event watcher failed");
      }
    }
  }
}
