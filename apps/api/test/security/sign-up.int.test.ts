// Sign-up: guessable passwords are refused with a plain message naming the field, and the reply does not
// tell whether an email is registered (same status and body, comparable time, nothing changed).
import { type ApiHarness, startApiHarness } from "../api-harness";

let api: ApiHarness;
let service: string;
beforeAll(async () => {
  api = await startApiHarness();
  service = await api.serviceToken();
});
afterAll(() => api.close());

const signUp = (email: string, password: string) =>
  api.call(service, {
    method: "POST",
    url: "/v1/auth/signup",
    payload: { email, password, name: "Ada", tenantName: "Ada's Rescue" },
  });

test("guessable passwords are refused with a message naming the password", async () => {
  const weak = ["          ", "aaaaaaaaaa", "password123", "qwertyuiop", "1234567890", "Password1!"];
  for (const password of weak) {
    const res = await signUp(`weak-${crypto.randomUUID()}@example.test`, password);
    expect({ password, status: res.statusCode }).toEqual({ password, status: 400 });
    expect(res.json().message).toMatch(/^body\.password: /);
    expect(res.json().details).toEqual([{ field: "body.password", message: expect.any(String) }]);
  }
  expect(await api.prisma.portalUser.count({ where: { email: { startsWith: "weak-" } } })).toBe(0);
  expect((await signUp(`strong-${crypto.randomUUID()}@example.test`, "violet kettle drums at noon")).statusCode).toBe(
    202,
  );
});

test("sign-up answers a registered email exactly like a new one, in comparable time, and changes nothing", async () => {
  const email = `taken-${crypto.randomUUID()}@example.test`;
  const first = await signUp(email, "the first owner's passphrase");
  const before = await api.prisma.portalUser.findUniqueOrThrow({ where: { email } });
  const tenantsBefore = await api.prisma.tenant.count();

  const timings = { fresh: [] as number[], taken: [] as number[] };
  for (let i = 0; i < 8; i++) {
    let started = performance.now();
    const fresh = await signUp(`fresh-${i}-${crypto.randomUUID()}@example.test`, "a brand new passphrase here");
    timings.fresh.push(performance.now() - started);
    started = performance.now();
    const taken = await signUp(email, "an attacker's passphrase guess");
    timings.taken.push(performance.now() - started);
    expect(taken.statusCode).toBe(fresh.statusCode);
    expect(taken.json()).toEqual(fresh.json());
    expect(taken.json()).toEqual(first.json());
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)] as number;
  console.log(
    `sign-up median: new email ${median(timings.fresh).toFixed(0)} ms, registered email ${median(timings.taken).toFixed(0)} ms`,
  );
  const after = await api.prisma.portalUser.findUniqueOrThrow({ where: { email } });
  expect(after).toEqual(before);
  expect(await api.prisma.tenant.count()).toBe(tenantsBefore + 8);
});
