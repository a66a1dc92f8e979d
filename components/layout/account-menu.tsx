"use client";
// Who is signed in (on every screen size), the theme, and sign-out.
import * as Menu from "@radix-ui/react-dropdown-menu";
import { signOut } from "next-auth/react";
import { useTheme } from "next-themes";
import { useState } from "react";
import { toast } from "sonner";
import { cn } from "@/components/ui/cn";
import { ChevronDown, MonitorIcon, MoonIcon, SunIcon } from "@/components/ui/icons";
import { useHydrated } from "@/components/ui/render-context";

export type ShellUser = { email: string; name: string | null; isAdmin: boolean };

const THEMES = [
  { value: "system", label: "System", Icon: MonitorIcon },
  { value: "light", label: "Light", Icon: SunIcon },
  { value: "dark", label: "Dark", Icon: MoonIcon },
] as const;

function initials(user: ShellUser): string {
  const source = user.name?.trim() || user.email;
  const parts = source.split(/[\s@._-]+/).filter(Boolean);
  return ((parts[0]?.[0] ?? "?") + (user.name && parts[1] ? parts[1][0] : "")).toUpperCase();
}

/**
 * Sign-out stays on this origin: next-auth's own redirect is built from
 * NEXTAUTH_URL, which defaults to http://localhost:3000 when unset, so the
 * session is ended without it and the browser goes to /sign-in here.
 */
async function signOutHere() {
  try {
    await signOut({ redirect: false });
  } catch {
    toast.error("Could not sign out. Check your connection and try again.");
    return;
  }
  // A full load (not router.push) so nothing of this account stays in memory.
  window.location.replace(new URL("/sign-in", window.location.origin).href);
}

const itemClass =
  "flex cursor-pointer select-none items-center gap-2 rounded-md px-2 py-1.5 text-sm text-fg outline-none data-[highlighted]:bg-surface-strong data-[disabled]:opacity-50";

export function AccountMenu({ user }: { user: ShellUser }) {
  const { theme, setTheme } = useTheme();
  const hydrated = useHydrated();
  const [signingOut, setSigningOut] = useState(false);
  const shown = user.name || user.email;

  return (
    <Menu.Root>
      <Menu.Trigger
        className="flex min-w-0 items-center gap-2 rounded-full py-1 pl-1 pr-2 text-sm text-fg hover:bg-surface-strong focus-visible:outline focus-visible:outline-2 focus-visible:outline-accent data-[state=open]:bg-surface-strong"
        aria-label={`Account: ${shown}`}
        data-testid="account-menu"
      >
        <span className="flex h-7 w-7 shrink-0 items-center justify-center rounded-full bg-indigo-600 text-xs font-semibold text-white" aria-hidden="true">
          {initials(user)}
        </span>
        <span className="max-w-[11rem] truncate sm:max-w-[14rem]" data-testid="signed-in-as">
          {shown}
        </span>
        <ChevronDown className="h-4 w-4 shrink-0 text-fg-subtle" />
      </Menu.Trigger>
      <Menu.Portal>
        <Menu.Content
          align="end"
          sideOffset={6}
          collisionPadding={8}
          className="z-50 w-64 max-w-[calc(100vw-1rem)] rounded-xl bg-surface p-1.5 shadow-lg ring-1 ring-line"
        >
          <div className="px-2 py-2">
            <p className="truncate text-sm font-medium text-fg" title={shown}>
              {shown}
            </p>
            {user.name ? (
              <p className="truncate text-xs text-fg-muted" title={user.email}>
                {user.email}
              </p>
            ) : null}
            {user.isAdmin ? <p className="mt-1 text-xs font-medium text-amber-700 dark:text-amber-300">Instance admin</p> : null}
          </div>
          <Menu.Separator className="my-1 h-px bg-line" />
          <Menu.Label className="px-2 pb-1 pt-1.5 text-xs font-medium text-fg-subtle">Theme</Menu.Label>
          <Menu.RadioGroup value={hydrated ? (theme ?? "system") : undefined} onValueChange={setTheme}>
            {THEMES.map(({ value, label, Icon }) => (
              <Menu.RadioItem key={value} value={value} className={itemClass} onSelect={(e) => e.preventDefault()}>
                <Icon />
                <span className="flex-1">{label}</span>
                <Menu.ItemIndicator className="text-accent">✓</Menu.ItemIndicator>
              </Menu.RadioItem>
            ))}
          </Menu.RadioGroup>
          <Menu.Separator className="my-1 h-px bg-line" />
          <Menu.Item
            className={cn(itemClass, "text-red-700 dark:text-red-300")}
            disabled={signingOut}
            onSelect={(e) => {
              e.preventDefault();
              setSigningOut(true);
              void signOutHere().finally(() => setSigningOut(false));
            }}
          >
            {signingOut ? "Signing out…" : "Sign out"}
          </Menu.Item>
        </Menu.Content>
      </Menu.Portal>
    </Menu.Root>
  );
}
