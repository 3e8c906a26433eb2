// The merchant's age check: everything needed is loaded once (the package, its .wasm and
// the shop's configuration); after that, checks run in the page with no network at all.
// URL parameters `nonce` and `now` pin the challenge and the clock (kiosk setups and tests).
import { Verifier } from "./pkg/index.js";

const POLICY = "age-over-20";
const params = new URLSearchParams(location.search);
const now = () => (params.has("now") ? Number(params.get("now")) : Math.floor(Date.now() / 1000));
const $ = (id) => document.getElementById(id);

const config = await (await fetch("./config.json")).text();
const verifier = Verifier.create(config, now());
let challenge = newChallenge();

function newChallenge() {
  const request = verifier.request(POLICY);
  if (params.has("nonce")) {
    const nonce = params.get("nonce");
    return { nonce, text: `MVC1:${nonce}:${request.audience}` };
  }
  return { nonce: request.nonce, text: request.challenge };
}

function show(decision) {
  const result = $("result");
  result.hidden = false;
  result.className = decision.accepted ? "accepted" : "rejected";
  result.dataset.reason = decision.accepted ? "accepted" : decision.reason;
  $("mark").textContent = decision.accepted ? "✓" : "✗";
  $("reason-ja").textContent = decision.accepted ? "20歳以上であることを確認しました。" : decision.message_ja;
  $("reason-en").textContent = decision.accepted ? "Age 20 or over confirmed." : decision.message_en;
}

function check(text) {
  $("error").hidden = true;
  try {
    show(verifier.verify(POLICY, text, challenge.nonce, now()));
  } catch (error) {
    $("result").hidden = true;
    $("error").hidden = false;
    $("error").textContent = `${error.code ?? "error"}: ${error.message}`;
  }
  // Every customer gets a fresh challenge (unless a kiosk pinned one in the URL).
  challenge = newChallenge();
  $("challenge").textContent = challenge.text;
}

$("challenge").textContent = challenge.text;
$("check").addEventListener("submit", (event) => {
  event.preventDefault();
  check($("presentation").value.trim());
});
$("upload").addEventListener("change", async () => {
  const file = $("upload").files[0];
  if (file) {
    $("presentation").value = (await file.text()).trim();
    check($("presentation").value);
  }
});
$("submit").disabled = false;
document.body.dataset.ready = "true";
