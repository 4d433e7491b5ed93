// Refusals shown to people: the server's stable error code picks a text in
// the user's language (errors.<code> in the message files; internal/web's
// Go test keeps one for every code the server has), and the fields the
// server named are listed after it.
import { ApiError } from './api/client';
import { i18n } from './i18n';

type T = (key: string, named?: Record<string, unknown>) => string;

/** describeError turns anything a call threw into a sentence for the user. */
export function describeError(t: T, e: unknown): string {
  if (!(e instanceof ApiError)) return t('error.unexpected', { code: 'internal' });
  if (e.code === 'network') return t('error.network');
  const key = `errors.${e.code}`;
  let text = i18n.global.te(key) ? t(key) : e.message;
  if (e.code === 'rate_limited' && e.retryAfterSeconds) text += ` ${t('error.retryIn', { n: e.retryAfterSeconds })}`;
  if (e.details.length) text += ` (${e.details.map((d) => `${d.field}: ${d.message}`).join("; ")})`;
  return text;
}
