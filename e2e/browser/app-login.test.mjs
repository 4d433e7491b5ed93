// The web app: signing in, in English and in Simplified Chinese (chosen
// from the browser, then switched by hand), a wrong password refused, the
// theme switch, and signing out.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, launch, shooter } from './harness.mjs';

async function signIn(page, password = env.agentPassword) {
  await page.getByTestId('login-email').fill(env.agentEmail);
  await page.getByTestId('login-password').fill(password);
  await page.getByTestId('login-submit').click();
}

test('app sign-in in English', async () => {
  const browser = await launch();
  try {
    const context = await browser.newContext({ locale: 'en-US', viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    const shot = shooter('app-login-en');
    await page.goto(`${env.base}/`);
    await page.getByTestId('login-submit').waitFor();
    assert.equal(await page.locator('h1').textContent(), 'Sign in to Switchboard');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'en');
    await shot(page, 'login');

    await signIn(page, 'not-the-password');
    const error = page.getByTestId('login-error');
    await error.waitFor();
    assert.equal(await error.textContent(), 'The email or password is wrong.');
    await shot(page, 'wrong-password');

    await signIn(page);
    await page.getByTestId('current-user').waitFor();
    assert.match(await page.getByTestId('current-user').textContent(), /Agent/);
    await shot(page, 'signed-in');

    // Dark theme, remembered across a reload.
    await page.getByTestId('theme-switch').selectOption('dark');
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    await page.reload();
    await page.getByTestId('current-user').waitFor();
    assert.equal(await page.evaluate(() => document.documentElement.dataset.theme), 'dark');
    await shot(page, 'dark');

    await page.getByTestId('sign-out').click();
    await page.getByTestId('login-submit').waitFor();
    // The session is gone on the server too: a deep link asks to sign in.
    await page.goto(`${env.base}/some/page`);
    await page.getByTestId('login-submit').waitFor();
    assert.equal(new URL(page.url()).searchParams.get("next"), "/some/page");
  } finally {
    await browser.close();
  }
});

test('app sign-in in Simplified Chinese', async () => {
  const browser = await launch();
  try {
    // A tablet in portrait.
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 768, height: 1024 } });
    const page = await context.newPage();
    const shot = shooter('app-login-zh');
    await page.goto(`${env.base}/login`);
    await page.getByTestId('login-submit').waitFor();
    assert.equal(await page.locator('h1').textContent(), '登录 Switchboard');
    assert.equal(await page.evaluate(() => document.documentElement.lang), 'zh-CN');
    assert.equal((await page.getByTestId('login-submit').textContent()).trim(), '登录');
    await shot(page, 'login');

    await signIn(page);
    await page.getByTestId('sign-out').waitFor();
    assert.equal((await page.getByTestId('sign-out').textContent()).trim(), '退出登录');
    await shot(page, 'signed-in');

    // Switching to English applies at once and is remembered.
    await page.getByTestId('language-switch').selectOption('en');
    assert.equal((await page.getByTestId('sign-out').textContent()).trim(), 'Sign out');
    await page.reload();
    await page.getByTestId('sign-out').waitFor();
    assert.equal((await page.getByTestId('sign-out').textContent()).trim(), 'Sign out');
    await shot(page, 'switched-to-en');
  } finally {
    await browser.close();
  }
});
