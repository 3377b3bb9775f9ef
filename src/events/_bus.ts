// A synchronous fan-out of engine events. A listener that throws is reported once and detached, so one
// broken subscriber (a user's onEvent) never stops a run or hides other subscribers' events.
import type { EngineEvent, EventListener } from "./_types.ts";

export class EventBus {
  #listeners = new Set<EventListener>();
  #onListenerError: (e: unknown) => void;

  constructor(onListenerError: (e: unknown) => void = () => {}) {
    this.#onListenerError = onListenerError;
  }

  on(listener: EventListener): () => void {
    this.#listeners.add(listener);
    return () => this.#listeners.delete(listener);
  }

  emit(event: EngineEvent): void {
    for (const l of this.#listeners) {
      try {
        l(event);
      } catch (e) {
        this.#listeners.delete(l);
        this.#onListenerError(e);
      }
    }
  }
}
