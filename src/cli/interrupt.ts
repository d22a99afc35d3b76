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

/**
 * Resolves true on the next SIGINT or SIGTERM, for commands that serve until they are stopped;
 * false, with the handlers gone, once `cancel` aborts.
 */
export function untilSignal(cancel?: AbortSignal): Promise<boolean> {
  return new Promise<boolean>((resolve) => {
    const done = (signalled: boolean): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      cancel?.removeEventListener('abort', cancelled);
      resolve(signalled);
    };
    const stop = (): void => done(true);
    const cancelled = (): void => done(false);
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
    if (cancel?.aborted) cancelled();
    else cancel?.addEventListener('abort', cancelled);
  });
}
