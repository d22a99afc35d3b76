import { z } from 'zod';
import { UsageError } from '../../core/errors.js';

/**
 * `target:` in a scenario: run the load and faults against a gateway that is not lbsim's. The
 * fakes listen on the fixed `port:` of each upstream, where that gateway is configured to send.
 */
export const zTarget = z.strictObject({
  url: z
    .url({ protocol: /^https?$/ })
    .describe('the OpenAI base URL of the gateway under test, e.g. http://127.0.0.1:8080/v1'),
  apiKeyEnv: z
    .string()
    .min(1)
    .optional()
    .describe('environment variable holding the key sent as Authorization: Bearer (default none)'),
});

export type Target = z.output<typeof zTarget>;

/** The scenario's `target`, validated; undefined when there is none. */
export function parseTarget(raw: unknown): Target | undefined {
  if (raw === undefined) return undefined;
  const r = zTarget.safeParse(raw);
  if (!r.success) {
    const lines = r.error.issues.map(
      (i) => `target${i.path.map((p) => `.${String(p)}`).join('')}: ${i.message}`,
    );
    throw new UsageError(lines.join('\n'));
  }
  return r.data;
}

export function isLoopbackHost(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  return h === 'localhost' || h === '::1' || /^127\.\d+\.\d+\.\d+$/.test(h);
}

/** Load goes to loopback only unless the user says otherwise, naming the risk. */
export function checkLoopback(url: string, allowRemote: boolean): void {
  const host = new URL(url).hostname;
  if (isLoopbackHost(host) || allowRemote) return;
  throw new UsageError(
    `target ${host} is not a loopback address: lbsim would send load and faults' traffic to another machine; pass --allow-remote if you own it and mean to`,
  );
}
