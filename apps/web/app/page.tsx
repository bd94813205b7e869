import { loadWebEnv } from "../src/env";

export const dynamic = "force-dynamic";

async function apiStatus(apiUrl: string): Promise<string> {
  try {
    const res = await fetch(`${apiUrl}/readyz`, { cache: "no-store", signal: AbortSignal.timeout(2000) });
    return res.ok ? "ready" : `not ready (HTTP ${res.status})`;
  } catch {
    return "not reachable";
  }
}

export default async function Home() {
  const env = loadWebEnv();
  const status = await apiStatus(env.API_URL);
  return (
    <main style={{ maxWidth: 720, margin: "64px auto", padding: "0 24px" }}>
      <h1>TechSync</h1>
      <p>
        Keeps your LogMeIn Rescue technician groups in step with Microsoft Entra ID groups: connect Rescue and Entra,
        map groups, preview the changes, and let scheduled runs provision, update and disable technicians.
      </p>
      <p>
        API: <strong>{status}</strong>
      </p>
    </main>
  );
}
