"use client";
// What the server knew when it rendered the page: the time and the
// dashboard's own origin. While a page hydrates, components print with these
// (and in UTC), so the browser's first render matches the server's HTML; the
// browser's own clock, zone and origin take over right after.
import { createContext, useContext, useSyncExternalStore, type ReactNode } from "react";

type RenderInfo = { now: number; origin: string };

const RenderContext = createContext<RenderInfo>({ now: 0, origin: "https://vault.example.com" });

export function RenderContextProvider({ now, origin, children }: RenderInfo & { children: ReactNode }) {
  return <RenderContext.Provider value={{ now, origin }}>{children}</RenderContext.Provider>;
}

export const useRenderInfo = () => useContext(RenderContext);

const never = () => () => {};

/** False on the server and during hydration, true after. */
export function useHydrated(): boolean {
  return useSyncExternalStore(
    never,
    () => true,
    () => false,
  );
}
