"use client";
import { useSyncExternalStore } from "react";

const subscribe = () => () => {};

/** This dashboard's origin, the base URL the SDK talks to (a placeholder while rendering on the server). */
export function useBaseUrl(): string {
  return useSyncExternalStore(
    subscribe,
    () => window.location.origin,
    () => "https://vault.example.com",
  );
}
