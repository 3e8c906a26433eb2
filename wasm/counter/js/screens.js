// The page's screens (`<main id="screen-…">`): one shown at a time. A screen that holds something
// running (the camera, the decision's timer and downloads) registers what to do when it is left;
// this keeps screens.js from importing the modules that import it.
import { $ } from "./state.js";

let screen = "loading";
const leaving = new Map();

/** The screen shown now: "loading", "settings", "counter" or "decision". */
export const currentScreen = () => screen;

/** `onLeave("counter", stopCamera)`: run when `name` is left for another screen. */
export function onLeave(name, leave) {
  leaving.set(name, leave);
}

export function show(name) {
  if (screen !== name) leaving.get(screen)?.();
  screen = name;
  for (const main of document.querySelectorAll("main")) main.hidden = main.id !== `screen-${name}`;
  $("loading").hidden = true;
  document.body.dataset.screen = name;
  for (const button of document.querySelectorAll("nav button[data-go]")) {
    if (button.dataset.go === name) button.setAttribute("aria-current", "page");
    else button.removeAttribute("aria-current");
  }
  const heading = document.querySelector(`#screen-${name} h1`);
  if (name !== "counter") heading?.focus();
}
