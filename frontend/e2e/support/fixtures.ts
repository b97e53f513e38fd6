// Every browser test fails on a console error or an uncaught page error, and can save screenshots of
// the pages it visits under test-results/screenshots/ for people to look at.
import { expect, test as base, type Page } from "@playwright/test";
import { mkdirSync } from "node:fs";

const SHOTS = "test-results/screenshots";

export interface ConsoleWatch {
  errors: string[];
  /** Errors a test expects, such as the line Chromium logs for every 4xx answer; these don't fail it. */
  expected: RegExp[];
}

export const test = base.extend<{ consoleWatch: ConsoleWatch }>({
  consoleWatch: [
    async ({ context }, use) => {
      // The Firestore SDK logs once when its first connection takes over 10 s (an emulator still warming up
      // on a busy machine) and keeps trying; the page shows the API's answers meanwhile.
      const watch: ConsoleWatch = { errors: [], expected: [/@firebase\/firestore: .*Could not reach Cloud Firestore backend/] };
      const observe = (page: Page) => {
        page.on("console", (message) => {
          if (message.type() === "error") watch.errors.push(`${page.url()}: ${message.text()}`);
        });
        page.on("pageerror", (error) => watch.errors.push(`${page.url()}: uncaught ${error.message}`));
      };
      context.pages().forEach(observe);
      context.on("page", observe);
      await use(watch);
      const unexpected = watch.errors.filter((error) => !watch.expected.some((pattern) => pattern.test(error)));
      expect(unexpected, "browser console errors").toEqual([]);
    },
    { auto: true },
  ],
});

export { expect };

export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.evaluate(() => window.scrollTo(0, 0)); // the sticky header belongs at the top of a full-page shot
  await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
}

/** Watch a second browser context (another person) for console errors too. */
export function watchPage(page: Page, watch: ConsoleWatch): void {
  page.on("console", (message) => {
    if (message.type() === "error") watch.errors.push(`${page.url()}: ${message.text()}`);
  });
  page.on("pageerror", (error) => watch.errors.push(`${page.url()}: uncaught ${error.message}`));
}

export async function signInThroughPage(page: Page, email: string, password: string): Promise<void> {
  await page.goto("/signin");
  await page.getByLabel("Email").fill(email);
  await page.getByLabel("Password").fill(password);
  await page.getByRole("button", { name: "Sign in", exact: true }).click();
  await expect(page.getByRole("navigation", { name: "Main" })).toBeVisible();
}
