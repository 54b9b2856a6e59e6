// The one place that binds htm to Preact and re-exports what pages use, so
// page modules use html.js and never the vendor folder directly.
import { h, render, createContext, Fragment } from "../vendor/preact.module.js";
import {
  useState, useEffect, useLayoutEffect, useRef, useMemo, useCallback, useContext, useId,
} from "../vendor/hooks.module.js";
import htm from "../vendor/htm.module.js";

export const html = htm.bind(h);
export {
  h, render, createContext, Fragment,
  useState, useEffect, useLayoutEffect, useRef, useMemo, useCallback, useContext, useId,
};
