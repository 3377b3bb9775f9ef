// SIGINT/SIGTERM while automation contexts are open: every open context is closed (running calls aborted,
// gates shut down), then the signal is raised again with our handler gone, so the process ends as that
// signal would have ended it (exit status, a parent's wait). One handler pair serves every open context.

type Close = () => Promise<void>;
type SignalName = "SIGINT" | "SIGTERM";

const SIGNALS: readonly SignalName[] = ["SIGINT", "SIGTERM"];
// A gate that does not answer Shutdown must not keep a signalled process alive.
const CLOSE_LIMIT_MS = 10_000;
const open = new Set<Close>();
const handlers = new Map<SignalName, () => void>();

function install(): void {
  if (handlers.size > 0) return;
  for (const sig of SIGNALS) {
    const h = () => onSignal(sig);
    handlers.set(sig, h);
    process.on(sig, h);
  }
}

function uninstall(): void {
  for (const [sig, h] of handlers) process.off(sig, h);
  handlers.clear();
}

function onSignal(sig: SignalName): void {
  // From here a second signal gets the default action: a user pressing ^C twice means "now".
  uninstall();
  const closing = [...open];
  open.clear();
  const limit = new Promise<void>((resolve) => setTimeout(resolve, CLOSE_LIMIT_MS).unref());
  void Promise.race([Promise.allSettled(closing.map((c) => c())), limit]).then(() => process.kill(process.pid, sig));
}

/** Closes `close`'s context on SIGINT/SIGTERM until the returned function is called (on the context's close). */
export function closeOnSignals(close: Close): () => void {
  open.add(close);
  install();
  return () => {
    open.delete(close);
    if (open.size === 0) uninstall();
  };
}
