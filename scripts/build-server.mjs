// Compiles the production server (server/index.ts and the lib code it uses)
// into one ES module, dist/server.mjs, with esbuild. Packages stay external
// (resolved from node_modules at run time); "server-only" compiles to
// nothing, as it does in Next's server bundles. Run by `npm run build`.
import { build } from "esbuild";
import path from "node:path";

const root = path.resolve(import.meta.dirname, "..");

const serverOnly = {
  name: "server-only",
  setup(b) {
    b.onResolve({ filter: /^server-only$/ }, () => ({ path: "server-only", namespace: "empty" }));
    b.onLoad({ filter: /.*/, namespace: "empty" }, () => ({ contents: "", loader: "js" }));
  },
};

await build({
  absWorkingDir: root,
  entryPoints: ["server/index.ts"],
  outfile: "dist/server.mjs",
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  packages: "external",
  plugins: [serverOnly],
  sourcemap: "linked",
  logLevel: "warning",
  legalComments: "none",
});
