// A QR code as SVG: the wallet's `qrMatrix(text)` gives the modules; this draws one path of
// dark squares on white with the 4-module quiet zone the standard asks for.
const SVG = "http://www.w3.org/2000/svg";
const QUIET = 4;

/** An `<svg role="img">` of `matrix` (`{ size, modules }`, modules[y * size + x] = 1 for dark). */
export function qrSvg({ size, modules }, label) {
  const full = size + 2 * QUIET;
  const svg = document.createElementNS(SVG, "svg");
  svg.setAttribute("viewBox", `0 0 ${full} ${full}`);
  svg.setAttribute("role", "img");
  svg.setAttribute("aria-label", label);
  svg.setAttribute("shape-rendering", "crispEdges");
  const background = document.createElementNS(SVG, "rect");
  background.setAttribute("width", full);
  background.setAttribute("height", full);
  background.setAttribute("fill", "#fff");
  const parts = [];
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      if (modules[y * size + x]) parts.push(`M${x + QUIET} ${y + QUIET}h1v1h-1z`);
    }
  }
  const dark = document.createElementNS(SVG, "path");
  dark.setAttribute("d", parts.join(""));
  dark.setAttribute("fill", "#000");
  svg.append(background, dark);
  return svg;
}
