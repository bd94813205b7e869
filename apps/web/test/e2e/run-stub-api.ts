// `npx tsx test/e2e/run-stub-api.ts`: the stub API on its own, for trying the portal by hand.
import { startStubApi } from "./stub-api";

const secret = process.env.API_TOKEN_SECRET ?? "local-dev-only-portal-token-secret-0123456789";
void startStubApi(secret).then((api) => console.log(`stub API on ${api.url}`));
