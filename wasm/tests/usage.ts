// Compiled with `tsc --noEmit --strict` by types.test.mjs: the package's declarations must
// type a user's code, including the shapes of decisions, requests and errors.
import { StatusList, Verifier, type Decision, type MynaError, type PresentationRequest } from "myna-vc";

import { Wallet, type PreviewItem, type WalletPresentation } from "myna-vc/wallet";

declare const config: string;
declare const presentation: string;
declare const token: string;

const verifier: Verifier = Verifier.create(config, Date.now() / 1000);
const request: PresentationRequest = verifier.request("age-over-20");
const decision: Decision = verifier.verify("age-over-20", presentation, request.nonce, Date.now() / 1000);
const reason: string | undefined = decision.reason;
const shown: string = decision.accepted ? "✓" : `✗ ${decision.message_ja ?? ""} / ${decision.message_en ?? ""}`;
const claims: Record<string, unknown>[] = decision.credentials.map((c) => c.claims);
const specs: string[] = Verifier.policies().map((p) => p.spec);
const list: StatusList = StatusList.verify(token, "{}", "https://city.example/status/1", 0);
const bits: number = list.bits;

const wallet: Wallet = Wallet.restore("secret", 0);
const items: PreviewItem[] = wallet.preview(JSON.stringify(request), 0);
const presented: WalletPresentation = wallet.present(JSON.stringify(request), 0);
const qr: string = presented.compact;
console.log(items.map((i) => i.disclosed), qr);

try {
  Verifier.create("{}", 0);
} catch (error) {
  const code: string = (error as MynaError).code;
  console.log(code);
}
console.log(reason, shown, claims, specs, bits);
