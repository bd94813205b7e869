// Published defaults do not run as they are: an app refuses the example secrets in production, and Bull
// Board (behind the operator token) changes no job unless an operator turned that on.
import { readFileSync } from "node:fs";
import path from "node:path";
import { EnvError, parseEnv } from "@techsync/config";
import { SYNC_QUEUE } from "@techsync/jobs";
import { ApiEnvSchema } from "../../src/env";
import { type ApiHarness, startApiHarness, TEST_OPERATOR_TOKEN } from "../api-harness";

const REPO_ROOT = path.resolve(__dirname, "../../../..");

/** The variables of .env.example, as `npm start` would load them before generating secrets. */
function exampleEnv(): Record<string, string> {
  const text = readFileSync(path.join(REPO_ROOT, ".env.example"), "utf8");
  return Object.fromEntries([...text.matchAll(/^([A-Z0-9_]+)=(.*)$/gm)].map((m) => [m[1] as string, m[2] as string]));
}

const fresh = {
  API_TOKEN_SECRET: "Qk1n0nP6m9e1yqV2yH3rA8tL5cW7uX4zD0fG2hJ6kS8",
  OPERATOR_TOKEN: "o3Vb7Yp2Lr9Tq1Ws5Xe8Zu4Ca6Dm0Fn2Gk7Hj3Kl9Pq",
  SECRET_BOX_MASTER_KEYS: "local:3q2+7wAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
};

describe("the API's environment in production", () => {
  test.each(["API_TOKEN_SECRET", "OPERATOR_TOKEN", "SECRET_BOX_MASTER_KEYS"])(
    "refuses .env.example's %s, naming it and not echoing it",
    (name) => {
      const example = exampleEnv();
      const source = { ...example, ...fresh, [name]: example[name], NODE_ENV: "production" };
      let error: unknown;
      try {
        parseEnv(ApiEnvSchema, source);
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(EnvError);
      expect((error as Error).message).toMatch(new RegExp(`^Refusing to start in production: ${name} is a published`));
      expect((error as Error).message).not.toContain(String(example[name]));
    },
  );

  test("refuses the secrets .env.example shipped before npm start generated them", () => {
    const source = {
      ...exampleEnv(),
      ...fresh,
      API_TOKEN_SECRET: "local-dev-only-portal-token-secret-0123456789",
      NODE_ENV: "production",
    };
    expect(() => parseEnv(ApiEnvSchema, source)).toThrow(/API_TOKEN_SECRET is a published example value/);
  });

  test("starts with fresh secrets in production, and with the examples outside production", () => {
    expect(parseEnv(ApiEnvSchema, { ...exampleEnv(), ...fresh, NODE_ENV: "production" }).API_PORT).toBe(4000);
    const example = exampleEnv();
    expect(parseEnv(ApiEnvSchema, { ...example, NODE_ENV: "development" }).BULL_BOARD_WRITABLE).toBe(false);
    expect(() => parseEnv(ApiEnvSchema, { ...example, BULL_BOARD_WRITABLE: "yes" })).toThrow(/BULL_BOARD_WRITABLE/);
  });
});

describe("Bull Board", () => {
  let readOnly: ApiHarness;
  let writable: ApiHarness;
  beforeAll(async () => {
    readOnly = await startApiHarness();
    writable = await startApiHarness({ queueBoardWritable: true });
  });
  afterAll(async () => {
    await readOnly.close();
    await writable.close();
  });

  const asOperator = (api: ApiHarness, method: "GET" | "PUT" | "POST" | "DELETE", url: string) =>
    api.app.inject({ method, url, headers: { authorization: `Bearer ${TEST_OPERATOR_TOKEN}` } });

  test("is read-only by default: the operator can look but not pause, retry, clean or empty queues", async () => {
    expect((await asOperator(readOnly, "GET", "/admin/queues/api/queues")).statusCode).toBe(200);
    const changes: [method: "PUT" | "POST" | "DELETE", url: string][] = [
      ["PUT", "/admin/queues/api/queues/pause"],
      ["PUT", `/admin/queues/api/queues/${SYNC_QUEUE}/pause`],
      ["PUT", `/admin/queues/api/queues/${SYNC_QUEUE}/retry/failed`],
      ["PUT", `/admin/queues/api/queues/${SYNC_QUEUE}/clean/completed`],
      ["PUT", `/admin/queues/api/queues/${SYNC_QUEUE}/empty`],
      ["POST", `/admin/queues/api/queues/${SYNC_QUEUE}/add`],
    ];
    for (const [method, url] of changes) {
      const res = await asOperator(readOnly, method, url);
      expect({ url, status: res.statusCode }).toEqual({ url, status: 405 });
    }
    expect(await readOnly.syncQueue.isPaused()).toBe(false);
  });

  test("lets the operator change jobs when BULL_BOARD_WRITABLE is on", async () => {
    const res = await asOperator(writable, "PUT", `/admin/queues/api/queues/${SYNC_QUEUE}/pause`);
    expect(res.statusCode).toBe(200);
    expect(await writable.syncQueue.isPaused()).toBe(true);
  });
});
