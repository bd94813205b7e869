// Runs once when the portal's server starts: a bad environment stops it with one clear line
// instead of failing on the first request.
export async function register(): Promise<void> {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { loadWebEnv } = await import("./src/env");
  try {
    loadWebEnv();
  } catch (error) {
    console.error(`[web] ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  }
}
