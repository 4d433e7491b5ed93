// The widget speaks Simplified Chinese to a zh-CN browser.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { demoURL, launch, shooter, widget } from './harness.mjs';

test('zh-CN', async () => {
  const browser = await launch();
  try {
    const context = await browser.newContext({ locale: 'zh-CN', viewport: { width: 390, height: 844 } });
    const page = await context.newPage();
    const shot = shooter('zh-CN');
    await page.goto(demoURL());
    const wg = widget(page);
    await wg.launcher.waitFor({ state: 'visible' });
    assert.equal(await page.evaluate(() => navigator.language), 'zh-CN');
    assert.equal(await wg.launcher.getAttribute('aria-label'), '打开聊天');
    await shot(page, 'launcher');
    await wg.launcher.click();
    await wg.window.waitFor({ state: 'visible' });
    assert.equal(await wg.input.getAttribute('placeholder'), '输入消息…');
    assert.equal(await wg.send.getAttribute('aria-label'), '发送');
    // Under 480 px the window fills the screen.
    const box = await wg.window.boundingBox();
    assert.ok(box.width >= 389 && box.height >= 843, `full screen on a phone: ${JSON.stringify(box)}`);
    await shot(page, 'open');
    await page.keyboard.press('Escape');
    await wg.window.waitFor({ state: 'hidden' });
  } finally {
    await browser.close();
  }
});
