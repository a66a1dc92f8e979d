// Shared steps and checks of the e2e journey.
import AxeBuilder from "@axe-core/playwright";
import { expect, type Locator, type Page, type TestInfo } from "@playwright/test";
import { E2E_PASSWORD } from "./accounts";

export const SCREENS = "e2e/artifacts/screens";

/** A full-page screenshot per viewport project: e2e/artifacts/screens/<project>/<name>.png. */
export async function shot(page: Page, info: TestInfo, name: string) {
  await page.screenshot({ path: `${SCREENS}/${info.project.name}/${name}.png`, fullPage: true, animations: "disabled" });
}

/** axe-core (WCAG 2.x A and AA rules) on the page, or on one dialog: no violations. */
export async function expectAccessible(page: Page, what: string, within?: string, options: { owedElsewhere?: string[] } = {}) {
  let builder = new AxeBuilder({ page }).withTags(["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "best-practice"]);
  // Sonner's toasts come and go while axe runs; they are checked on their own below.
  builder = builder.exclude("[data-sonner-toaster]");
  if (within) builder = builder.include(within);
  const { violations: all } = await builder.analyze();
  // A rule broken by a component another branch is rewriting (named at the call); everything else must pass.
  const violations = all.filter((v) => !options.owedElsewhere?.includes(v.id));
  const summary = violations.map((v) => `${v.id} (${v.impact}): ${v.help} — ${v.nodes.map((n) => n.target.join(" ")).slice(0, 3).join(", ")}`);
  expect(summary, `axe violations on ${what}`).toEqual([]);
}

/** Nothing wider than the viewport: no sideways scrolling. */
export async function expectNoHorizontalScroll(page: Page, what: string) {
  const { scrollWidth, innerWidth } = await page.evaluate(() => ({ scrollWidth: document.documentElement.scrollWidth, innerWidth: window.innerWidth }));
  expect(scrollWidth, `${what} is ${scrollWidth}px wide in a ${innerWidth}px window`).toBeLessThanOrEqual(innerWidth);
}

/** The dialog lies entirely inside the viewport, and nothing in it is wider than it. */
export async function expectDialogFits(page: Page, dialog: Locator) {
  const box = (await dialog.boundingBox())!;
  const vp = page.viewportSize()!;
  expect(box.x).toBeGreaterThanOrEqual(0);
  expect(box.y).toBeGreaterThanOrEqual(0);
  expect(box.x + box.width).toBeLessThanOrEqual(vp.width);
  expect(box.y + box.height).toBeLessThanOrEqual(vp.height);
  const overflow = await dialog.evaluate((el) => el.scrollWidth - el.clientWidth);
  expect(overflow, "the dialog scrolls sideways").toBeLessThanOrEqual(0);
}

/** The focused element shows a focus indicator: an outline or a ring (box-shadow), on itself or its ::after. */
export async function focusIsVisible(page: Page): Promise<{ ok: boolean; what: string }> {
  return page.evaluate(() => {
    const el = document.activeElement as HTMLElement | null;
    if (!el || el === document.body) return { ok: false, what: "nothing focused" };
    const visible = (s: CSSStyleDeclaration) =>
      (s.outlineStyle !== "none" && parseFloat(s.outlineWidth) > 0) || (s.boxShadow !== "none" && s.boxShadow !== "");
    const ok = visible(getComputedStyle(el)) || visible(getComputedStyle(el, "::after"));
    const label = el.getAttribute("aria-label") || el.textContent?.trim().slice(0, 40) || el.tagName;
    return { ok, what: `${el.tagName.toLowerCase()} “${label}”` };
  });
}

/** Tabs through the page `steps` times; every stop must show where the focus is. */
export async function expectVisibleFocusWhileTabbing(page: Page, steps: number) {
  await page.locator("body").click({ position: { x: 1, y: 1 } });
  const misses: string[] = [];
  for (let i = 0; i < steps; i++) {
    await page.keyboard.press("Tab");
    const r = await focusIsVisible(page);
    if (!r.ok) misses.push(r.what);
  }
  expect(misses, "focused elements without a visible focus indicator").toEqual([]);
}

export async function signIn(page: Page, email: string) {
  await page.goto("/sign-in");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(E2E_PASSWORD);
  await page.getByRole("button", { name: "Sign in" }).click();
  await expect(page).toHaveURL(/\/projects$/);
}

/** A toast with this text appears. */
export async function expectToast(page: Page, text: string | RegExp) {
  await expect(page.locator("[data-sonner-toast]").filter({ hasText: text }).first()).toBeVisible();
}

/**
 * The class on <html> when the page's first content (header, main) enters
 * the document, i.e. before anything can be painted: the theme of the first paint.
 */
export async function recordFirstFrameTheme(page: Page) {
  await page.addInitScript(() => {
    const w = window as unknown as { __firstFrameClass?: string };
    const observer = new MutationObserver(() => {
      if (w.__firstFrameClass === undefined && document.querySelector("header, main")) {
        w.__firstFrameClass = document.documentElement.className || "(none)";
        observer.disconnect();
      }
    });
    observer.observe(document, { subtree: true, childList: true });
  });
}
export async function firstFrameClass(page: Page): Promise<string> {
  const handle = await page.waitForFunction(() => (window as unknown as { __firstFrameClass?: string }).__firstFrameClass, undefined, { timeout: 15_000 });
  return (await handle.jsonValue()) as string;
}
