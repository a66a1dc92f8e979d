// Pages arrive with their data: for each dashboard page, full loads in
// Chromium measure first contentful paint and the moment the page's data is
// on screen (the element that carries it is in the document and painted).
// The server renders the data into the HTML (checked directly too), so the
// two coincide; the target is data on screen within 0.3 s of first paint.
// Writes e2e/artifacts/perf.json and perf.md (the README's table).
import { mkdirSync, writeFileSync } from "node:fs";
import { expect, test, type Page } from "@playwright/test";
import { ownerEmail } from "./accounts";
import { signIn } from "./helpers";

const RUNS = 5;
const TARGET_MS = 300;

type Row = { page: string; path: string; firstPaint: number; dataOnScreen: number; delta: number };

async function measure(page: Page, path: string) {
  await page.goto(path, { waitUntil: "load" });
  // Both marks must be in: the data's frame and the browser's first-contentful-paint entry, which
  // Chromium queues when the frame is presented and may deliver after the page's own animation frames
  // on a busy machine (a CI run read it too early and got NaN).
  await page.waitForFunction(
    () =>
      (window as unknown as { __data?: number }).__data !== undefined &&
      performance.getEntriesByName("first-contentful-paint").length > 0,
    undefined,
    { timeout: 30_000 },
  );
  return page.evaluate(() => {
    const w = window as unknown as { __insertedAt: number; __data: number };
    const fcp = performance.getEntriesByName("first-contentful-paint")[0]?.startTime ?? NaN;
    // In the document before the first paint: painted with it. Later: at the frame after it arrived.
    const data = w.__insertedAt <= fcp ? fcp : w.__data;
    return { fcp, data };
  });
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

test("every dashboard page shows its data within 0.3 s of first paint", async ({ page, baseURL }, info) => {
  test.skip(info.project.name !== "desktop", "measured once, at 1440×900");
  test.setTimeout(300_000);
  await signIn(page, ownerEmail("desktop"));

  // A project with a store, entries' activity and a key, made through the dashboard's own API.
  const api = async (path: string, body: unknown) => {
    const res = await page.request.post(path, { data: body, headers: { Origin: baseURL! } });
    expect(res.status(), `${path}: ${await res.text()}`).toBe(201);
    return res.json();
  };
  const { project } = await api("/api/dashboard/projects", { name: "Timing" });
  await api(`/api/dashboard/projects/${project.id}/stores`, { storeId: "timed-store", displayName: "Timed store", description: "For the timing table" });
  await api(`/api/dashboard/projects/${project.id}/server-keys`, { name: "timing-key", stores: null, readOnly: false });

  const pages = [
    { page: "Projects", path: "/projects", selector: '[data-testid="project-card-name"]', text: "Timing" },
    { page: "Project (stores)", path: `/projects/${project.id}`, selector: '[data-testid="store-name"]', text: "Timed store" },
    { page: "Store", path: `/projects/${project.id}/stores/timed-store`, selector: '[data-testid="store-entries"]', text: "For the timing table" },
    { page: "Server keys", path: `/projects/${project.id}/keys`, selector: '[data-testid="server-key-name"]', text: "timing-key" },
    { page: "Project settings", path: `/projects/${project.id}/settings`, selector: '[id^="role-"]', text: ownerEmail("desktop") },
    { page: "Master keys", path: "/admin/master-keys", selector: "table tbody tr", text: ">primary</span>" },
  ];

  await page.addInitScript(() => {
    const w = window as unknown as { __selector: string; __insertedAt?: number; __data?: number };
    const check = () => {
      if (w.__insertedAt !== undefined || !w.__selector || !document.querySelector(w.__selector)) return;
      w.__insertedAt = performance.now();
      requestAnimationFrame(() => requestAnimationFrame(() => (w.__data = performance.now())));
    };
    new MutationObserver(check).observe(document, { subtree: true, childList: true });
  });

  const rows: Row[] = [];
  for (const p of pages) {
    // The data is in the server's HTML, before any JavaScript runs.
    const html = await (await page.request.get(p.path)).text();
    expect(html, `${p.page}: the server-rendered HTML holds the data`).toContain(p.text);

    await page.addInitScript((sel) => ((window as unknown as { __selector: string }).__selector = sel), p.selector);
    const fcps: number[] = [];
    const datas: number[] = [];
    await measure(page, p.path); // warm-up: compiled chunks cached, as on a second visit
    for (let i = 0; i < RUNS; i++) {
      const { fcp, data } = await measure(page, p.path);
      fcps.push(fcp);
      datas.push(data);
    }
    const row = { page: p.page, path: p.path.replace(project.id, ":projectId"), firstPaint: median(fcps), dataOnScreen: median(datas), delta: median(datas.map((d, i) => d - fcps[i]!)) };
    rows.push(row);
  }

  mkdirSync("e2e/artifacts", { recursive: true });
  writeFileSync("e2e/artifacts/perf.json", `${JSON.stringify({ runs: RUNS, viewport: "1440x900", rows }, null, 2)}\n`);
  const ms = (n: number) => `${Math.round(n)} ms`;
  writeFileSync(
    "e2e/artifacts/perf.md",
    [
      "| page | first paint | data on screen | after first paint |",
      "| --- | ---: | ---: | ---: |",
      ...rows.map((r) => `| ${r.page} (\`${r.path}\`) | ${ms(r.firstPaint)} | ${ms(r.dataOnScreen)} | ${ms(r.delta)} |`),
      "",
    ].join("\n"),
  );
  for (const r of rows) expect(r.delta, `${r.page}: data ${Math.round(r.delta)} ms after first paint`).toBeLessThanOrEqual(TARGET_MS);
});
