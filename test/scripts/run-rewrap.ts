// A separate process running the rewrap job, as a second app instance
// would: prints {"ran": boolean, "processed": n} when done.
import { prepareDatabase } from "@/lib/startup";
import { runRewrap } from "@/lib/vault/rewrap";
import { closeDb } from "@/lib/db/client";

await prepareDatabase();
let processed = 0;
const ran = await runRewrap({ batchSize: Number(process.env.BATCH ?? 10), retireAfterMs: 0, onProgress: (p) => (processed = p.processed) });
await closeDb();
console.log(JSON.stringify({ ran, processed }));
