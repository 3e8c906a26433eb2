// The keyboard-wedge scanner: a USB scanner that types the presentation's text and Enter, as a
// keyboard would. It reaches the counter anywhere on its screen, or through the wedge field.
import { $ } from "./state.js";
import { currentScreen } from "./screens.js";
import { scanned } from "./challenge.js";
import { nextCustomer } from "./decision.js";

let typed = "";

/** A keyboard-wedge scanner types the whole text and Enter. Into the focused input, or, when
 * no text field has focus, anywhere on the counter screen. On the decision screen, Enter or
 * Escape moves to the next customer. */
export function onKey(event) {
  const screen = currentScreen();
  if (screen === "decision") {
    if (event.key === "Enter" || event.key === "Escape") {
      event.preventDefault();
      nextCustomer();
    }
    return;
  }
  if (screen !== "counter") return;
  // Keystrokes into a text field are that field's; anywhere else (the page, a button) they are
  // the scanner's — and its Enter then submits the text instead of pressing the button.
  const focused = document.activeElement;
  const free = !focused || !(focused.matches("input, select, textarea") || focused.isContentEditable);
  if (!free || event.ctrlKey || event.metaKey || event.altKey) return;
  if (event.key === "Enter") {
    const text = typed;
    typed = "";
    if (text) {
      event.preventDefault();
      scanned(text, "wedge");
    }
  } else if (event.key === "Escape") {
    typed = "";
  } else if (event.key.length === 1 && typed.length < 8192) {
    // Not the key's own action either: a space (base45 has it) would press a focused button.
    event.preventDefault();
    typed += event.key;
  }
}

/** The wedge field's form: what the scanner (or a clerk) typed into it. */
export function submitWedgeForm(event) {
  event.preventDefault();
  const text = $("wedge").value;
  $("wedge").value = "";
  if (text.trim()) scanned(text, "wedge");
}
