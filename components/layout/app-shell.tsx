"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import type { ReactNode } from "react";
import { cn } from "@/components/ui/cn";
import { VaultIcon } from "@/components/ui/icons";
import { AccountMenu, type ShellUser } from "./account-menu";

export function AppShell({ user, children }: { user: ShellUser; children: ReactNode }) {
  const pathname = usePathname();
  const nav = [
    { href: "/projects", label: "Projects", active: pathname.startsWith("/projects") },
    ...(user.isAdmin
      ? [
          { href: "/admin/master-keys", label: "Master keys", active: pathname.startsWith("/admin/master-keys") },
          { href: "/admin/security-events", label: "Security events", active: pathname.startsWith("/admin/security-events") },
          { href: "/admin/instance", label: "Instance", active: pathname.startsWith("/admin/instance") },
        ]
      : []),
    { href: "/settings", label: "Account", active: pathname.startsWith("/settings") },
  ];
  return (
    <div className="min-h-screen">
      <a
        href="#main"
        className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded focus:bg-surface focus:px-3 focus:py-2 focus:text-fg"
      >
        Skip to content
      </a>
      <header className="sticky top-0 z-30 border-b border-line bg-surface/90 backdrop-blur">
        {/* On a phone the nav takes a second row, so who is signed in keeps its room. */}
        <div className="mx-auto flex max-w-6xl flex-wrap items-center gap-x-2 px-3 pt-2 sm:h-14 sm:flex-nowrap sm:gap-6 sm:px-6 sm:pt-0">
          <Link href="/projects" className="flex h-10 shrink-0 items-center gap-2 rounded-lg font-semibold text-fg" aria-label="Data Vault, your projects">
            <span className="flex h-8 w-8 items-center justify-center rounded-lg bg-indigo-600 text-white">
              <VaultIcon className="h-[18px] w-[18px]" />
            </span>
            <span className="hidden min-[360px]:inline">Data Vault</span>
          </Link>
          <nav aria-label="Main" className="order-last -mx-1 flex w-full min-w-0 items-center gap-1 overflow-x-auto py-1.5 sm:order-none sm:mx-0 sm:w-auto sm:flex-1 sm:py-0">
            {nav.map((item) => (
              <Link
                key={item.href}
                href={item.href}
                aria-current={item.active ? "page" : undefined}
                className={cn(
                  "whitespace-nowrap rounded-md px-2.5 py-1.5 text-sm font-medium",
                  item.active ? "bg-surface-strong text-fg" : "text-fg-muted hover:bg-surface-strong hover:text-fg",
                )}
              >
                {item.label}
              </Link>
            ))}
          </nav>
          <div className="ml-auto flex min-w-0 justify-end sm:ml-0">
            <AccountMenu user={user} />
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-6 sm:px-6 sm:py-8">
        {children}
      </main>
    </div>
  );
}
