// Harness for the real-browser tests of the web chat widget. It starts no
// server: e2e/browser_test.go (or a person) runs Switchboard and passes
//
//   SB_BASE_URL        http://127.0.0.1:PORT of the node
//   SB_INBOX_KEY       the public key of a web chat inbox
//   SB_AGENT_EMAIL     a user who may see and answer that inbox's conversations
//   SB_AGENT_PASSWORD
//   SB_ARTIFACTS       a directory for screenshots (created when missing)
//   SB_INBOX_ID        optional: narrows the agent's conversation list
//   SB_CHROMIUM        optional: the browser binary, default /usr/bin/chromium
//
// The agent side uses Node's fetch and the REST API only (Node 20 has no
// global WebSocket client).
import { mkdirSync } from 'node:fs';
import path from 'node:path';
import { randomUUID } from 'node:crypto';
import { chromium } from 'playwright-core';

function need(name) {
  const v = process.env[name];
  if (!v) throw new Error(`${name} is not set; see e2e/browser/harness.mjs`);
  return v;
}

export const env = {
  base: need('SB_BASE_URL').replace(/\/+$/, ''),
  inboxKey: need('SB_INBOX_KEY'),
  inboxID: process.env.SB_INBOX_ID || '',
  agentEmail: need('SB_AGENT_EMAIL'),
  agentPassword: need('SB_AGENT_PASSWORD'),
  artifacts: need('SB_ARTIFACTS'),
  chromium: process.env.SB_CHROMIUM || '/usr/bin/chromium',
};
mkdirSync(env.artifacts, { recursive: true });

export const demoURL = () => `${env.base}/widget/demo?inbox=${encodeURIComponent(env.inboxKey)}`;
export const unique = (label) => `${label} ${randomUUID().slice(0, 8)}`;
export const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

