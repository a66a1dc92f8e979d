"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { masterKeyKeys, masterKeysApi, type RewrapStatus } from "./api";

export const useMasterKeys = () => useQuery({ queryKey: masterKeyKeys.overview(), queryFn: masterKeysApi.overview });

export const isActive = (s: RewrapStatus | undefined) => s?.state === "running" || s?.state === "retiring";

/**
 * Rewrap progress: every second while a job moves (or one was just asked
 * for), every 15 s otherwise, so a rotation by policy or by another admin
 * shows up too. Refreshes the key list when a job ends.
 */
export function useRewrapStatus(enabled: boolean, expectingTarget: number | null) {
  const qc = useQueryClient();
  const query = useQuery({
    queryKey: masterKeyKeys.rewrap(),
    queryFn: masterKeysApi.rewrap,
    enabled,
    refetchInterval: (q) => (isActive(q.state.data) || expectingTarget !== null ? 1_000 : 15_000),
  });
  const previous = useRef(query.data?.state);
  useEffect(() => {
    const state = query.data?.state;
    if (previous.current !== undefined && previous.current !== state) {
      void qc.invalidateQueries({ queryKey: masterKeyKeys.overview() });
    }
    previous.current = state;
  }, [query.data?.state, qc]);
  return query;
}

export function useRotateMasterKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: masterKeysApi.rotate,
    // Not awaited: the dialog closes as soon as the rotation is made, not
    // when the page has reloaded its data (the rewrap runs meanwhile).
    onSuccess: () => void qc.invalidateQueries({ queryKey: masterKeyKeys.all }),
  });
}

export function useRetireMasterKey() {
  const qc = useQueryClient();
  return useMutation({
    mutationFn: masterKeysApi.retire,
    onSuccess: () => void qc.invalidateQueries({ queryKey: masterKeyKeys.all }),
  });
}
