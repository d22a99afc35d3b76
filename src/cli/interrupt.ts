/**
 * Ctrl-C during a live run: the first stops the load and lets the run close everything and
 * write its partial result; a second exits at once. The handlers live only as long as the run.
 */
export function onInterrupt(): { signal: AbortSignal; dispose(): void } {
  const ctrl = new AbortController();
  const handler = (): void => {
    if (ctrl.signal.aborted) {
      process.stderr.write('\nlbsim: interrupted again, exiting now\n');
      process.exit(130);
    }
    process.stderr.write(
      '\nlbsim: interrupted, stopping the load and closing (Ctrl-C again to quit at once)\n',
    );
    ctrl.abort();
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    signal: ctrl.signal,
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}

/** Resolves on the first SIGINT or SIGTERM, for commands that serve until they are stopped. */
export function untilSignal(): Promise<void> {
  return new Promise<void>((resolve) => {
    const stop = (): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve();
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
