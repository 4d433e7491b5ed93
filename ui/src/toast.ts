// Refusals of actions nobody waits on in a form (a transfer, an accept, a
// status change) surface here: any API refusal that no code handled is
// shown for a few seconds in the user's language, instead of vanishing
// into the console.
import { reactive } from 'vue';
import { ApiError } from './api/client';
import { describeError } from './errors';
import { i18n } from './i18n';

export const toasts = reactive<{ id: number; text: string }[]>([]);
let next = 1;

export function toast(text: string) {
  const id = next++;
  toasts.push({ id, text });
  if (toasts.length > 3) toasts.shift();
  setTimeout(() => dismiss(id), 6000);
}

export function dismiss(id: number) {
  const i = toasts.findIndex((x) => x.id === id);
  if (i >= 0) toasts.splice(i, 1);
}

/** showUnhandledRefusals shows API refusals that reached no handler (a 401 already leads to sign-in). */
export function showUnhandledRefusals() {
  window.addEventListener('unhandledrejection', (e) => {
    if (!(e.reason instanceof ApiError) || e.reason.status === 401) return;
    e.preventDefault();
    toast(describeError(i18n.global.t, e.reason));
  });
}
