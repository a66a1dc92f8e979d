import type { Metadata, Viewport } from "next";
import { connection } from "next/server";
import { headers } from "next/headers";
import { Providers } from "@/components/providers";
import "./globals.css";

// Never prerendered, not even at build: the home page and the not-found page
// read the database and the session, and a build that rendered them created
// ./data (an empty vault.db, and a session secret that would be baked into
// a container image).
export const dynamic = "force-dynamic";

export const metadata: Metadata = {
  title: { default: "Data Vault", template: "%s · Data Vault" },
  description: "A self-hostable vault for the secrets your app holds for its users.",
  // Files in public/: the SVG for browsers that take it, the ICO for the rest
  // (and for the /favicon.ico every browser asks for anyway).
  icons: {
    icon: [
      { url: "/favicon.ico", sizes: "16x16 32x32 48x48" },
      { url: "/icon.svg", type: "image/svg+xml" },
    ],
    apple: "/apple-touch-icon.png",
  },
};

export const viewport: Viewport = {
  width: "device-width",
  initialScale: 1,
  themeColor: [
    { media: "(prefers-color-scheme: light)", color: "#f8fafc" },
    { media: "(prefers-color-scheme: dark)", color: "#020617" },
  ],
};

export default async function RootLayout({ children }: { children: React.ReactNode }) {
  // Every page renders per request, so Next can put the request's CSP nonce
  // (proxy.ts) on its inline scripts; a prerendered page would have none.
  await connection();
  // A nonce-based Content-Security-Policy (set in the proxy) passes its
  // nonce as the x-nonce request header; next-themes puts it on the one
  // inline script that sets the theme before the first paint.
  const nonce = (await headers()).get("x-nonce") ?? undefined;
  return (
    // next-themes sets class and style on <html> before React hydrates.
    <html lang="en" suppressHydrationWarning>
      <body className="min-h-screen font-sans">
        <Providers nonce={nonce}>{children}</Providers>
      </body>
    </html>
  );
}
