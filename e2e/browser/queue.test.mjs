// A waiting visitor sees their place in line and may leave a message
// instead of waiting (routing's alternatives hook).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { env, launch, sendAsVisitor, shooter, unique, waitFor, widget } from './harness.mjs';

test('queue position and leaving a message', { skip: !process.env.SB_QUEUE_INBOX_KEY && 'SB_QUEUE_INBOX_KEY is not set' }, async () => {
  const browser = await launch();
  try {
    const page = await browser.newPage({ locale: 'en-US' });
    const shot = shooter('queue');
    await page.goto(`${env.base}/widget/demo?inbox=${encodeURIComponent(process.env.SB_QUEUE_INBOX_KEY)}`);
    const wg = widget(page);
    await wg.launcher.click();
    await wg.input.waitFor({ state: 'visible' });
    await sendAsVisitor(page, unique('Is anyone there?'));
    const note = page.getByTestId('widget-queue');
    await note.waitFor({ state: 'visible', timeout: 20000 });
    await waitFor('a place in line', async () => /number \d+ in line/.test(await note.textContent()), 20000);
    assert.match(await note.textContent(), /No agent is available right now/);
    await shot(page, 'in-line');
    await page.getByTestId('widget-leave').click();
    await waitFor('the thank-you note', async () => /reply here as soon as we can/.test(await note.textContent()));
    await shot(page, 'left-message');
  } finally {
    await browser.close();
  }
});
