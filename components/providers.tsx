"use client";
// The app's one QueryClientProvider, the theme (next-themes: follows the
// system until you choose, remembers the choice, sets the class before the
// first paint) and the toasts (sonner).
import { QueryClient, QueryClientProvider } from "@tanstack/react-query";
import { ThemeProvider, useTheme } from "next-themes";
import { useState, type ReactNode } from "react";
import { Toaster } from "sonner";
import { ApiError } from "@/lib/dashboard/api-client";

export const THEME_STORAGE_KEY = "data-vault-theme";

function makeClient() {
  return new QueryClient({
    defaultOptions: {
      queries: {
        // Pages arrive with their data (server prefetch): do not ask again
        // at once on hydration.
        staleTime: 10_000,
        refetchOnWindowFocus: true,
        // A 4xx will not change by asking again; network trouble might.
        retry: (count, error) => !(error instanceof ApiError && error.status >= 400 && error.status < 500) && count < 2,
      },
    },
  });
}

function ThemedToaster() {
  const { resolvedTheme } = useTheme();
  return (
    <Toaster
      theme={resolvedTheme === "dark" ? "dark" : "light"}
      position="bottom-right"
      richColors
      closeButton
      toastOptions={{ duration: 6_000 }}
      containerAriaLabel="Notifications"
    />
  );
}

export function Providers({ children, nonce }: { children: ReactNode; nonce?: string }) {
  const [client] = useState(makeClient);
  return (
    <ThemeProvider attribute="class" defaultTheme="system" enableSystem disableTransitionOnChange storageKey={THEME_STORAGE_KEY} nonce={nonce}>
      <QueryClientProvider client={client}>
        {children}
        <ThemedToaster />
      </QueryClientProvider>
    </ThemeProvider>
  );
}
