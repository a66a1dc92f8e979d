import { redirect } from "next/navigation";
import { AppShell } from "@/components/layout/app-shell";
import { RenderContextProvider } from "@/components/ui/render-context";
import { renderTime, requestOrigin, sessionUser } from "@/lib/dashboard/server-data";

export const dynamic = "force-dynamic";

export default async function DashboardLayout({ children }: { children: React.ReactNode }) {
  const user = await sessionUser();
  if (!user) redirect("/sign-in");
  return (
    <RenderContextProvider now={renderTime()} origin={await requestOrigin()}>
      <AppShell user={{ email: user.email, name: user.name, isAdmin: user.isAdmin }}>{children}</AppShell>
    </RenderContextProvider>
  );
}
