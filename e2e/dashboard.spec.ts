// The dashboard journey in Chromium against the production build: sign up,
// create a project, a store and a server key; the SDK writes three entries
// and deletes one; the dashboard shows 2 and the activity; revoking the key
// gives the SDK 401; deleting the store (typing its id) makes the API answer
// STORE_NOT_FOUND. Each page is saved to e2e/artifacts/screens/.
import { expect, test, type Page } from "@playwright/test";
import { DataVaultClient, DataVaultError } from "../sdk/src/index.js";

const SCREENS = "e2e/artifacts/screens";
const email = `owner-${Date.now()}@example.com`;
const password = "correct horse battery staple";
const appSecret = "e2e-app-secret-0123456789abcdef-0123456789";
const storeId = "oauth-tokens";

const shot = (page: Page, name: string) => page.screenshot({ path: `${SCREENS}/${name}.png`, fullPage: true });

/** The SDK error code of a call that must fail. */
async function sdkErrorCode(fn: () => Promise<unknown>): Promise<string> {
  try {
    await fn();
    return "no error";
  } catch (error) {
    return error instanceof DataVaultError ? error.code : String(error);
  }
}

test.describe.configure({ mode: "serial" });

test("sign up, project, store, server key, SDK writes, revoke, delete", async ({ page, baseURL }) => {
  test.setTimeout(180_000);

  // Sign-in page first: it must not let anyone in.
  await page.goto("/projects");
  await expect(page).toHaveURL(/\/sign-in/);
  await expect(page.getByRole("heading", { name: "Sign in" })).toBeVisible();
  await page.getByLabel("Email").fill("nobody@example.com");
  await page.getByLabel("Password").fill("wrong password here");
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page.getByText("That email and password do not match an account.")).toBeVisible();
  await shot(page, "sign-in");

  // Sign up: a short password is refused in place, the typed email kept.
  await page.getByRole("link", { name: "Create an account" }).click();
  await expect(page.getByRole("heading", { name: "Create an account" })).toBeVisible();
  await expect(page.getByText("becomes the instance admin")).toBeVisible();
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill("short");
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page.getByText("Use at least 10 characters.")).toBeVisible();
  await expect(page.getByLabel("Email")).toHaveValue(email);
  await shot(page, "sign-up");
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Create account" }).click();
  await expect(page).toHaveURL(/\/projects$/);
  await expect(page.getByText("Create your first project")).toBeVisible();
  await shot(page, "projects-empty");

  // Project.
  await page.getByRole("button", { name: "New project" }).click();
  const projectDialog = page.getByRole("dialog", { name: "Create a project" });
  await projectDialog.getByRole("button", { name: "Create project" }).click();
  await expect(projectDialog.getByText("Enter a project name.")).toBeVisible();
  await projectDialog.getByLabel("Project name").fill("Acme production");
  await projectDialog.getByRole("button", { name: "Create project" }).click();
  await expect(page).toHaveURL(/\/projects\/[^/]+$/);
  const projectUrl = page.url();
  await expect(page.getByRole("heading", { name: "Acme production" })).toBeVisible();
  await expect(page.getByText("No stores yet")).toBeVisible();
  await expect(page.getByText("getDataVaultStore(")).toBeVisible();
  await shot(page, "project-empty");

  // Store: the id is checked as you type; then created.
  await page.getByRole("button", { name: "Create your first store" }).click();
  const storeDialog = page.getByRole("dialog", { name: "Create a store" });
  await storeDialog.getByLabel("Store id").fill("-bad id");
  await expect(storeDialog.getByText("Letters, digits, _ and - only")).toBeVisible();
  await shot(page, "store-create-invalid");
  await storeDialog.getByLabel("Store id").fill(storeId);
  await expect(storeDialog.getByText("Looks good")).toBeVisible();
  await storeDialog.getByLabel("Display name").fill("OAuth tokens");
  await storeDialog.getByLabel("Description (optional)").fill("GitHub refresh tokens");
  await storeDialog.getByRole("button", { name: "Create store" }).click();
  await expect(page).toHaveURL(new RegExp(`/stores/${storeId}$`));
  await expect(page.getByTestId("store-entries")).toHaveText("0");
  const storeUrl = page.url();

  // A duplicate id is refused in place, keeping what was typed.
  await page.goto(projectUrl);
  await page.getByRole("button", { name: "New store" }).click();
  await storeDialog.getByLabel("Store id").fill(storeId);
  await storeDialog.getByLabel("Display name").fill("Again");
  await storeDialog.getByRole("button", { name: "Create store" }).click();
  await expect(storeDialog.getByText("already has a store with this id")).toBeVisible();
  await expect(storeDialog.getByLabel("Display name")).toHaveValue("Again");
  await shot(page, "store-create-duplicate");
  await page.keyboard.press("Escape");
  await expect(storeDialog).toBeHidden();

  // Server key, shown once.
  await page.getByRole("link", { name: "Server keys" }).click();
  await expect(page.getByText("No server keys yet")).toBeVisible();
  await page.getByRole("button", { name: "New server key" }).click();
  const keyDialog = page.getByRole("dialog", { name: "Create a server key" });
  await keyDialog.getByLabel("Name").fill("e2e-app");
  await shot(page, "server-key-create");
  await keyDialog.getByRole("button", { name: "Create key" }).click();
  const token = (await page.getByTestId("new-server-key").textContent())?.trim() ?? "";
  expect(token.length).toBeGreaterThan(20);
  await shot(page, "server-key-created");
  await page.getByRole("button", { name: "Done" }).click();
  await expect(page.getByTestId("server-key-row")).toContainText("e2e-app");
  await shot(page, "server-keys");

  // The SDK: three writes, one delete.
  const vault = new DataVaultClient({ baseUrl: baseURL!, serverKey: token, retries: 0 });
  const store = vault.getDataVaultStore(storeId);
  await store.setValue("gh:1", "refresh-token-1", { secret: appSecret });
  await store.setValue("gh:2", "refresh-token-2", { secret: appSecret });
  await store.setValue("gh:3", "refresh-token-3", { secret: appSecret });
  expect(await store.deleteValue("gh:2", { secret: appSecret })).toBe(true);
  expect(await store.getValue("gh:1", { secret: appSecret })).toBe("refresh-token-1");

  // The dashboard shows 2 entries, and the activity once it is flushed.
  await page.goto(storeUrl);
  await expect(page.getByTestId("store-entries")).toHaveText("2", { timeout: 20_000 });
  await expect(page.getByTestId("activity-writes")).toHaveText("3", { timeout: 30_000 });
  await expect(page.getByTestId("activity-deletes")).toHaveText("1");
  await expect(page.getByTestId("activity-reads")).toHaveText("1");
  await expect(page.getByText(`getDataVaultStore("${storeId}")`)).toBeVisible();
  await shot(page, "store");
  await page.goto(projectUrl);
  await expect(page.getByTestId("store-entry-count")).toHaveText("2");
  await shot(page, "stores");

  // Narrow screen.
  await page.setViewportSize({ width: 390, height: 844 });
  await page.goto(storeUrl);
  await expect(page.getByTestId("store-entries")).toHaveText("2");
  await shot(page, "store-390");
  await page.goto(projectUrl);
  await expect(page.getByTestId("store-entry-count")).toHaveText("2");
  await shot(page, "stores-390");
  await page.setViewportSize({ width: 1280, height: 800 });

  // Revoke: the SDK gets 401 (after the server-key cache window).
  await page.goto(`${projectUrl}/keys`);
  await page.getByRole("button", { name: "Revoke e2e-app" }).click();
  const revokeDialog = page.getByRole("dialog", { name: /Revoke/ });
  await shot(page, "server-key-revoke");
  await revokeDialog.getByRole("button", { name: "Revoke key" }).click();
  await expect(page.getByTestId("server-key-row")).toContainText("revoked");
  await expect.poll(() => sdkErrorCode(() => store.getValue("gh:1", { secret: appSecret })), { timeout: 20_000 }).toBe("UNAUTHENTICATED");

  // Delete the store by typing its id.
  await page.goto(storeUrl);
  await page.getByRole("button", { name: "Delete store" }).click();
  const deleteDialog = page.getByRole("dialog", { name: "Delete this store?" });
  const confirm = deleteDialog.getByRole("button", { name: "Delete store and entries" });
  await expect(confirm).toBeDisabled();
  await deleteDialog.getByLabel(/to confirm/).fill("oauth-token");
  await expect(confirm).toBeDisabled();
  await deleteDialog.getByLabel(/to confirm/).fill(storeId);
  await shot(page, "store-delete");
  await confirm.click();
  await expect(page).toHaveURL(projectUrl);
  await expect(page.getByText("No stores yet")).toBeVisible();

  // The API answers STORE_NOT_FOUND (with a fresh, valid key).
  await page.getByRole("link", { name: "Server keys" }).click();
  await page.getByRole("button", { name: "New server key" }).click();
  await keyDialog.getByLabel("Name").fill("after-delete");
  await keyDialog.getByRole("button", { name: "Create key" }).click();
  const token2 = (await page.getByTestId("new-server-key").textContent())?.trim() ?? "";
  await page.getByRole("button", { name: "Done" }).click();
  const res = await fetch(`${baseURL}/api/v1/stores/${storeId}`, { headers: { Authorization: `Bearer ${token2}` } });
  expect(res.status).toBe(404);
  expect(((await res.json()) as { error: { code: string } }).error.code).toBe("STORE_NOT_FOUND");
  const store2 = new DataVaultClient({ baseUrl: baseURL!, serverKey: token2, retries: 0 }).getDataVaultStore(storeId);
  expect(await sdkErrorCode(() => store2.getValue("gh:1", { secret: appSecret }))).toBe("STORE_NOT_FOUND");

  // Settings and the admin's master key page.
  await page.getByRole("link", { name: "Settings" }).click();
  await expect(page.getByLabel("Project name")).toHaveValue("Acme production");
  await page.getByLabel("Add a member by email").fill("nobody@example.com");
  await page.getByRole("button", { name: "Add", exact: true }).click();
  await expect(page.getByText("No account uses this email.")).toBeVisible();
  await expect(page.getByLabel("Add a member by email")).toHaveValue("nobody@example.com");
  await shot(page, "project-settings");

  await page.getByRole("link", { name: "Master keys" }).click();
  await expect(page.getByRole("heading", { name: "Master keys" })).toBeVisible();
  await expect(page.getByRole("cell", { name: "v1" })).toBeVisible();
  await shot(page, "master-keys");
  await page.getByRole("button", { name: "Rotate now" }).click();
  await page.getByRole("button", { name: "Rotate master key" }).click();
  await expect(page.getByRole("cell", { name: "v2" })).toBeVisible({ timeout: 15_000 });
  await expect(page.getByRole("progressbar")).toHaveAttribute("aria-valuenow", "100", { timeout: 15_000 });
  await page.waitForTimeout(600); // the bar's width transition
  await shot(page, "master-keys-rotated");

  await page.goto("/projects");
  await expect(page.getByRole("link", { name: /Acme production/ })).toBeVisible();
  await shot(page, "projects");

  // Sign out ends the session.
  await page.getByRole("button", { name: "Sign out" }).click();
  await expect(page).toHaveURL(/\/sign-in/);
  await page.goto("/projects");
  await expect(page).toHaveURL(/\/sign-in/);
});
