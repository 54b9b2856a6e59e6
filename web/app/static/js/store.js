// A tiny observable value shared outside the component tree (toasts,
// network status, the confirmation dialog), plus a hook to read it.
import { useState, useLayoutEffect } from "./html.js";

export function createStore(initial) {
  let value = initial;
  const listeners = new Set();
  return {
    get: () => value,
    set(next) {
      value = typeof next === "function" ? next(value) : next;
      for (const fn of listeners) fn(value);
    },
    subscribe(fn) {
      listeners.add(fn);
      return () => listeners.delete(fn);
    },
  };
}

/**
 * useStore reads store and re-renders on change. It subscribes while the
 * component is committed (a layout effect), so a change made in the same
 * commit (a redirect) is not missed until after the next frame.
 */
export function useStore(store) {
  const [value, setValue] = useState(store.get());
  useLayoutEffect(() => {
    setValue(store.get());
    return store.subscribe(setValue);
  }, [store]);
  return value;
}
