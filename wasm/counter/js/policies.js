// The counter's policies: every ready-made policy of the verifier's catalogue
// (`Verifier.policies()`, verifier/src/policy/catalog.rs), the fields its spec needs, and how
// stale the revocation data may be before the counter refuses. Pure data and functions (no
// DOM), so the tests build the same settings the settings screen makes.

const DAY = 86_400;

/**
 * The kinds the settings screen offers. `fields`: the settings a spec needs; `staleness`: the
 * default maximum age of the status data in seconds (a shelter desk works for days without a
 * network after a disaster; a shop selling alcohol wants yesterday's revocations);
 * `service`: verified by `myna verify serve` (the shared ledger), not on this page.
 */
export const KINDS = [
  { kind: "age-over-18", fields: [], staleness: DAY },
  { kind: "age-over-20", fields: [], staleness: DAY },
  { kind: "age-over-65", fields: [], staleness: DAY },
  { kind: "resident", fields: ["municipality"], staleness: DAY },
  { kind: "kobe-pupil-pass", fields: [], staleness: DAY },
  { kind: "himeji-child-entry", fields: [], staleness: DAY },
  { kind: "resident-of-region", fields: ["region"], staleness: DAY },
  { kind: "senior", fields: ["area"], staleness: DAY },
  { kind: "kobe-senior", fields: [], staleness: DAY },
  { kind: "himeji-senior", fields: [], staleness: DAY },
  { kind: "fan-club", fields: ["club", "sale", "shop", "serviceUrl", "registerToken"], staleness: DAY, service: true },
  { kind: "shelter", fields: ["shelterId", "hqUrl", "hqToken"], staleness: 7 * DAY },
  { kind: "clinic", fields: ["clinicId", "care"], staleness: 3 * DAY },
];

export const kindOf = (name) => KINDS.find((k) => k.kind === name);

/**
 * The regions the settings screen offers: the verifier's built-in ones
 * (verifier/data/regions.json, `myna verify regions`; a test keeps the two equal). The
 * page's verifier knows no others.
 */
export const REGIONS = ["harima", "izu"];

/** The settings every counter starts with. */
export const DEFAULT_SETTINGS = Object.freeze({
  kind: "age-over-20",
  municipality: "",
  region: "harima", area: "",
  club: "", sale: "", shop: "", serviceUrl: "", registerToken: "",
  shelterId: "", hqUrl: "", hqToken: "",
  clinicId: "", care: "outpatient",
  /** Per kind, seconds; a missing kind takes its default. */
  maxStaleness: {},
  /** The decision screen clears itself after this many seconds. */
  clearAfterSeconds: 8,
});

const MUNICIPALITY = /^\d{6}$/;
const ID = /^[A-Za-z0-9._-]{1,64}$/;

/** The policy spec of `settings` (what `Verifier.request` takes), or throws `invalid_setting`
 * with `field` naming the first wrong field. */
export function specOf(settings) {
  const bad = (field) => Object.assign(new Error(`invalid setting: ${field}`), { code: "invalid_setting", field });
  const id = (field) => {
    if (!ID.test(settings[field] ?? "")) throw bad(field);
    return settings[field];
  };
  switch (settings.kind) {
    case "age-over-18": case "age-over-20": case "age-over-65": case "kobe-pupil-pass": case "himeji-child-entry":
    case "kobe-senior": case "himeji-senior":
      return settings.kind;
    case "resident":
      if (!MUNICIPALITY.test(settings.municipality ?? "")) throw bad("municipality");
      return `resident:${settings.municipality}`;
    case "resident-of-region":
      if (!REGIONS.includes(settings.region)) throw bad("region");
      return `resident-of-region:${settings.region}`;
    case "senior": {
      // A six-digit municipality code or one of the regions.
      const area = settings.area ?? "";
      if (!MUNICIPALITY.test(area) && !REGIONS.includes(area)) throw bad("area");
      return `senior:${area}`;
    }
    case "fan-club": {
      const spec = `fan-club:${id("club")}:${id("sale")}:${id("shop")}`;
      if (!httpUrl(settings.serviceUrl)) throw bad("serviceUrl");
      return spec;
    }
    case "shelter": {
      const spec = `shelter:${id("shelterId")}`;
      if (settings.hqUrl && !httpUrl(settings.hqUrl)) throw bad("hqUrl");
      return spec;
    }
    case "clinic":
      if (!["outpatient", "inpatient"].includes(settings.care)) throw bad("care");
      return `clinic:${id("clinicId")}:${settings.care}`;
    default:
      throw bad("kind");
  }
}

/** The settings fields of a spec (the inverse of `specOf`), merged over `base`. */
export function settingsForSpec(spec, base = DEFAULT_SETTINGS) {
  const parts = spec.split(":");
  const out = { ...base, maxStaleness: { ...base.maxStaleness } };
  switch (parts[0]) {
    case "resident": return { ...out, kind: "resident", municipality: parts[1] };
    case "resident-of-region": return { ...out, kind: "resident-of-region", region: parts[1] };
    case "senior": return { ...out, kind: "senior", area: parts[1] };
    case "fan-club": return { ...out, kind: "fan-club", club: parts[1], sale: parts[2], shop: parts[3] };
    case "shelter": return { ...out, kind: "shelter", shelterId: parts[1] };
    case "clinic": return { ...out, kind: "clinic", clinicId: parts[1], care: parts[2] };
    default:
      if (!kindOf(parts[0]) || parts.length !== 1) throw Object.assign(new Error(`unknown policy ${spec}`), { code: "invalid_setting", field: "kind" });
      return { ...out, kind: parts[0] };
  }
}

/** The maximum staleness (seconds) for the settings' kind. */
export function maxStalenessOf(settings) {
  const own = settings.maxStaleness?.[settings.kind];
  return Number.isInteger(own) && own >= 0 ? own : kindOf(settings.kind)?.staleness ?? DAY;
}

function httpUrl(text) {
  try {
    const url = new URL(text);
    return (url.protocol === "https:" || url.protocol === "http:") && !url.username && !url.password;
  } catch {
    return false;
  }
}
