// Next.js calls register() once when a server process starts, before it
// serves a request: migrations and background jobs start here.
export async function register() {
  if (process.env.NEXT_RUNTIME !== "nodejs") return;
  const { bootServer } = await import("./lib/boot");
  await bootServer();
}
