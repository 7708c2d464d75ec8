import { expect, test } from "@playwright/test";
import { E2E_TOKEN } from "../playwright.config";

/** The second console under test listens on 0.0.0.0: every page and API call needs the token. */
const SECURE = `http://127.0.0.1:${Number(process.env.E2E_PORT ?? 3210) + 1}`;

test("off loopback, a request without the token is refused and a page asks to log in", async ({ page, request }, info) => {
  const api = await request.get(`${SECURE}/api/pipelines`);
  expect(api.status()).toBe(401);
  expect((await api.json()).error.code).toBe("UNAUTHENTICATED");
  expect((await request.get(`${SECURE}/api/pipelines`, { headers: { Authorization: "Bearer wrong-token-wrong-token" } })).status()).toBe(401);
  expect((await request.get(`${SECURE}/api/pipelines`, { headers: { Authorization: `Bearer ${E2E_TOKEN}` } })).status()).toBe(200);
  // Starting a run is refused without the token, whatever the body.
  expect((await request.post(`${SECURE}/api/pipelines/demo/runs`, { data: {} })).status()).toBe(401);

  await page.goto(`${SECURE}/runs`);
  await expect(page).toHaveURL(/\/login\?next=%2Fruns/);
  await page.getByLabel("Token").fill("not the token at all");
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page.getByText("That token is not right.")).toBeVisible();
  await info.attach("login", { body: await page.screenshot(), contentType: "image/png" });
  await page.getByLabel("Token").fill(E2E_TOKEN);
  await page.getByRole("button", { name: "Log in" }).click();
  await expect(page).toHaveURL(`${SECURE}/runs`);
  await expect(page.getByRole("heading", { name: "Runs" })).toBeVisible();
  const cookies = await page.context().cookies(SECURE);
  expect(cookies.find((c) => c.name === "flowctl_session")).toMatchObject({ httpOnly: true, sameSite: "Strict" });

  // With the session cookie, a mutation from another origin is refused (cross-site request forgery).
  const cookie = cookies.map((c) => `${c.name}=${c.value}`).join("; ");
  const forged = await request.post(`${SECURE}/api/pipelines/demo/runs`, { headers: { Cookie: cookie, Origin: "http://evil.example" }, data: {} });
  expect(forged.status()).toBe(403);
});

test("off loopback, pipelines that name their own command are refused without --allow-commands", async ({ request }) => {
  const yaml = `apiVersion: flowctl/v1
kind: Pipeline
metadata: { name: own-command }
spec:
  sources: [{ id: gen, command: [node, gen.js] }]
  sinks: [{ id: out, type: blackhole, inputs: [gen] }]
`;
  const res = await request.put(`${SECURE}/api/pipelines/own-command`, { headers: { Authorization: `Bearer ${E2E_TOKEN}`, "Content-Type": "application/yaml" }, data: yaml });
  expect(res.status()).toBe(422);
  const body = await res.json();
  expect(body.diagnostics.map((d: { code: string }) => d.code)).toContain("console.command-not-allowed");
  expect((await request.get(`${SECURE}/api/pipelines/own-command`, { headers: { Authorization: `Bearer ${E2E_TOKEN}` } })).status()).toBe(404);
});
