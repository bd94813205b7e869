import type { Metadata } from "next";
import Link from "next/link";
import { ApiError } from "../../../../src/api/api-error";
import type { EntraUsersReply } from "../../../../src/api/api-types";
import { requireTenantApi } from "../../../../src/server/portal-session";
import { SyncUserPicker } from "../../../../src/sync-user/sync-user-picker";
import { syncUserNow } from "./actions";

export const dynamic = "force-dynamic";
export const metadata: Metadata = { title: "Sync a user now" };

/**
 * Provision one user on demand: search the tenant's Entra users, sync one now, and read the whole decision (each
 * pair's verdict, the technician it matches, the action and its result).
 */
export default async function SyncUserPage({
  params,
  searchParams,
}: {
  params: Promise<{ tenantId: string }>;
  searchParams: Promise<{ q?: string }>;
}) {
  const { tenantId } = await params;
  const { q } = await searchParams;
  const search = (q ?? "").trim();
  const api = await requireTenantApi(tenantId);
  let users: EntraUsersReply["users"] = [];
  let searchError: string | null = null;
  if (search) {
    try {
      users = (await api.entraUsers({ search, pageSize: 25 })).users;
    } catch (error) {
      searchError = error instanceof ApiError ? error.message : "The search failed; try again.";
    }
  }
  return (
    <>
      <p>
        <Link href={`/t/${tenantId}`}>Dashboard</Link>
      </p>
      <h1>Sync a user now</h1>
      <p className="hint">
        Find a person in Entra and sync just them, without waiting for the next run. You see every step of the decision:
        which pairs take them and why, which technician matches, and what was done.
      </p>
      <search>
        <form method="get" className="card" style={{ display: "flex", gap: 12, alignItems: "end" }}>
          <div className="field" style={{ flex: 1 }}>
            <label htmlFor="user-search">Name or email</label>
            <input id="user-search" name="q" type="search" defaultValue={search} autoComplete="off" />
          </div>
          <button type="submit">Search</button>
        </form>
      </search>
      {searchError ? (
        <div className="notice bad" role="alert">
          {searchError}
        </div>
      ) : null}
      {search && !searchError && users.length === 0 ? <p role="status">No user matches “{search}”.</p> : null}
      {users.length > 0 ? (
        <SyncUserPicker tenantId={tenantId} users={users} syncUser={syncUserNow.bind(null, tenantId)} />
      ) : null}
    </>
  );
}
