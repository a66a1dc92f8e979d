// The e2e accounts (made by e2e/seed.ts before the tests run).
export const E2E_VIEWPORTS = ["desktop", "phone", "dark"] as const;
export type E2EViewport = (typeof E2E_VIEWPORTS)[number];
export const E2E_PASSWORD = "correct horse battery staple";
export const ownerEmail = (viewport: string) => `owner-${viewport}@example.com`;
export const memberEmail = "member@example.com";
