// Served by the v1 operation table (lib/api/operations.ts); every method goes to its dispatcher.
import { v1Route } from "@/lib/api/route";
export const { GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS } = v1Route("/api/v1/stores/{storeId}/entries/batch-get");
