"use client";
import { useRouter } from "next/navigation";

export function TenantSwitcher({ tenants, current }: { tenants: { id: string; name: string }[]; current: string }) {
  const router = useRouter();
  if (tenants.length < 2) return null;
  return (
    <label>
      <span className="sr-only">Organisation</span>
      <select value={current} onChange={(event) => router.push(`/t/${event.target.value}`)}>
        {tenants.map((tenant) => (
          <option key={tenant.id} value={tenant.id}>
            {tenant.name}
          </option>
        ))}
      </select>
    </label>
  );
}
