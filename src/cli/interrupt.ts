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
 * SIGINT and SIGTERM for a command that serves until it is stopped: one handler for the whole
 * command, so no signal finds node's default action (exit 130) while the command is closing, and
 * none is lost when two arrive before JavaScript runs. `next()` resolves on the next signal not
 * yet taken (signals are counted, not dropped); `dispose()` once everything is closed.
 */
export interface StopSignals {
  next(): Promise<void>;
  dispose(): void;
}

export function stopSignals(): StopSignals {
  let unseen = 0;
  const waiters: (() => void)[] = [];
  const handler = (): void => {
    const w = waiters.shift();
    if (w !== undefined) w();
    else unseen++;
  };
  process.on('SIGINT', handler);
  process.on('SIGTERM', handler);
  return {
    next() {
      if (unseen > 0) {
        unseen--;
        return Promise.resolve();
      }
      return new Promise<void>((resolve) => waiters.push(resolve));
    },
    dispose() {
      process.off('SIGINT', handler);
      process.off('SIGTERM', handler);
    },
  };
}
