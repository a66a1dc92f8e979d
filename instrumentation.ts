// Next.js calls register() once when a server process starts, before it
// serves a request: migrations and background jobs start here.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  // Methods Next.js cannot represent (TRACE) would otherwise get a bare 500.
  const { installMethodGuard } = await import("./lib/http-method-guard");
  installMethodGuard();
  const { bootServer } = await import("./lib/boot");
  await bootServer();
}
