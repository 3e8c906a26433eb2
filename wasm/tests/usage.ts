// Compiled with `tsc --noEmit --strict` by types.test.mjs: the package's declarations must
// type a user's code, including the shapes of decisions, requests and errors.
import {
  CrossDeviceSession, DcApiSession, StatusList, Verifier, type BillingRecord, type DcApiRequest,
  type Decision, type Freshness, type MynaError, type PresentationRequest, type RosterEntry,
} from "myna-vc";

import {
  Wallet, type DcApiAnswer, type HeldCredentials, type HistoryItem, type PreviewItem, type RecordChange,
  type RegistryPost, type StatusReport, type StoredConsentJs, type StoredRecord, type WalletPresentation,
} from "myna-vc/wallet";
import { TrusteeKey, type TrusteeErrorCode } from "myna-vc/trustee";

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
// The counter page: a record or an entry made from the decision, and how old the data is.
const billing: BillingRecord | null = verifier.billingRecord(decision, "clinic:c-1:outpatient");
const xml: string | undefined = billing?.xml;
const payer: string | undefined = billing?.json.payer_number;
const entry: RosterEntry | null = verifier.rosterEntry(decision, "shelter:s-1");
const entryId: string | undefined = entry?.entry_id;
const freshness: Freshness = verifier.freshness(Date.now() / 1000);
const tooStale: boolean = freshness.statusLists.some((l) => l.tooStale || l.expired);
const trustAge: number = freshness.trustList.ageSecs;
console.log(xml, payer, entryId, tooStale, trustAge);
// An online shop's server: the DC API and cross-device sessions, kept as text between requests.
const session: DcApiSession = verifier.dcApiRequest("age-over-20", "https://shop.example", 0, { encrypt: true });
const dcRequest: DcApiRequest | null = session.request;
const withDefaults: DcApiSession = verifier.dcApiRequest("age-over-20", "https://shop.example", 0);
console.log(withDefaults.policy);
const kept: string = session.toState();
const dcDecision: Decision = verifier.decideDcApi(DcApiSession.fromState(kept), { protocol: "openid4vp-v1-unsigned", data: {} }, 0);
const expiresAt: number = session.expiresAt;
const remote: CrossDeviceSession = verifier.crossDeviceRequest("age-over-20", "redirect_uri:https://shop.example/r", "https://shop.example/r", 0);
const link: string = remote.link;
const remoteDecision: Decision = verifier.decideDirectPost(CrossDeviceSession.fromState(remote.toState()), "response=x", 0);
console.log(dcRequest?.protocol, dcDecision.accepted, expiresAt, link, remoteDecision.reason);
const list: StatusList = StatusList.verify(token, "{}", "https://city.example/status/1", 0);
const bits: number = list.bits;

const wallet: Wallet = Wallet.restore("secret", 0);
const items: PreviewItem[] = wallet.preview(JSON.stringify(request), 0);
const presented: WalletPresentation = wallet.present(JSON.stringify(request), 0);
const qr: string | null = presented.compact;
const qrs: string[] = presented.compacts;
console.log(items.map((i) => i.disclosed), qr, qrs.length);
const dcAnswer: DcApiAnswer = wallet.answerDcApi("openid4vp-v1-unsigned", {}, "https://shop.example", 0);
const dcPreview: PreviewItem[] = wallet.previewDcApi("openid4vp-v1-signed", {}, "https://shop.example", 0, ["MIIB…"]);
console.log(dcAnswer.data, dcPreview.length);

try {
  Verifier.create("{}", 0);
} catch (error) {
  const code: string = (error as MynaError).code;
  console.log(code);
}
// The storage API of the web app.
const created: Wallet = Wallet.create("a long passphrase", 0);
const changes: RecordChange[] = created.takeChanges();
const records: StoredRecord[] = changes.flatMap((c) => (c.value ? [{ table: c.table, key: c.key, value: c.value }] : []));
const opened: Wallet = Wallet.open(records, "a long passphrase");
const held: HeldCredentials = opened.held(0);
const state: "valid" | "suspended" | "revoked" | "unknown" | undefined = held.cards[0]?.status.state;
const labelJa: string | undefined = held.cards[0]?.claimLabels["age_over_20"]?.ja;
const report: StatusReport = opened.applyStatus("{}", 0);
const uris: string[] = opened.statusUris();
const history: HistoryItem[] = opened.history();
const backup: Uint8Array = opened.exportBackup("a long passphrase", "backup passphrase");
const restored: Wallet = Wallet.importBackup(backup, "backup passphrase", "a long passphrase", 0);
const post: RegistryPost = opened.consentRegistration({ recipient: "did:key:z", purpose: "p", vct: "urn:x", claims: ["a"], oneTime: true }, "https://city.example", 0);
const consent: StoredConsentJs = opened.keepConsent(post.pendingId, "{}", "{}", 0);
const action: RegistryPost = opened.consentAction(consent.id, "pause", 0);
const consents: StoredConsentJs[] = opened.consents(0);
console.log(state, labelJa, report.failed, uris, history, restored, action.url, consents);
console.log(reason, shown, claims, specs, bits);

// The staff console's trustee: open the key file, release the share, post the body.
declare const keyFileText: string;
declare const sealedLink: string;
const trustee: TrusteeKey = TrusteeKey.open(keyFileText, "passphrase of alice", "alice");
const trusteePublic: string = trustee.publicKey;
const shareBody: string = trustee.release(sealedLink);
const trusteeCode: TrusteeErrorCode = "not_a_trustee";
trustee.free();
console.log(trusteePublic, shareBody, trusteeCode);
