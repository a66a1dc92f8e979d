"use client";
import { useMutation, useQuery, useQueryClient } from "@tanstack/react-query";
import { useEffect, useRef } from "react";
import { masterKeyKeys, masterKeysApi } from "./api";

export const useMasterKeys = () => useQuery({ queryKey: masterKeyKeys.overview(), queryFn: masterKeysApi.overview });

/** Polls every second while a rewrap runs; refreshes the key list when it ends. */
export function useRewrapStatus(enabled: boolean) {
  const qc = useQueryClient();
  const query = useQuery({
    queryKey: masterKeyKeys.rewrap(),
    queryFn: masterKeysApi.rewrap,
    enabled,
    refetchInterval: (q) => (q.state.data?.state === "running" || q.state.data === undefined ? 1_000 : false),
  });
  const previous = useRef(query.data?.state);
  useEffect(() => {
    const state = query.data?.state;
    if (previous.current === "running" && state !== "running") {
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
    onSuccess: () => qc.invalidateQueries({ queryKey: masterKeyKeys.all }),
  });
}
