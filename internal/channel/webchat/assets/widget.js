/*! Switchboard web chat widget; protocol: docs/protocol/webchat.md. No dependencies, no build step.
 * <script src="https://HOST/widget.js" data-inbox="INBOX_KEY" async></script> */
(() => {
'use strict';
const script = document.currentScript ||
  [...document.querySelectorAll('script[src]')].reverse().find((s) => /\/widget\.js(?:[?#]|$)/.test(s.src) && s.dataset.inbox);
const ds = (script && script.dataset) || {};
const KEY = ds.inbox;
if (!KEY) return console.warn('switchboard: widget.js needs data-inbox');
const loaded = (window.__switchboardWidgets ||= new Set());
if (loaded.has(KEY)) return;
loaded.add(KEY);

const ORIGIN = new URL(script.src, location.href).origin;
const API = `${ORIGIN}/api/v1/widget/${encodeURIComponent(KEY)}`;
const K_TOKEN = `switchboard:${KEY}:visitor`, K_PRECHAT = `switchboard:${KEY}:prechat`,
  K_SEEN = `switchboard:${KEY}:seen`, K_CONV = `switchboard:${KEY}:conversation`;
const FIELDS = ['name', 'email', 'phone'];

const I18N = {
  en: {
    open: 'Open chat', close: 'Close chat', title: 'Chat with us', placeholder: 'Type a message…',
    send: 'Send', attach: 'Attach a file', you: 'You', agent: 'Agent', typing: '{name} is typing…',
    sending: 'Sending…', failed: 'Not sent', retry: 'Retry', seen: 'Seen', connecting: 'Connecting…',
    offline: 'We are away right now. Leave a message and we will reply soon.',
    prechat: 'Before we start, please tell us how to reach you.', name: 'Name', email: 'Email',
    phone: 'Phone', start: 'Start chat', uploading: 'Uploading {name}…', uploadFailed: 'Could not upload {name}.',
    sessionFailed: 'Chat is unavailable.', unread: '{n} unread', resolved: 'Conversation resolved',
    reopened: 'Conversation reopened', status: 'Conversation {status}', file: 'file',
    queue: 'You are number {n} in line.', queueWait: 'About {m} min.', queueSoon: 'An agent will be with you shortly.',
    queueNobody: 'No agent is available right now.', leave: 'Leave a message instead',
    left: 'Thanks! We will reply here as soon as we can.',
  },
  'zh-CN': {
    open: '打开聊天', close: '关闭聊天', title: '在线咨询', placeholder: '输入消息…',
    send: '发送', attach: '添加附件', you: '我', agent: '客服', typing: '{name} 正在输入…',
    sending: '发送中…', failed: '未发送', retry: '重试', seen: '已读', connecting: '连接中…',
    offline: '客服暂时不在线。请留言，我们会尽快回复您。',
    prechat: '开始之前，请留下您的联系方式。', name: '姓名', email: '邮箱',
    phone: '电话', start: '开始聊天', uploading: '正在上传 {name}…', uploadFailed: '无法上传 {name}。',
    sessionFailed: '聊天暂时不可用。', unread: '{n} 条未读', resolved: '会话已解决',
    reopened: '会话已重新打开', status: '会话状态：{status}', file: '文件',
    queue: '您前面还有 {n} 位。', queueWait: '预计等待约 {m} 分钟。', queueSoon: '客服即将为您服务。',
    queueNobody: '目前没有客服可以接待。', leave: '改为留言',
    left: '谢谢！我们会尽快在这里回复您。',
  },
};
// The page's data-locale, else the browser's language; one the widget does not
// speak gets the tenant's default once the session names it (English until then).
const ASKED = ds.locale || navigator.language || '';
const CHOSEN = /^zh/i.test(ASKED) ? 'zh-CN' : /^en/i.test(ASKED) ? 'en' : null;
let LOCALE = CHOSEN || 'en';
let T = I18N[LOCALE];
const t = (k, vars) => T[k].replace(/\{(\w+)\}/g, (_, v) => (vars && vars[v] != null ? vars[v] : ''));

// Storage that never throws (disabled storage, private modes, quota).
const raw = (area) => { try { return window[area]; } catch { return null; } };
const get = (area, k) => { try { return raw(area)?.getItem(k) ?? null; } catch { return null; } };
const put = (area, k, v) => { try { v == null ? raw(area)?.removeItem(k) : raw(area)?.setItem(k, v); } catch { /* full or disabled */ } };
const getJSON = (area, k) => { try { return JSON.parse(get(area, k)); } catch { return null; } };

const uuid = () => {
  try { return crypto.randomUUID(); } catch { /* missing outside secure contexts: a v4 UUID from getRandomValues */ }
  return '10000000-1000-4000-8000-100000000000'.replace(/[018]/g, (c) => (c ^ (crypto.getRandomValues(new Uint8Array(1))[0] & (15 >> (c / 4)))).toString(16));
};
const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const backoff = (n) => { const base = Math.min(10000, 500 * 2 ** n); return Math.max(500, base * (0.5 + Math.random() * 0.5)); };

// h builds an element; strings become text nodes, so nothing is parsed as HTML.
const h = (tag, attrs, ...kids) => {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs || {})) {
    if (v == null || v === false) continue;
    if (k.startsWith('on')) e.addEventListener(k.slice(2), v);
    else e.setAttribute(k, v === true ? '' : v);
  }
  e.append(...kids.filter((x) => x != null && x !== ''));
  return e;
};
const icon = (d) => { // constant path data, never user content
  const s = document.createElementNS('http://www.w3.org/2000/svg', 'svg');
  s.setAttribute('viewBox', '0 0 24 24'); s.setAttribute('aria-hidden', 'true');
  const p = document.createElementNS('http://www.w3.org/2000/svg', 'path');
  p.setAttribute('d', d); s.append(p); return s;
};
const ICON_CHAT = 'M4 4h16a2 2 0 0 1 2 2v10a2 2 0 0 1-2 2H9l-5 4v-4a2 2 0 0 1-2-2V6a2 2 0 0 1 2-2z';
const ICON_X = 'M6 6l12 12M18 6L6 18';
const ICON_SEND = 'M3 20l18-8L3 4v6l12 2-12 2z';
const ICON_CLIP = 'M16.5 6.5l-8 8a2 2 0 0 0 2.8 2.8l8-8a4 4 0 0 0-5.6-5.6l-8 8a6 6 0 0 0 8.5 8.5l6.3-6.3';

const CSS = `
:host{all:initial}
*{box-sizing:border-box;font-family:system-ui,-apple-system,"Segoe UI","PingFang SC","Microsoft YaHei",sans-serif}
[hidden]{display:none!important}
.root{--accent:#2563eb;--on-accent:#fff;--bg:#fff;--fg:#111827;--muted:#6b7280;--line:#e5e7eb;--them:#f3f4f6;
position:fixed;right:20px;bottom:20px;z-index:2147483000;font-size:15px;line-height:1.4;color:var(--fg)}
@media (prefers-color-scheme:dark){.root{--accent:#3b82f6;--bg:#111827;--fg:#f9fafb;--muted:#9ca3af;--line:#374151;--them:#1f2937}}
button{font:inherit;cursor:pointer}
svg{width:22px;height:22px;fill:none;stroke:currentColor;stroke-width:2;stroke-linecap:round;stroke-linejoin:round}
:focus-visible{outline:3px solid var(--accent);outline-offset:2px}
.launcher{position:relative;width:56px;height:56px;border-radius:50%;border:0;background:var(--accent);color:var(--on-accent);
display:grid;place-items:center;box-shadow:0 4px 16px #0004}
.launcher svg{width:26px;height:26px}
.badge{position:absolute;top:-4px;right:-4px;min-width:20px;height:20px;padding:0 5px;border-radius:10px;background:#dc2626;color:#fff;font-size:12px;line-height:20px;text-align:center}
.window{position:absolute;right:0;bottom:72px;width:370px;height:min(600px,calc(100vh - 110px));display:flex;flex-direction:column;
background:var(--bg);color:var(--fg);border:1px solid var(--line);border-radius:14px;overflow:hidden;box-shadow:0 10px 40px #0005}
header{display:flex;align-items:center;gap:8px;padding:12px 14px;background:var(--accent);color:var(--on-accent)}
header .t{flex:1;min-width:0}header strong{display:block;font-size:16px}.window:focus{outline:0}
.icon{border:0;background:transparent;color:inherit;padding:6px;border-radius:8px;display:grid;place-items:center}
.note{padding:8px 14px;font-size:13px;background:var(--them);border-bottom:1px solid var(--line)}
.log{flex:1;overflow-y:auto;padding:12px;display:flex;flex-direction:column;gap:8px}
.greeting{color:var(--muted);margin:0}
.msg{max-width:82%;align-self:flex-start;padding:8px 11px;border-radius:14px;background:var(--them);overflow-wrap:anywhere}
.msg.own{align-self:flex-end;background:var(--accent);color:var(--on-accent)}
.msg.system{align-self:center;background:transparent;color:var(--muted);font-size:13px;padding:2px}
.msg.pending{opacity:.55}.msg.failed{outline:2px solid #dc2626}
.msg a{color:inherit}
.who{font-size:12px;color:var(--muted);margin-bottom:2px}
.text{white-space:pre-wrap}
.state{font-size:11px;opacity:.8;text-align:right;margin-top:2px}.state:empty{display:none}
.state button{border:0;background:transparent;color:inherit;text-decoration:underline;padding:0 0 0 6px}
.att{display:block;margin-top:4px}.att svg{width:16px;height:16px;vertical-align:-3px}.att img{max-width:100%;max-height:180px;border-radius:8px;display:block}
.typing{padding:0 14px 6px;font-size:13px;color:var(--muted)}
.prechat{padding:14px;display:flex;flex-direction:column;gap:10px;overflow-y:auto}
label{display:flex;flex-direction:column;gap:4px;font-size:13px}
input,textarea{font:inherit;color:var(--fg);background:var(--bg);border:1px solid var(--line);border-radius:10px;padding:8px 10px}
.primary{border:0;border-radius:10px;padding:10px;background:var(--accent);color:var(--on-accent)}
.composer{display:flex;align-items:flex-end;gap:6px;padding:8px;border-top:1px solid var(--line)}
.composer textarea{flex:1;resize:none;max-height:120px;min-height:40px}
.composer .icon{color:var(--muted)}.composer .sendb{color:var(--accent)}
.sr{position:absolute;width:1px;height:1px;overflow:hidden;clip-path:inset(50%)}
@media (max-width:480px){.root.open{inset:0}.root.open .launcher{display:none}
.window{position:fixed;inset:0;width:100%;height:100%;border-radius:0;border:0}}`;

// ---- state ---- conv: the shown conversation; live: the socket is open.
const S = { token: get('localStorage', K_TOKEN), inbox: {}, online: true, view: 'idle', attempt: 0, fails: 0, readSent: 0 };
const seenStore = getJSON('localStorage', K_SEEN) || {};

// ---- DOM ----
const host = h('div', { 'data-switchboard-widget': KEY });
const shadow = host.attachShadow({ mode: 'open' });
const badge = h('span', { class: 'badge', hidden: true, 'aria-hidden': 'true' });
const launcher = h('button', { type: 'button', class: 'launcher', 'data-testid': 'widget-launcher', 'aria-label': t('open'), 'aria-expanded': 'false', 'aria-controls': 'sb-window', onclick: () => (S.open ? close() : open()) }, icon(ICON_CHAT), badge);
const title = h('strong', null, t('title'));
const subtitle = h('small', null);
const offline = h('div', { class: 'note', 'data-testid': 'widget-offline', role: 'status', hidden: true });
const queueNote = h('div', { class: 'note', 'data-testid': 'widget-queue', role: 'status', hidden: true });
const greeting = h('p', { class: 'greeting', hidden: true });
const log = h('div', { class: 'log', role: 'log', 'aria-live': 'polite', tabindex: '0' }, greeting);
const typing = h('div', { class: 'typing', 'data-testid': 'widget-typing', 'aria-live': 'polite', hidden: true });
const prechat = h('form', { class: 'prechat', 'data-testid': 'widget-prechat', hidden: true, onsubmit: submitPrechat });
const input = h('textarea', { 'data-testid': 'widget-input', rows: '1', placeholder: t('placeholder'), 'aria-label': t('placeholder'), 'data-i18n': 'placeholder', maxlength: '10000', oninput: onType, onkeydown: (e) => { if (e.key === 'Enter' && !e.shiftKey && !e.isComposing) { e.preventDefault(); submit(); } } });
const file = h('input', { type: 'file', hidden: true, onchange: () => { for (const f of file.files) upload(f); file.value = ''; } });
const composer = h('form', { class: 'composer', onsubmit: (e) => { e.preventDefault(); submit(); } },
  h('button', { type: 'button', class: 'icon', 'data-testid': 'widget-attach', 'aria-label': t('attach'), title: t('attach'), 'data-i18n': 'attach', onclick: () => file.click() }, icon(ICON_CLIP)),
  file, input,
  h('button', { type: 'submit', class: 'icon sendb', 'data-testid': 'widget-send', 'aria-label': t('send'), title: t('send'), 'data-i18n': 'send' }, icon(ICON_SEND)));
const win = h('section', { id: 'sb-window', class: 'window', 'data-testid': 'widget-window', role: 'dialog', 'aria-label': t('title'), 'data-i18n': 'title', tabindex: '-1', hidden: true },
  h('header', null, h('div', { class: 't' }, title, subtitle),
    h('button', { type: 'button', class: 'icon', 'aria-label': t('close'), title: t('close'), 'data-i18n': 'close', onclick: () => close() }, icon(ICON_X))),
  offline, queueNote, prechat, log, typing, composer);
const root = h('div', { class: 'root', lang: LOCALE }, win, launcher);
shadow.append(h('style', null, CSS), root);
shadow.addEventListener('keydown', (e) => { if (e.key === 'Escape' && S.open) { e.stopPropagation(); close(); } });
const mount = () => document.body.append(host);
document.body ? mount() : document.addEventListener('DOMContentLoaded', mount);

// ---- conversation model: messages by seq, pending sends by client_id ----
const els = new Map(); // 's'+seq or 'c'+client_id -> element
function newConv(id) { return { id, msgs: new Map(), top: 0, pending: new Map(), agentRead: 0 }; }
function loadConv() {
  const c = getJSON('sessionStorage', K_CONV);
  if (!c || !c.id) return null;
  const conv = newConv(c.id);
  conv.top = c.top || 0; conv.agentRead = c.agentRead || 0;
  for (const m of c.msgs || []) conv.msgs.set(m.seq, m);
  for (const p of c.pending || []) conv.pending.set(p.client_id, { ...p, state: 'pending', tries: 0 });
  return conv;
}
function save() {
  const c = S.conv;
  if (!c) return;
  const msgs = [...c.msgs.values()].sort((a, b) => a.seq - b.seq).slice(-200);
  const pending = [...c.pending.values()].map(({ client_id, text, attachment_ids, attachments }) => ({ client_id, text, attachment_ids, attachments }));
  put('sessionStorage', K_CONV, JSON.stringify({ id: c.id, top: c.top, agentRead: c.agentRead, msgs, pending }));
}
function useConv(id, fresh) {
  if (S.conv && S.conv.id === id && !fresh) return false;
  const pending = S.conv ? S.conv.pending : new Map();
  for (const [k, el] of els) { if (k[0] === 's') { el.remove(); els.delete(k); } }
  S.conv = newConv(id); S.conv.pending = pending; S.readSent = 0;
  save();
  return true;
}

function eventText(ev) {
  if (!ev || ev.kind !== 'status_changed') return '';
  return ev.to === 'resolved' ? t('resolved') : ev.to === 'open' ? t('reopened') : t('status', { status: ev.to });
}
function linkify(text) {
  const span = h('span', { class: 'text' });
  const re = /\bhttps?:\/\/[^\s<>"']+/gi;
  let i = 0, m;
  while ((m = re.exec(text))) {
    const url = m[0].replace(/[.,;:!?)\]}]+$/, '');
    let ok = false;
    try { ok = /^https?:$/.test(new URL(url).protocol); } catch { /* not a URL */ }
    span.append(text.slice(i, m.index), ok ? h('a', { href: url, target: '_blank', rel: 'noopener noreferrer' }, url) : url);
    i = re.lastIndex = m.index + url.length;
  }
  span.append(text.slice(i));
  return span;
}
const attURL = (id) => `${API}/attachments/${encodeURIComponent(id)}?visitor_token=${encodeURIComponent(S.token || '')}`;
function attachmentsEl(list) {
  const box = h('div', { class: 'atts' });
  for (const a of list) {
    const label = a.name || t('file');
    const img = /^image\/(png|jpeg|gif|webp)$/i.test(a.content_type || '');
    const kid = img ? h('img', { src: attURL(a.id), alt: label, loading: 'lazy' }) : h('span', null, icon(ICON_CLIP), label);
    box.append(a.id ? h('a', { class: 'att', href: attURL(a.id), target: '_blank', rel: 'noopener noreferrer' }, kid) : h('span', { class: 'att' }, kid));
  }
  return box;
}
function messageEl(m, pending) {
  const kind = m.sender_type === 'visitor' ? 'own' : m.sender_type === 'system' ? 'system' : 'them';
  const text = (kind === 'system' && eventText(m.event)) || m.text || '';
  const atts = Array.isArray(m.attachments) && m.attachments.length ? attachmentsEl(m.attachments) : null;
  if (!text && !atts) return null;
  const el = h('div', { class: `msg ${kind}`, 'data-testid': 'widget-message', 'data-sender': m.sender_type || '', 'data-state': pending ? 'pending' : 'sent', 'data-seq': m.seq || null },
    kind === 'them' ? h('div', { class: 'who' }, m.sender_name || t('agent')) : kind === 'own' ? h('span', { class: 'sr' }, `${t('you')}: `) : null,
    text ? linkify(text) : null, atts, h('div', { class: 'state' }));
  if (pending) el.classList.add('pending');
  return el;
}
function place(el, seq) { // confirmed messages in seq order, pending ones after them
  for (const k of log.querySelectorAll('.msg')) {
    if (k.dataset.state !== 'sent' || +k.dataset.seq > seq) return log.insertBefore(el, k);
  }
  log.append(el);
}
// top: the highest seq of the server's ordered stream (message, resumed). Acks do not move it, so a
// frame the ack overtook still counts. Seqs may jump (private notes); the server fills real gaps.
function addMessage(m, ordered) {
  const c = S.conv;
  const seq = m.seq;
  if (!c || !(seq > 0)) return false;
  if (ordered && seq > c.top) c.top = seq;
  if (c.msgs.has(seq)) return false; // exactly once on the screen
  if (m.client_id && c.pending.has(m.client_id)) dropPending(m.client_id);
  c.msgs.set(seq, m);
  show(m);
  return true;
}
function show(m) {
  const el = messageEl(m, false);
  if (!el) return;
  els.set('s' + m.seq, el);
  place(el, m.seq);
}
function showPending(p) {
  const el = messageEl({ sender_type: 'visitor', text: p.text, attachments: p.attachments }, true);
  els.set('c' + p.client_id, el);
  log.append(el);
  setState(p);
}
function setState(p) {
  const el = els.get('c' + p.client_id);
  if (!el) return;
  const st = el.querySelector('.state');
  el.classList.toggle('failed', p.state === 'failed');
  el.dataset.state = p.state;
  st.replaceChildren(p.state === 'failed' ? t('failed') : t('sending'));
  if (p.state === 'failed') st.append(h('button', { type: 'button', onclick: () => { p.state = 'pending'; p.tries = 0; setState(p); flush(); } }, t('retry')));
}
function dropPending(id) {
  const p = S.conv.pending.get(id);
  if (p) clearTimeout(p.timer);
  S.conv.pending.delete(id);
  els.get('c' + id)?.remove();
  els.delete('c' + id);
  flush();
}
function renderAll() {
  for (const el of els.values()) el.remove();
  els.clear();
  const c = S.conv;
  if (!c) return;
  [...c.msgs.values()].sort((a, b) => a.seq - b.seq).forEach(show);
  c.pending.forEach(showPending);
  after();
}
function after() { // bookkeeping after the message list changed
  const c = S.conv;
  let lastOwn = null;
  for (const m of c.msgs.values()) if (m.sender_type === 'visitor' && (!lastOwn || m.seq > lastOwn.seq)) lastOwn = m;
  for (const el of log.querySelectorAll('.msg.own[data-state="sent"] .state')) el.textContent = '';
  if (lastOwn && c.agentRead >= lastOwn.seq) {
    const st = els.get('s' + lastOwn.seq)?.querySelector('.state');
    if (st) st.textContent = t('seen');
  }
  save();
  markRead();
  log.scrollTop = log.scrollHeight;
}

// ---- sending ----
function wsSend(frame) {
  if (!S.ws || S.ws.readyState !== 1) return false;
  S.ws.send(JSON.stringify(frame));
  return true;
}
function resume() {
  wsSend({ type: 'resume', conversation_id: S.conv.id, after_seq: S.conv.top });
}
// One pending message at a time, in writing order: a refused one is never overtaken.
function flush() {
  const p = S.live && [...S.conv.pending.values()].find((x) => x.state === 'pending');
  if (p && !p.timer) transmit(p);
}
function transmit(p) {
  clearTimeout(p.timer);
  p.timer = null;
  if (p.state !== 'pending' || !S.live) return; // sent again after the next connect
  const f = { type: 'message', client_id: p.client_id, conversation_id: S.conv.id, text: p.text };
  if (p.attachment_ids && p.attachment_ids.length) f.attachment_ids = p.attachment_ids;
  if (wsSend(f)) p.timer = setTimeout(() => transmit(p), 10000); // no ack yet: send again, same client_id
}
function queue(text, attachments) {
  if (!S.conv) S.conv = newConv('');
  const p = { client_id: uuid(), text, attachments, attachment_ids: attachments.map((a) => a.id), state: 'pending', tries: 0 };
  S.conv.pending.set(p.client_id, p);
  showPending(p);
  after();
  flush();
  if (!S.session) startSession();
}
function submit() {
  const text = input.value.trim();
  if (!text) return;
  input.value = input.style.height = '';
  stopTyping();
  queue(text, []);
  input.focus();
}
async function upload(f) {
  if (!S.token) await startSession();
  subtitle.textContent = t('uploading', { name: f.name });
  try {
    const body = new FormData();
    if (S.conv?.id) body.append('conversation_id', S.conv.id);
    body.append('file', f, f.name);
    const r = await fetch(`${API}/attachments`, { method: 'POST', headers: { 'X-Visitor-Token': S.token }, body, credentials: 'omit' });
    if (!r.ok) throw new Error(String(r.status));
    const a = await r.json();
    queue('', [{ id: a.id, name: a.name || f.name, content_type: a.content_type, size: a.size }]);
    status();
  } catch {
    subtitle.textContent = t('uploadFailed', { name: f.name });
  }
}

// ---- typing and read state ----
let typingOn = false, typingAt = 0, typingStop = null;
function onType() {
  input.style.height = 'auto';
  input.style.height = `${Math.min(input.scrollHeight, 120)}px`;
  if (!input.value) return stopTyping();
  const now = Date.now();
  if ((!typingOn || now - typingAt > 4000) && S.conv && wsSend({ type: 'typing', conversation_id: S.conv.id, typing: true })) {
    typingOn = true; typingAt = now;
  }
  clearTimeout(typingStop);
  typingStop = setTimeout(stopTyping, 2500);
}
function stopTyping() {
  clearTimeout(typingStop);
  if (typingOn && S.conv) wsSend({ type: 'typing', conversation_id: S.conv.id, typing: false });
  typingOn = false;
}
function showTyping(f) {
  clearTimeout(S.agentTypingT);
  typing.textContent = f.typing ? t('typing', { name: f.name || t('agent') }) : '';
  typing.hidden = !f.typing;
  if (f.typing) S.agentTypingT = setTimeout(() => showTyping({ typing: false }), 8000);
}
// relabel switches the built widget to another language.
function relabel(locale) {
  LOCALE = locale; T = I18N[locale]; root.lang = locale;
  for (const e of root.querySelectorAll('[data-i18n]')) {
    for (const a of ['aria-label', 'title', 'placeholder']) if (e.hasAttribute(a)) e.setAttribute(a, t(e.dataset.i18n));
  }
  launcher.setAttribute('aria-label', t(S.open ? 'close' : 'open'));
  markRead(); // the launcher's label with the unread count
}
function markRead() {
  const c = S.conv;
  if (!c || !c.id) return;
  if (S.open && S.view === 'chat' && document.visibilityState === 'visible') {
    if (c.top > (seenStore[c.id] || 0)) { seenStore[c.id] = c.top; put('localStorage', K_SEEN, JSON.stringify({ [c.id]: c.top })); }
    if (c.top > S.readSent && wsSend({ type: 'read', conversation_id: c.id, seq: c.top })) S.readSent = c.top;
  }
  const seen = seenStore[c.id] || 0;
  let n = 0;
  for (const m of c.msgs.values()) if (m.seq > seen && (m.sender_type === 'agent' || m.sender_type === 'bot')) n++;
  badge.textContent = n > 9 ? '9+' : String(n);
  badge.hidden = n === 0 || S.open;
  launcher.setAttribute('aria-label', n && !S.open ? `${t('open')} (${t('unread', { n })})` : S.open ? t('close') : t('open'));
}

// ---- session ----
const identity = () => {
  const b = {};
  if (ds.identifier) { b.identifier = ds.identifier; b.identifier_hash = ds.identifierHash; }
  for (const k of FIELDS) if (ds[k]) b[k] = ds[k];
  return b;
};
function startSession(extra) {
  if (S.starting) return S.starting;
  S.starting = (async () => {
    for (let i = 0; ; i++) {
      const body = { ...identity(), ...extra };
      if (S.token) body.visitor_token = S.token;
      let r = null;
      try {
        r = await fetch(`${API}/sessions`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify(body), credentials: 'omit' });
      } catch { /* network: retry below */ }
      if (r && r.ok) return applySession(await r.json());
      if (r && r.status >= 400 && r.status < 500 && r.status !== 429) {
        if (!S.token || i > 0 || body.identifier) { subtitle.textContent = t('sessionFailed'); return null; }
        S.token = null; put('localStorage', K_TOKEN, null); // token unknown to the server: start over as a new visitor
        continue;
      }
      subtitle.textContent = t('connecting');
      const ra = r && +r.headers.get('Retry-After');
      await sleep(ra > 0 ? ra * 1000 : backoff(i));
    }
  })().finally(() => { S.starting = null; });
  return S.starting;
}
function applySession(s) {
  S.session = true;
  S.token = s.visitor_token || S.token;
  put('localStorage', K_TOKEN, S.token);
  S.inbox = s.inbox || {};
  S.online = s.agents_online !== false;
  if (!CHOSEN && I18N[s.default_locale] && s.default_locale !== LOCALE) relabel(s.default_locale);
  title.textContent = S.inbox.name || t('title');
  greeting.textContent = S.inbox.greeting || '';
  greeting.hidden = !S.inbox.greeting;
  const stale = S.conv && S.conv.id === s.conversation_id && s.last_seq != null && s.last_seq < S.conv.top;
  if (useConv(s.conversation_id, stale)) { renderAll(); S.ws?.close(); } // the new socket's hello names the new conversation
  if (prechatFields().length) showPrechat(); else startChat();
  status();
  return s;
}
function prechatFields() {
  const pc = S.inbox.prechat;
  if (!pc || !pc.enabled || S.prechatDone || get('localStorage', K_PRECHAT) || S.conv.top > 0 || S.conv.pending.size) return [];
  return (pc.fields || []).filter((f) => FIELDS.includes(f) && !ds[f]);
}
function showPrechat() {
  S.view = 'prechat';
  const type = { name: 'text', email: 'email', phone: 'tel' };
  prechat.replaceChildren(h('p', null, t('prechat')),
    ...prechatFields().map((f) => h('label', null, t(f), h('input', { name: f, type: type[f], autocomplete: f === 'phone' ? 'tel' : f, required: true }))),
    h('button', { type: 'submit', class: 'primary' }, t('start')));
  layout();
}
async function submitPrechat(e) {
  e.preventDefault();
  const vals = {};
  for (const el of prechat.querySelectorAll('input')) if (el.value.trim()) vals[el.name] = el.value.trim();
  const btn = prechat.querySelector('button');
  btn.disabled = S.prechatDone = true;
  if (!(await startSession(vals))) { btn.disabled = S.prechatDone = false; return; } // the session starts the chat
  put('localStorage', K_PRECHAT, '1');
  if (S.open) input.focus();
}
function startChat() {
  S.view = 'chat';
  layout();
  connect();
}
function layout() {
  prechat.hidden = S.view !== 'prechat';
  log.hidden = S.view === 'prechat';
  composer.hidden = S.view !== 'chat';
  if (S.open && shadow.activeElement === win) focusView();
  offline.textContent = S.inbox.offline_message || t('offline');
  offline.hidden = S.online;
  markRead();
}
function status() {
  subtitle.textContent = S.view === 'chat' && S.session && !S.live ? t('connecting') : '';
}

