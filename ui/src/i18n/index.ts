// The UI's languages: English and Simplified Chinese, chosen from the
// browser on first visit (or, when it asks for neither, the organisation's
// default language) and remembered once the user picks one. Both
// message files must have the same keys (internal/web's Go test checks).
import { createI18n } from 'vue-i18n';
import en from './en.json';
import zhCN from './zh-CN.json';

export const locales = [
  { code: 'en', label: 'English' },
  { code: 'zh-CN', label: '简体中文' },
] as const;
export type Locale = (typeof locales)[number]['code'];

const storageKey = 'sb.locale';

function initial(): Locale {
  const saved = localStorage.getItem(storageKey);
  if (saved === 'en' || saved === 'zh-CN') return saved;
  return navigator.languages.some((l) => l.toLowerCase().startsWith('zh')) ? 'zh-CN' : 'en';
}

export const i18n = createI18n({
  legacy: false,
  locale: initial(),
  fallbackLocale: 'en',
  messages: { en, 'zh-CN': zhCN },
  datetimeFormats: {
    en: { short: { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit' } },
    'zh-CN': { short: { month: 'short', day: 'numeric', hour: '2-digit', minute: '2-digit', hour12: false } },
  },
});
document.documentElement.lang = i18n.global.locale.value;

export function setLocale(l: Locale) {
  i18n.global.locale.value = l;
  localStorage.setItem(storageKey, l);
  document.documentElement.lang = l;
}

/** useTenantDefault switches to the organisation's language when neither the user nor the browser chose one. */
export function useTenantDefault(l: string) {
  if (l !== 'en' && l !== 'zh-CN') return;
  if (localStorage.getItem(storageKey)) return;
  if (navigator.languages.some((x) => /^(en|zh)\b/i.test(x))) return;
  i18n.global.locale.value = l;
  document.documentElement.lang = l;
}
