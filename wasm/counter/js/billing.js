// The clinic's billing record of an accepted visit, offered as two downloads (JSON and XML) on
// the decision screen. The downloads are object URLs, revoked when the decision is left.
import { state, $ } from "./state.js";

let objectUrls = [];

/** The clinic's billing record as two downloads (JSON, XML). True when there is one. */
export function offerBilling(decision, spec) {
  const { verifier } = state;
  if (typeof verifier?.billingRecord !== "function") return false;
  const record = verifier.billingRecord(decision, spec);
  if (!record) return false;
  const name = `billing-${record.json.visit_date ?? "record"}-${record.json.recipient_number ?? ""}`.replace(/[^A-Za-z0-9_.-]/g, "");
  const json = URL.createObjectURL(new Blob([`${JSON.stringify(record.json, null, 2)}\n`], { type: "application/json" }));
  const xml = URL.createObjectURL(new Blob([record.xml], { type: "application/xml" }));
  objectUrls.push(json, xml);
  Object.assign($("billing-json"), { href: json, download: `${name}.json` });
  Object.assign($("billing-xml"), { href: xml, download: `${name}.xml` });
  $("decision-billing").hidden = false;
  return true;
}

/** Frees the downloads: the record stays in memory no longer than its decision is shown. */
export function revokeBilling() {
  for (const url of objectUrls) URL.revokeObjectURL(url);
  objectUrls = [];
}
