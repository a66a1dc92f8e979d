// Toasts for finished and failed actions (sonner). A failure the form shows
// beside its field is not toasted again. Client-safe.
import { toast } from "sonner";
import { isApiError } from "./api-client";

export function notifyDone(message: string, description?: string): void {
  toast.success(message, description ? { description } : undefined);
}

export function notifyFailed(title: string, error: unknown): void {
  if (isApiError(error) && error.details.length > 0) return;
  toast.error(title, { description: error instanceof Error ? error.message : "Something went wrong." });
}
