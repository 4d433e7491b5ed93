// useAttempt runs an admin action and keeps the refusal to show, in the
// user's language with the fields the server named.
import { ref } from 'vue';
import { useI18n } from 'vue-i18n';
import { describeError } from '../errors';

export function useAttempt() {
  const { t } = useI18n();
  const error = ref('');
  async function attempt(fn: () => Promise<void>) {
    error.value = '';
    try {
      await fn();
    } catch (e) {
      error.value = describeError(t, e);
    }
  }
  return { error, attempt };
}
