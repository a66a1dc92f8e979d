import nextVitals from "eslint-config-next/core-web-vitals";
import nextTs from "eslint-config-next/typescript";

const config = [
  ...nextVitals,
  ...nextTs,
  {
    ignores: ["node_modules/**", ".next*/**", "bench/results/**", "test-results/**", "lib/generated/**", "sdk/dist/**", "dist/**", "public/sdk/**", "e2e/artifacts/**", "next-env.d.ts", "data/**"],
  },
];

export default config;
