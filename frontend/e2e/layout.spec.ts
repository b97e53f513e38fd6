// The pages fit the screen, from a phone to a laptop: nothing is wider than the window.
import type { Page } from "@playwright/test";
import { createAccount, grantCredits } from "./support/stack";
import { expect, screenshot, signInThroughPage, test } from "./support/fixtures";

async function expectNoSideways(page: Page) {
  const widths = await page.evaluate(() => ({ page: document.documentElement.scrollWidth, screen: window.innerWidth }));
  expect(widths.page, `page wider than the window at ${page.url()}`).toBeLessThanOrEqual(widths.screen);
}

const SCREENS = [
  { name: "phone", use: { viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true } },
  { name: "laptop", use: { viewport: { width: 1366, height: 900 } } },
];

for (const screen of SCREENS) {
  test.describe(screen.name, () => {
    test.use(screen.use);

    test(`every page fits a ${screen.name} screen`, async ({ page }) => {
      const admin = await createAccount("admin", true);
      await grantCredits(admin, admin.uid, 3);
      await page.goto("/signin");
      await expectNoSideways(page);
      await signInThroughPage(page, admin.email, admin.password);

      for (const [path, name] of [["/", "dashboard"], ["/create", "create"], ["/account", "account"], ["/admin", "admin"]]) {
        await page.goto(path);
        await expect(page.getByRole("heading").first()).toBeVisible();
        await expect(page.locator(".spinner")).toHaveCount(0);
        await expectNoSideways(page);
        if (screen.name === "phone") await screenshot(page, `phone-${name}`);
      }
      await page.goto("/create");
      await expect(page.getByRole("button", { name: /^Generate/ })).toBeEnabled();
    });
  });
}
