// Light, dark, or the system's choice; stored per browser and applied as
// data-theme on <html> (styles.css keys its colours on it).
import { ref, watchEffect } from 'vue';

export type Theme = 'system' | 'light' | 'dark';
const storageKey = 'sb.theme';

function initial(): Theme {
  const saved = localStorage.getItem(storageKey);
  return saved === 'light' || saved === 'dark' ? saved : 'system';
}

export const theme = ref<Theme>(initial());
const dark = matchMedia('(prefers-color-scheme: dark)');
const system = ref(dark.matches);
dark.addEventListener('change', (e) => (system.value = e.matches));

watchEffect(() => {
  const effective = theme.value === 'system' ? (system.value ? 'dark' : 'light') : theme.value;
  document.documentElement.dataset.theme = effective;
  if (theme.value === 'system') localStorage.removeItem(storageKey);
  else localStorage.setItem(storageKey, theme.value);
});
