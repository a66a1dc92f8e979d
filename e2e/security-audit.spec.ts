// The access audit in Chromium against the production build: a server key
// (read-write keys get the audit permission by default, read-only keys
// not), the SDK's reads, writes and its access log, then the project's
// audit page (filters, export), the store page's recent events and, for
// the instance admin, the security events. Pages go to e2e/artifacts/screens/.
import { expect as baseExpect, test, type Page } from "@playwright/test";
import { DataVaultClient } from "../sdk/src/index.js";
import { createUser } from "./cli";

// Generous: a loaded 2-core machine answers the first pages slowly.
const expect = baseExpect.configure({ timeout: 30_000 });
const SCREENS = "e2e/artifacts/screens";
const shot = (page: Page, name: string) => page.screenshot({ path: `${SCREENS}/${name}.png`, fullPage: true });
const appSecret = "e2e-audit-secret-0123456789abcdef-0123456789";

test("audit: key permission, SDK access log, audit page, store events, security events", async ({ page, baseURL }) => {
  test.setTimeout(240_000);
  // Sign-up is by invitation: the instance admin is made on the server's machine.
  const email = `auditor-${Date.now()}@example.com`;
  const password = "correct horse battery staple";
  createUser(email, password, { admin: true });
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/projects$/);
  await page.getByRole("button", { name: /New project|Create your first project/ }).first().click();
  const projectDialog = page.getByRole("dialog", { name: "Create a project" });
  await projectDialog.getByLabel("Project name").fill("Audited project");
  await projectDialog.getByRole("button", { name: "Create project" }).click();
  await expect(page).toHaveURL(/\/projects\/[^/]+$/);
  const projectUrl = page.url();
  await page.getByRole("button", { name: "Create your first store" }).click();
  const storeDialog = page.getByRole("dialog", { name: "Create a store" });
  await storeDialog.getByLabel("Store id").fill("oauth-tokens");
  await storeDialog.getByLabel("Display name").fill("OAuth tokens");
  await storeDialog.getByRole("button", { name: "Create store" }).click();
  await expect(page).toHaveURL(/\/stores\/oauth-tokens$/);
  const storeUrl = page.url();

  // The audit permission follows the access chosen, and can be changed.
  await page.goto(`${projectUrl}/keys`);
  await page.getByRole("button", { name: "New server key" }).click();
  const keyDialog = page.getByRole("dialog", { name: "Create a server key" });
  await keyDialog.getByLabel("Name").fill("app");
  const auditBox = keyDialog.getByRole("checkbox", { name: /Audit: read access logs/ });
  await expect(auditBox).toBeChecked();
  await keyDialog.getByText("Read only", { exact: true }).click();
  await expect(auditBox).not.toBeChecked();
  await keyDialog.getByText("Read and write", { exact: true }).click();
  await expect(auditBox).toBeChecked();
  await shot(page, "server-key-create-audit");
  await keyDialog.getByRole("button", { name: "Create key" }).click();
  const token = (await page.getByTestId("new-server-key").textContent())?.trim() ?? "";
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("server-key-row")).toContainText("audit");

  // The app's side: writes, reads, a miss, then who touched gh:1.
  const store = new DataVaultClient({ baseUrl: baseURL!, serverKey: token, retries: 0 }).getDataVaultStore("oauth-tokens");
  await store.setValue("gh:1", "refresh-token-1", { secret: appSecret });
  await store.setValue("gh:2", "refresh-token-2", { secret: appSecret });
  expect(await store.getValue("gh:1", { secret: appSecret })).toBe("refresh-token-1");
  expect(await store.getValue("gh:404", { secret: appSecret })).toBeNull();
  await expect
    .poll(async () => (await store.getAccessLog("gh:1", { secret: appSecret })).events.filter((e) => e.action !== "entry.access_log").map((e) => e.action), { timeout: 30_000 })
    // Newest first; setValue reads the current version before it writes (format v2 binds it into the ciphertext).
    .toEqual(["entry.read", "entry.write", "entry.read"]);

  // The operator's view: by key hash only.
  await page.goto(`${projectUrl}/audit`);
  await expect(page.getByRole("heading", { name: "Audit log" })).toBeVisible();
  await expect(page.getByTestId("audit-event").first()).toBeVisible();
  await expect(page.getByTestId("audit-events")).toContainText("Entry written");
  await expect(page.getByTestId("audit-events")).toContainText("Store created");
  await expect(page.getByTestId("audit-events")).not.toContainText("gh:1");
  await shot(page, "audit-log");
  await page.getByLabel("Result").selectOption("miss");
  // gh:404's read, and the version reads of the two first writes.
  await expect(page.getByTestId("audit-event")).toHaveCount(3);
  await shot(page, "audit-log-misses");
  const csv = await page.request.get(`${new URL(page.url()).pathname.replace("/projects/", "/api/dashboard/projects/")}/export?format=csv&result=miss`);
  expect(csv.status()).toBe(200);
  expect(csv.headers()["content-type"]).toMatch(/^text\/csv/);
  const lines = (await csv.text()).trim().split("\r\n");
  expect(lines[0]).toMatch(/^id,at,action,result,status,actorType/);
  expect(lines).toHaveLength(4);
  const jsonl = await page.request.get(`${new URL(page.url()).pathname.replace("/projects/", "/api/dashboard/projects/")}/export?format=jsonl`);
  expect((await jsonl.text()).trim().split("\n").length).toBeGreaterThanOrEqual(5);

  await page.goto(storeUrl);
  await expect(page.getByRole("heading", { name: "Recent events" })).toBeVisible();
  await expect(page.getByTestId("audit-event").first()).toBeVisible();
  await shot(page, "store-recent-events");

  // The instance admin sees security events.
  await page.getByRole("link", { name: "Security events" }).click();
  await expect(page.getByRole("heading", { name: "Security events" })).toBeVisible();
  await expect(page.getByTestId("audit-events")).toContainText("Server key created");
  await expect(page.getByTestId("audit-events")).toContainText("Audit log exported");
  await expect(page.getByTestId("audit-health")).toContainText("on");
  await shot(page, "security-events");
});
