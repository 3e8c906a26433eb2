// A QR code as SVG: the server sends the modules (`qrMatrix` of myna-vc, `size` and a string of
// "0"/"1" row by row); this draws the dark modules as one path on white, with the 4-module
// quiet zone the standard asks for, each module a whole number of device pixels.
const SVG = "http://www.w3.org/2000/svg";
const QUIET = 4;

/** An `<svg role="img">` of the code, labelled `label`. */
export function qrSvg({ size, modules }, label) {
  const full = size + 2 * QUIET;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${full} ${full}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("shape-rendering", "crispEdges");
  const background = document.createElementNS(SVG, "rect");
  background.setAttribute("width", String(full));
  background.setAttribute("height", String(full));
  background.setAttribute("fill", "#fff");
  const parts = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (modules[y * size + x] === "1") parts.push(`M${x + QUIET} ${y + QUIET}h1v1h-1z`);
    }
  }
  const dark = document.createElementNS(SVG, "path");
  dark.setAttribute("d", parts.join(""));
  dark.setAttribute("fill", "#000");
  svg.append(background, dark);
  return svg;
}

/** Sizes `svg` as wide as its box allows with whole device pixels per module. */
export function crisp(svg) {
  const full = svg.viewBox.baseVal.width;
  const box = svg.parentElement?.clientWidth ?? 0;
  if (!box || !full) return;
  const ratio = window.devicePixelRatio || 1;
  const side = (Math.max(1, Math.floor((box * ratio) / full)) * full) / ratio;
  svg.setAttribute("width", String(side));
  svg.setAttribute("height", String(side));
}
