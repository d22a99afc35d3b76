import { UsageError } from '../../core/errors.js';

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
