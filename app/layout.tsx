import type { Metadata } from "next";
import "./globals.css";

export const metadata: Metadata = {
  title: { default: "Data Vault", template: "%s · Data Vault" },
  description: "A self-hostable vault for the secrets your app holds for its users.",
};

export default function RootLayout({ children }: { children: React.ReactNode }) {
  return (
    <html lang="en">
      <body className="min-h-screen font-sans">{children}</body>
    </html>
  );
}
