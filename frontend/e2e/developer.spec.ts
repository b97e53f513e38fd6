// The developer API from the web app: a key made on the Account page works as a bearer token until it is
// revoked, its secret is shown once, and /docs renders the server's OpenAPI document.
import { createAccount } from "./support/stack";
import { expect, screenshot, signInThroughPage, test } from "./support/fixtures";

const API = process.env.CINEWEAVE_URL ?? "http://127.0.0.1:8080";

/** GET /api/jobs with an API key: the status only, so a refused key can be told apart. */
async function listJobsWith(key: string): Promise<number> {
  const response = await fetch(`${API}/api/jobs`, { headers: { Authorization: `Bearer ${key}` } });
  return response.status;
}

test.use({ permissions: ["clipboard-read", "clipboard-write"] });

test("an API key is shown once, listed by its prefix, works, and stops working when revoked", async ({ page }) => {
  const developer = await createAccount("developer");
  await signInThroughPage(page, developer.email, developer.password);
  await page.getByRole("link", { name: "Account" }).click();
  const section = page.getByTestId("api-keys");
  await expect(section.getByText(/No API keys yet/)).toBeVisible();

  await section.getByLabel("Key name").fill("Render server");
  await section.getByRole("button", { name: "Create key" }).click();
  const secretField = section.getByLabel("New API key");
  await expect(secretField).toHaveValue(/^cw_/);
  const secret = await secretField.inputValue();
  await expect(section.getByTestId("new-key")).toContainText("you won't see it again");
  await section.getByRole("button", { name: "Copy" }).click();
  expect(await page.evaluate(() => navigator.clipboard.readText())).toBe(secret);
  await screenshot(page, "20-api-key-created");

  const row = section.getByTestId("api-key-list").getByRole("row", { name: /Render server/ });
  await expect(row).toContainText("Never");
  const prefix = (await row.locator("td.mono").innerText()).replace(/…$/, "");
  expect(secret.startsWith(prefix)).toBe(true);
  expect(prefix.length).toBeLessThan(secret.length);
  await expect(section.getByTestId("api-key-list")).not.toContainText(secret);
  expect(await listJobsWith(secret)).toBe(200);

  // Gone once dismissed, and after a reload: only the prefix is ever listed.
  await section.getByRole("button", { name: "I've saved it" }).click();
  await expect(section.getByLabel("New API key")).toHaveCount(0);
  await page.reload();
  await expect(row).toBeVisible();
  await expect(page.locator("body")).not.toContainText(secret);

  await row.getByRole("button", { name: "Revoke Render server" }).click();
  await row.getByRole("button", { name: "Revoke key" }).click();
  await expect(section.getByText(/No API keys yet/)).toBeVisible();
  expect(await listJobsWith(secret)).toBe(401);
});

test("/docs shows the quick start and the reference from the OpenAPI document", async ({ page }) => {
  await page.goto("/docs");
  await expect(page.getByRole("heading", { name: "CineWeave API", level: 1 })).toBeVisible();
  await expect(page.getByRole("tab", { name: "Python" })).toBeVisible();
  const reference = page.getByTestId("api-reference");
  // Redoc renders each operation's summary as a heading in its middle column, after its anchor link's text.
  await expect(reference.getByRole("heading", { name: /Create a video job$/ }).first()).toBeVisible({ timeout: 30_000 });
  await screenshot(page, "21-api-docs");
});