// launch starts Debian's Chromium; Playwright gives it a fresh temporary
// profile (--user-data-dir) and --no-sandbox on its own.
export function launch() {
  return chromium.launch({
    executablePath: env.chromium,
    headless: true,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
      '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

// shooter saves numbered screenshots named after the test and the step.
export function shooter(prefix) {
  let n = 0;
  return async (page, step) => {
    n++;
    const file = path.join(env.artifacts, `${prefix}-${String(n).padStart(2, '0')}-${step}.png`);
    await page.screenshot({ path: file, fullPage: true }).catch((err) => console.log(`screenshot ${file}: ${err.message}`));
    return file;
  };
}

// watch records what a test must assert on: dialogs (alert, confirm,
// prompt), page errors, console errors and the widget's session responses.
export function watch(page) {
  const w = { dialogs: [], errors: [], sessions: [] };
  page.on('dialog', (d) => { w.dialogs.push(`${d.type()}: ${d.message()}`); d.dismiss().catch(() => {}); });
  page.on('pageerror', (e) => w.errors.push(e.message));
  page.on('console', (m) => { if (m.type() === 'error') console.log(`[browser console] ${m.text()}`); });
  page.on('response', async (r) => {
    if (r.request().method() === 'POST' && /\/api\/v1\/widget\/[^/]+\/sessions$/.test(new URL(r.url()).pathname)) {
      try { w.sessions.push({ status: r.status(), body: await r.json() }); } catch { w.sessions.push({ status: r.status(), body: null }); }
    }
  });
  return w;
}

// waitFor polls fn until it returns a truthy value or the time is up.
export async function waitFor(what, fn, timeoutMs = 10000, everyMs = 100) {
  const end = Date.now() + timeoutMs;
  let last;
  for (;;) {
    try {
      const v = await fn();
      if (v) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}${last ? `: ${last.message}` : ''}`);
    await sleep(everyMs);
  }
}

// session returns the latest successful session response the page received.
export const session = (w) => waitFor('the widget session', () => [...w.sessions].reverse().find((s) => s.status < 300 && s.body)?.body);

// Widget locators. Playwright's CSS engine pierces open shadow roots.
export const widget = (page) => ({
  launcher: page.getByTestId('widget-launcher'),
  window: page.getByTestId('widget-window'),
  input: page.getByTestId('widget-input'),
  send: page.getByTestId('widget-send'),
  prechat: page.getByTestId('widget-prechat'),
  messages: page.getByTestId('widget-message'),
  message: (text) => page.getByTestId('widget-message').filter({ hasText: text }),
  sent: (text) => page.locator('[data-testid="widget-message"][data-state="sent"]').filter({ hasText: text }),
});

// openWidget loads the demo page, opens the chat window and fills the
// pre-chat form when the inbox asks for one.
export async function openWidget(page, shot, { navigate = true } = {}) {
  if (navigate) await page.goto(demoURL());
  const wg = widget(page);
  await wg.launcher.waitFor({ state: 'visible', timeout: 10000 });
  if (shot) await shot(page, 'launcher');
  await wg.launcher.click();
  await wg.window.waitFor({ state: 'visible' });
  // Either the composer or the pre-chat form appears once the session is up.
  await waitFor('the composer or the pre-chat form', async () => (await wg.input.isVisible()) || (await wg.prechat.isVisible()), 10000);
  if (await wg.prechat.isVisible()) {
    if (shot) await shot(page, 'prechat');
    const values = { name: 'Browser Visitor', email: 'visitor@example.com', phone: '+15555550100' };
    for (const field of Object.keys(values)) {
      const input = wg.prechat.locator(`input[name="${field}"]`);
      if (await input.count()) await input.fill(values[field]);
    }
    await wg.prechat.locator('button[type="submit"]').click();
    await wg.input.waitFor({ state: 'visible' });
  }
  if (shot) await shot(page, 'open');
  return wg;
}

// sendAsVisitor types text, sends it and waits until the server acked it.
export async function sendAsVisitor(page, text) {
  const wg = widget(page);
  await wg.input.fill(text);
  await wg.send.click();
  await wg.sent(text).first().waitFor({ state: 'visible', timeout: 10000 });
}

// texts returns the text of every rendered message, in screen order.
export const texts = (page) => widget(page).messages.evaluateAll((els) => els.map((e) => e.querySelector('.text')?.textContent ?? ''));

// list accepts the API's list envelope {"data": [...]} (or a bare array).
const list = (p) => (Array.isArray(p) ? p : (p && p.data) || []);

// Agent is the other side of the conversation, through the REST API.
export class Agent {
  static async login(email = env.agentEmail, password = env.agentPassword) {
    const a = new Agent();
    const s = await a.api('POST', '/api/v1/auth/login', { email, password });
    a.token = s.token;
    return a;
  }

  async api(method, p, body) {
    const res = await fetch(env.base + p, {
      method,
      headers: { ...(body ? { 'Content-Type': 'application/json' } : {}), ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${p}: ${res.status} ${text}`);
    return text ? JSON.parse(text) : null;
  }

  // conversation waits until id is in the agent's conversation list: a
  // conversation appears there once it has a message.
  async conversation(id) {
    const q = env.inboxID ? `?inbox_id=${encodeURIComponent(env.inboxID)}` : '';
    return waitFor(`conversation ${id} in GET /api/v1/conversations${q}`, async () => {
      return list(await this.api('GET', `/api/v1/conversations${q}`)).find((c) => c.id === id);
    }, 10000, 150);
  }

  messages(id, afterSeq = 0) {
    return this.api('GET', `/api/v1/conversations/${encodeURIComponent(id)}/messages?after_seq=${afterSeq}`).then(list);
  }

  // waitMessage waits until the conversation holds a message with text from sender.
  waitMessage(id, text, sender = 'visitor') {
    return waitFor(`a ${sender} message "${text}" in conversation ${id}`,
      async () => (await this.messages(id)).find((m) => m.text === text && m.sender_type === sender), 10000, 150);
  }

  reply(id, text) {
    return this.api('POST', `/api/v1/conversations/${encodeURIComponent(id)}/messages`, { text, client_id: randomUUID() });
  }
}
