// useAttempt runs an admin action and keeps the refusal to show, with the
// fields the server named.
import { ref } from 'vue';
import { ApiError } from '../api/client';

export function useAttempt() {
  const error = ref('');
  async function attempt(fn: () => Promise<void>) {
    error.value = '';
    try {
      await fn();
    } catch (e) {
      error.value = e instanceof ApiError ? e.text : String(e);
    }
  }
  return { error, attempt };
}