// ---- socket ----
function connect() {
  if (S.ws || !S.token || !S.conv || S.view !== 'chat' || S.retryT) return;
  const u = new URL('/ws/visitor', ORIGIN);
  u.protocol = u.protocol === 'https:' ? 'wss:' : 'ws:';
  u.searchParams.set('key', KEY);
  u.searchParams.set('visitor_token', S.token);
  let ws;
  try { ws = new WebSocket(u); } catch { return reconnect(); }
  S.ws = ws;
  let opened = false;
  ws.onopen = () => {
    opened = true; S.live = true; S.fails = 0;
    status();
    resume();
    flush();
    markRead();
    clearInterval(S.pingT);
    S.pingT = setInterval(() => wsSend({ type: 'ping' }), 30000);
    clearInterval(S.queueT);
    askQueue();
    S.queueT = setInterval(askQueue, 15000);
  };
  ws.onmessage = (e) => { let f; try { f = JSON.parse(e.data); } catch { return; } if (f && typeof f === 'object') onFrame(f); };
  ws.onclose = () => {
    if (S.ws !== ws) return;
    S.ws = null; S.live = false; S.readSent = 0;
    clearInterval(S.pingT);
    clearInterval(S.queueT);
    showTyping({ typing: false });
    for (const p of S.conv.pending.values()) { clearTimeout(p.timer); p.timer = null; }
    if (!opened) S.fails++;
    status();
    reconnect();
  };
}
// ---- waiting in line ----
// While nobody has answered, ask now and then where the conversation
// stands; routing answers with a position and an estimated wait, and may
// offer to leave a message instead of waiting.
function askQueue() {
  const c = S.conv;
  if (S.queueDone || !c.id || c.msgs.size === 0) return;
  for (const m of c.msgs.values()) if (m.sender_type === 'agent' || m.sender_type === 'bot') { S.queueDone = true; return; }
  wsSend({ type: 'position', conversation_id: c.id });
}
function showQueue(f) {
  if (f.conversation_id && f.conversation_id !== S.conv.id) return;
  // The server says the chat entered a queue: ask where it stands.
  if (f.waiting && f.position == null && f.estimated_wait_seconds == null && !f.left) { S.queueDone = false; askQueue(); }
  if (f.left) {
    S.queueDone = true;
    queueNote.replaceChildren(t('left'));
    queueNote.hidden = false;
    return;
  }
  if (!f.waiting) {
    queueNote.hidden = true;
    // A new chat takes a moment to reach its queue: look again soon.
    if ((S.queueTries = (S.queueTries || 0) + 1) <= 5) setTimeout(askQueue, 2000);
    return;
  }
  const parts = [f.position ? t('queue', { n: f.position }) : t('queueSoon')];
  if (f.position && f.estimated_wait_seconds > 0) parts.push(t('queueWait', { m: Math.max(1, Math.round(f.estimated_wait_seconds / 60)) }));
  if (f.estimated_wait_seconds < 0) parts.push(t('queueNobody'));
  queueNote.replaceChildren(parts.join(' '));
  if ((f.alternatives || []).includes('message')) {
    queueNote.append(' ', h('button', { type: 'button', 'data-testid': 'widget-leave',
      onclick: () => wsSend({ type: 'leave_message', conversation_id: S.conv.id }) }, t('leave')));
  }
  queueNote.hidden = false;
}
function reconnect() {
  clearTimeout(S.retryT);
  S.retryT = setTimeout(async () => {
    S.retryT = null;
    if (S.fails >= 3) { S.fails = 0; await startSession(); } // handshakes keep failing: refresh the session
    connect();
  }, backoff(S.attempt++));
}
function wake() { // back online or visible again: reconnect now instead of waiting
  if (!S.ws && S.retryT && S.view === 'chat') { clearTimeout(S.retryT); S.retryT = null; connect(); }
  markRead();
}
window.addEventListener('online', wake);
document.addEventListener('visibilitychange', wake);

