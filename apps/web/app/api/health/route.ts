// The portal process is up (used by `npm start` and container health checks).
export const dynamic = "force-dynamic";

export function GET() {
  return Response.json({ status: "ok" });
}
