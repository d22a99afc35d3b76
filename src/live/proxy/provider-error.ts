/**
 * The provider's error code from an OpenAI-shaped error body (`{"error": {"code": ...}}`), or
 * undefined. Error bodies are small and rare, so a JSON parse is cheap enough; the gateway needs
 * the code to tell context_length_exceeded and content_policy_violation from other 400s.
 */
export function providerErrorCode(body: Buffer | null): string | undefined {
  if (body === null || body.length === 0 || body.length > 65_536) return undefined;
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return undefined;
  }
  if (parsed === null || typeof parsed !== 'object') return undefined;
  const err = (parsed as { error?: unknown }).error;
  if (err === null || typeof err !== 'object') return undefined;
  const code = (err as { code?: unknown }).code;
  return typeof code === 'string' && code !== '' ? code : undefined;
}
