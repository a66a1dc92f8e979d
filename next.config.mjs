/** @type {import('next').NextConfig} */
const nextConfig = {
  reactStrictMode: true,
  // A separate build folder lets several builds (tests, bench) coexist.
  distDir: process.env.NEXT_DIST_DIR || ".next",
  poweredByHeader: false,
  // The build checks the app's types only; tests are type-checked by
  // npm run typecheck (tsconfig.json), a tier of its own.
  typescript: { tsconfigPath: "tsconfig.app.json" },
  // Native modules stay outside the bundle (PLATFORM.md).
  // prom-client too: one copy of the metrics registry for Next and the custom server.
  serverExternalPackages: ["better-sqlite3", "pg", "@prisma/adapter-better-sqlite3", "@prisma/adapter-pg", "prom-client"],
  // proxy.ts runs on the dashboard's and sign-in's routes; Next copies a
  // request body for it up to this size (10 MB by default). Those routes
  // take small forms; npm start's server refuses larger or chunked bodies
  // before Next, this bounds plain `next start` too.
  experimental: { proxyClientMaxBodySize: 1024 * 1024 },
  outputFileTracingIncludes: { "/*": ["./prisma/*/migrations/**/*"] },
  async headers() {
    return [
      {
        source: "/:path*",
        headers: [
          { key: "X-Content-Type-Options", value: "nosniff" },
          { key: "X-Frame-Options", value: "DENY" },
          { key: "Referrer-Policy", value: "same-origin" },
        ],
      },
    ];
  },
};

export default nextConfig;
