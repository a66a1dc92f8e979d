"use client";
import Link from "next/link";
import { usePathname } from "next/navigation";
import { signOut } from "next-auth/react";
import type { ReactNode } from "react";
import { Button } from "@/components/ui/button";
import { cn } from "@/components/ui/cn";
import { VaultIcon } from "@/components/ui/icons";

type ShellUser = { email: string; name: string | null; isAdmin: boolean };

export function AppShell({ user, children }: { user: ShellUser; children: ReactNode }) {
  const pathname = usePathname();
  const nav = [
    { href: "/projects", label: "Projects", active: pathname.startsWith("/projects") },
    ...(user.isAdmin ? [{ href: "/admin/master-keys", label: "Master keys", active: pathname.startsWith("/admin") }] : []),
  ];
  return (
    <div className="min-h-screen">
      <a href="#main" className="sr-only focus:not-sr-only focus:absolute focus:left-4 focus:top-4 focus:z-50 focus:rounded focus:bg-white focus:px-3 focus:py-2">
        Skip to content
      </a>
      <header className="sticky top-0 z-30 border-b border-slate-200 bg-white/90 backdrop-blur">
        <div className="mx-auto flex h-14 max-w-6xl items-center gap-3 px-4 sm:gap-6 sm:px-6">
          <Link href="/projects" className="flex items-center gap-2 font-semibold text-slate-900">
            <span className="flex h-8 w-8 items-center justify-center rounded-lg bg-indigo-600 text-white">
              <VaultIcon className="h-[18px] w-[18px]" />
            </span>
            <span className="hidden sm:inline">Data Vault</span>
          </Link>
          <nav aria-label="Main" className="flex min-w-0 flex-1 items-center gap-1">
            {nav.map((item) => (
              <Link
                key={item.href}
                href={item.href}
                aria-current={item.active ? "page" : undefined}
                className={cn(
                  "whitespace-nowrap rounded-md px-2.5 py-1.5 text-sm font-medium",
                  item.active ? "bg-slate-100 text-slate-900" : "text-slate-600 hover:bg-slate-50 hover:text-slate-900",
                )}
              >
                {item.label}
              </Link>
            ))}
          </nav>
          <div className="flex items-center gap-2">
            <span className="hidden max-w-[14rem] truncate text-sm text-slate-600 md:inline" title={user.email}>
              {user.name || user.email}
            </span>
            {user.isAdmin ? <span className="hidden rounded-full bg-amber-50 px-2 py-0.5 text-xs font-medium text-amber-800 ring-1 ring-inset ring-amber-200 md:inline">Admin</span> : null}
            <Button variant="ghost" size="sm" onClick={() => signOut({ callbackUrl: "/sign-in" })}>
              Sign out
            </Button>
          </div>
        </div>
      </header>
      <main id="main" className="mx-auto max-w-6xl px-4 py-6 sm:px-6 sm:py-8">
        {children}
      </main>
    </div>
  );
}
