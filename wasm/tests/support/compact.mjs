// A forged compact presentation for the tests: a wallet's real `MV1:` text with one bit of the
// issuer's signature flipped, re-encoded exactly as a wallet would (base45 of the raw DEFLATE of
// the packing, vc-core/src/compact/). The verifier must refuse it as `tampered`.
//
//   const forged = forgeSignature(await world.present({ holder, challenge })[0]);
import { deflateRawSync, inflateRawSync } from "node:zlib";

const BASE45 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ $%*+-./:";
const PREFIX = "MV1:";

function base45Decode(text) {
  const out = [];
  for (let i = 0; i < text.length; i += 3) {
    const digits = [...text.slice(i, i + 3)].map((c) => {
      const d = BASE45.indexOf(c);
      if (d < 0) throw Object.assign(new Error(`not base45: ${c}`), { code: "malformed" });
      return d;
    });
    const n = digits.reduce((sum, d, k) => sum + d * 45 ** k, 0);
    if (digits.length === 3) out.push(n >> 8, n & 0xff);
    else out.push(n);
  }
  return Buffer.from(out);
}

function base45Encode(bytes) {
  let text = "";
  for (let i = 0; i < bytes.length; i += 2) {
    let n = i + 1 < bytes.length ? bytes[i] * 256 + bytes[i + 1] : bytes[i];
    const width = i + 1 < bytes.length ? 3 : 2;
    for (let k = 0; k < width; k += 1, n = Math.floor(n / 45)) text += BASE45[n % 45];
  }
  return text;
}

/** The offset just past the field (a LEB128 length, then that many bytes) at `at`. */
function skipField(packed, at) {
  let length = 0;
  let shift = 0;
  for (;;) {
    const byte = packed[at++];
    length |= (byte & 0x7f) << shift;
    shift += 7;
    if (!(byte & 0x80)) break;
  }
  return at + length;
}

/** `compact` with the last bit of its issuer JWT's signature flipped (everything else kept). */
export function forgeSignature(compact) {
  if (!compact.startsWith(PREFIX)) throw Object.assign(new Error("not an MV1 text"), { code: "malformed" });
  const packed = inflateRawSync(base45Decode(compact.slice(PREFIX.length)));
  // flags, then the issuer JWT's header, payload and signature fields.
  const end = skipField(packed, skipField(packed, skipField(packed, 1)));
  packed[end - 1] ^= 1;
  return PREFIX + base45Encode(deflateRawSync(packed));
}
