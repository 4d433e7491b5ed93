// Accessibility: axe-core (the engine behind Lighthouse's accessibility
// audit) checks every screen of the app against WCAG 2.1 A and AA — labels,
// names, roles, focusable controls, and colour contrast — in the light and
// the dark theme. Any violation fails the test with its rule and elements.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { createRequire } from 'node:module';
import { env, launch, openWidget, sendAsVisitor, shooter, unique } from './harness.mjs';

const axePath = createRequire(import.meta.url).resolve('axe-core/axe.min.js');

// audit runs axe on the page as it is and returns its violations, one line each.
async function audit(page, where) {
  await page.addScriptTag({ path: axePath });
  const result = await page.evaluate(() => window.axe.run(document, {
    runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] },
    resultTypes: ['violations'],
  }));
  return result.violations.map((v) => `${where}: ${v.id} (${v.impact}) — ${v.help}: ${v.nodes.slice(0, 3).map((n) => n.target.join(' ')).join(' | ')}`);
}

test('a11y: every screen passes WCAG 2.1 AA checks in both themes', { skip: !process.env.SB_ADMIN_EMAIL && 'SB_ADMIN_EMAIL is not set' }, async () => {
  const browser = await launch();
  try {
    // A conversation to show: a visitor writes on the widget.
    const visitor = await (await browser.newContext({ locale: 'en-US' })).newPage();
    await openWidget(visitor);
    await sendAsVisitor(visitor, unique('Accessibility check'));

    const found = [];
    for (const theme of ['light', 'dark']) {
      // bypassCSP: axe is injected as a script, which the app's policy would refuse.
      const ctx = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 900 }, bypassCSP: true, colorScheme: theme });
      await ctx.addInitScript((t) => localStorage.setItem('sb.theme', t), theme);
      const page = await ctx.newPage();
      const shot = shooter(`a11y-${theme}`);
      await page.goto(`${env.base}/login`);
      await page.getByTestId('login-submit').waitFor();
      found.push(...await audit(page, `${theme} login`));
      await page.getByTestId('login-email').fill(process.env.SB_ADMIN_EMAIL);
      await page.getByTestId('login-password').fill(env.agentPassword);
      await page.getByTestId('login-submit').click();
      await page.waitForURL((u) => !u.pathname.startsWith('/login'));

      await page.goto(`${env.base}/workspace`);
      await page.getByTestId('list-filter-all').click();
      await page.getByTestId('conversation-item').first().click();
      await page.getByTestId('message').first().waitFor();
      await page.getByTestId('composer-emoji').click();
      await shot(page, 'workspace');
      found.push(...await audit(page, `${theme} workspace`));

      await page.goto(`${env.base}/wallboard`);
      await page.getByTestId('wallboard-agent').first().waitFor();
      await page.getByTestId('wallboard-work-toggle').first().click();
      await page.getByTestId('wallboard-work').waitFor();
      await shot(page, 'wallboard');
      found.push(...await audit(page, `${theme} wallboard`));

      await page.goto(`${env.base}/customers`);
      await page.getByTestId('customer-row').first().waitFor();
      found.push(...await audit(page, `${theme} customers`));
      await page.getByTestId('customer-row').first().locator('a').click();
      await page.getByTestId('customer-page').waitFor();
      found.push(...await audit(page, `${theme} customer`));

      await page.goto(`${env.base}/admin`);
      await page.getByTestId('admin-nav-users').waitFor();
      const sections = await page.locator('[data-testid^="admin-nav-"]').evaluateAll((els) => els.map((e) => e.dataset.testid));
      assert.ok(sections.length >= 8, `admin sections: ${sections}`);
      for (const s of sections) {
        await page.getByTestId(s).click();
        await page.waitForLoadState('networkidle');
        if (s === 'admin-nav-queues') await page.getByTestId('queue-new').click();
        found.push(...await audit(page, `${theme} ${s}`));
        if (s === 'admin-nav-shield') {
          for (const tab of ['rules', 'lists', 'bindings', 'decisions', 'settings']) {
            await page.getByTestId(`shield-tab-${tab}`).click();
            await page.waitForLoadState('networkidle');
            found.push(...await audit(page, `${theme} shield ${tab}`));
          }
        }
      }
      await shot(page, 'admin');
      await ctx.close();
    }
    assert.deepEqual(found, [], `accessibility violations:\n${found.join('\n')}`);
  } finally {
    await browser.close();
  }
});
