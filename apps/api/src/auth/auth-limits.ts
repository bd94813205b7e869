// How guessing is paced without letting anyone lock an account. Wrong passwords count per account *and*
// client address: the attacker's address is slowed, progressively, while the owner signing in from their own
// address is not held back by someone else's guesses. An address guessing across many accounts, or sending
// bad API keys and tokens, is refused for a while.
import { AppError } from "../errors";
import type { AttemptCounter } from "./attempt-counter";

/** Wrong passwords for one account from one address before each further try must wait. */
export const SIGN_IN_FREE_FAILURES = 5;
/** The wait doubles with each further failure, from one second up to this. */
export const SIGN_IN_MAX_DELAY_SECONDS = 15 * 60;
const SIGN_IN_WINDOW_MS = 60 * 60 * 1000;
/** Wrong passwords from one address across all accounts (password spraying) before it is refused. */
export const ADDRESS_SIGN_IN_FAILURES = 50;
const ADDRESS_SIGN_IN_WINDOW_MS = 15 * 60 * 1000;
/** Bad API keys or tokens from one address before it is refused. */
export const ADDRESS_AUTH_FAILURES = 20;
const ADDRESS_AUTH_WINDOW_MS = 60 * 1000;

/** A 429 with the seconds after which trying again can succeed (sent as Retry-After). */
export class RateLimitedError extends AppError {
  constructor(
    message: string,
    readonly retryAfterSeconds: number,
  ) {
    super("rate_limited", message);
  }
}

export interface SignInAttempt {
  email: string;
  clientAddress: string;
}

const accountKey = (a: SignInAttempt) => `sign-in:${a.clientAddress}:${a.email}`;
const sprayKey = (a: SignInAttempt) => `sign-in:${a.clientAddress}`;
const authKey = (clientAddress: string) => `auth:${clientAddress}`;

function secondsLeft(untilMs: number, now: number): number {
  return Math.max(1, Math.ceil((untilMs - now) / 1000));
}

/** The wait after `failures` wrong passwords: none for the first few, then 1 s, 2 s, 4 s … up to the cap. */
export function signInDelaySeconds(failures: number): number {
  if (failures < SIGN_IN_FREE_FAILURES) return 0;
  return Math.min(2 ** (failures - SIGN_IN_FREE_FAILURES), SIGN_IN_MAX_DELAY_SECONDS);
}

/** Throws RateLimitedError while this address must wait before guessing this account's password again. */
export async function assertSignInAllowed(
  counter: AttemptCounter,
  attempt: SignInAttempt,
  now = Date.now(),
): Promise<void> {
  const [account, spray] = await Promise.all([counter.read(accountKey(attempt)), counter.read(sprayKey(attempt))]);
  if (spray && spray.count >= ADDRESS_SIGN_IN_FAILURES) {
    throw new RateLimitedError(
      "Too many failed sign-ins from this address; try again later.",
      secondsLeft(spray.lastAtMs + ADDRESS_SIGN_IN_WINDOW_MS, now),
    );
  }
  const delay = account ? signInDelaySeconds(account.count) : 0;
  if (account && delay > 0 && now < account.lastAtMs + delay * 1000) {
    const wait = secondsLeft(account.lastAtMs + delay * 1000, now);
    throw new RateLimitedError(`Too many wrong passwords; try again in ${wait} s.`, wait);
  }
}

export async function recordSignInFailure(counter: AttemptCounter, attempt: SignInAttempt): Promise<void> {
  await Promise.all([
    counter.fail(accountKey(attempt), SIGN_IN_WINDOW_MS),
    counter.fail(sprayKey(attempt), ADDRESS_SIGN_IN_WINDOW_MS),
  ]);
}

/** The right password from this address wipes its count for the account (not the address's spraying count). */
export async function recordSignInSuccess(counter: AttemptCounter, attempt: SignInAttempt): Promise<void> {
  await counter.clear(accountKey(attempt));
}

/** Throws RateLimitedError while this address is refused for sending bad credentials. */
export async function assertAuthAllowed(counter: AttemptCounter, clientAddress: string, now = Date.now()) {
  const record = await counter.read(authKey(clientAddress));
  if (record && record.count >= ADDRESS_AUTH_FAILURES) {
    throw new RateLimitedError(
      "Too many failed authentications from this address; try again later.",
      secondsLeft(record.lastAtMs + ADDRESS_AUTH_WINDOW_MS, now),
    );
  }
}

export async function recordAuthFailure(counter: AttemptCounter, clientAddress: string): Promise<void> {
  await counter.fail(authKey(clientAddress), ADDRESS_AUTH_WINDOW_MS);
}
