import Link from "next/link";
import { notFound } from "next/navigation";
import type { ReactNode } from "react";
import { SignOutButton } from "../../../src/components/sign-out-button";
import { TenantNav } from "../../../src/components/tenant-nav";
import { TenantSwitcher } from "../../../src/components/tenant-switcher";
import { requireMemberships } from "../../../src/server/portal-session";

export const dynamic = "force-dynamic";

export default async function TenantLayout({
  children,
  params,
}: {
  children: ReactNode;
  params: Promise<{ tenantId: string }>;
}) {
  const { tenantId } = await params;
  const { tenants, email } = await requireMemberships();
  const tenant = tenants.find((t) => t.id === tenantId);
  if (!tenant) notFound();
  return (
    <>
      <header className="topbar">
        <span className="brand">TechSync</span>
        <TenantNav tenantId={tenantId} />
        <span className="spacer" />
        {tenant.sandboxMode ? <span className="badge warn">Sandbox</span> : null}
        <TenantSwitcher tenants={tenants} current={tenantId} />
        <Link href="/organisations/new">Add organisation</Link>
        <span title={email}>
          {tenant.name} · {tenant.role}
        </span>
        <SignOutButton />
      </header>
      <main id="content">{children}</main>
    </>
  );
}
