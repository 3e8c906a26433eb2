// The wallet's history: every event, oldest first, times in JST (the wallet verifies the hash
// chain before it answers).
import { el, inJst } from "../ui.js";

export function enter(ctx) {
  const items = ctx.wallet().history();
  document.getElementById("history-empty").hidden = items.length > 0;
  document.getElementById("history-list").replaceChildren(...items.map((item) =>
    el("li", { dataset: { kind: item.kind } }, el("time", { datetime: new Date(item.at * 1000).toISOString() }, inJst(item.at)),
      el("br"), item.text)));
}