function onFrame(f) {
  const c = S.conv;
  switch (f.type) {
    case 'hello':
      S.attempt = 0;
      if (f.agents_online != null) { S.online = !!f.agents_online; layout(); status(); }
      if (f.conversation_id && (f.conversation_id !== c.id || (f.last_seq != null && f.last_seq < c.top))) {
        useConv(f.conversation_id, true);
        renderAll();
        resume();
      }
      break;
    case 'message':
      if (f.conversation_id && f.conversation_id !== c.id) break;
      if (f.message && !f.message.private && addMessage({ ...f.message, seq: f.seq || f.message.seq }, true)) {
        if (f.message.sender_type !== 'visitor') showTyping({ typing: false });
        if (f.message.sender_type === 'agent' || f.message.sender_type === 'bot') showQueue({ waiting: false });
        after();
      }
      break;
    case 'ack': {
      const p = c.pending.get(f.client_id);
      if (!p) break;
      dropPending(f.client_id);
      if (!f.conversation_id || f.conversation_id === c.id) addMessage({ id: f.message_id, seq: f.seq, conversation_id: c.id, sender_type: 'visitor', text: p.text, attachments: p.attachments, client_id: p.client_id, created_at: new Date().toISOString() });
      after();
      if (!S.queueAsked) { S.queueAsked = true; setTimeout(askQueue, 1000); } // the first message puts the chat in line
      break;
    }
    case 'resumed': // everything up to last_seq that this visitor may see has been sent
      S.attempt = 0;
      if (f.conversation_id === c.id && f.last_seq > c.top) { c.top = f.last_seq; after(); }
      break;
    case 'typing':
      if (f.sender_type !== 'visitor' && (!f.conversation_id || f.conversation_id === c.id)) showTyping(f);
      break;
    case 'read':
      if (f.reader === 'agent' && f.seq > c.agentRead && (!f.conversation_id || f.conversation_id === c.id)) { c.agentRead = f.seq; after(); }
      break;
    case 'queue': showQueue(f); break;
    case 'error': onError(f); break;
    default: break; // pong and frames for agents
  }
}
function onError(f) {
  const p = f.client_id && S.conv.pending.get(f.client_id);
  if (!p) {
    if (f.code === 'not_found' && !S.starting) startSession(); // our conversation is gone: get the current one
    return;
  }
  clearTimeout(p.timer);
  const retry = f.retry_after_ms != null || ['rate_limited', 'internal', 'not_ready'].includes(f.code);
  if (retry) {
    p.timer = setTimeout(() => transmit(p), f.retry_after_ms ?? backoff(p.tries++));
  } else if (f.code === 'not_found' && !p.refreshed) {
    p.refreshed = true; // the conversation changed; the next session names the current one
    p.timer = null;
    startSession().then(() => transmit(p));
  } else {
    p.state = 'failed';
    p.timer = null;
    setState(p);
    flush();
  }
}

// ---- open / close ----
function open() {
  S.open = true;
  win.hidden = false;
  root.classList.add('open');
  launcher.setAttribute('aria-expanded', 'true');
  if (!S.session) startSession();
  layout();
  status();
  log.scrollTop = log.scrollHeight;
  focusView();
}
function focusView() { // the window itself until the session chose the view
  (S.view === 'prechat' ? prechat.querySelector('input') : S.view === 'chat' ? input : win).focus();
}
function close() {
  const inside = shadow.activeElement;
  S.open = false;
  win.hidden = true;
  root.classList.remove('open');
  launcher.setAttribute('aria-expanded', 'false');
  stopTyping();
  markRead();
  if (inside) launcher.focus();
}

// A returning visitor reconnects at once, so agent replies raise the unread badge.
S.conv = loadConv();
if (S.conv) renderAll();
if (S.token) startSession();
})();
