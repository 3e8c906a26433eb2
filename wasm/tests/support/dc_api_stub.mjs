// A stand-in for the platform's wallet picker of the W3C Digital Credentials API, for the browser
// tests of pages that call `navigator.credentials.get({ digital: { requests } })`.
//
// What it replaces, and nothing more: the part of the browser and the operating system that
// shows the wallet picker, hands the chosen wallet the request together with the page's origin,
// and gives the page back the wallet's answer as a `DigitalCredential`. Everything on either side
// of it is real: the page's own code calls the API as it would in a browser that has it, and the
// answer is built by a real wallet (the npm wallet's `answerDcApi`, in the Node test process, which
// `handler` calls). The origin the handler receives is the page's `location.origin`, as the
// platform would report it (a test may make its handler use another, to play a relaying attacker).
// It proves nothing about a real platform's picker, its user consent, or its own origin checks.
//
//   await installDcApiStub(page, async ({ protocol, data }, origin) => wallet.answerDcApi(protocol, data, origin, now));
//   // before page.goto; the handler may also throw (the page then gets a NotAllowedError)
//
//   await removeDcApi(page);   // a browser without the DC API, whatever this Chromium has
const BINDING = "__mynaTestWalletPicker";

/**
 * Defines `DigitalCredential` and makes `navigator.credentials.get` with a `digital` member
 * forward the first request (`{ protocol, data }`) and `location.origin` to `handler` in Node.
 * @param {import("playwright-core").Page} page
 * @param {(request: { protocol: string, data: object }, origin: string) => Promise<{ protocol: string, data: object }> | { protocol: string, data: object }} handler
 */
export async function installDcApiStub(page, handler) {
  await page.exposeFunction(BINDING, async (requestJson, origin) => {
    try {
      return JSON.stringify({ answer: await handler(JSON.parse(requestJson), origin) });
    } catch (error) {
      return JSON.stringify({ refused: String(error?.code ?? error?.message ?? error) });
    }
  });
  await page.addInitScript((binding) => {
    class DigitalCredential {
      #protocol;
      #data;
      constructor(protocol, data) {
        this.#protocol = protocol;
        this.#data = data;
      }
      get protocol() { return this.#protocol; }
      get data() { return this.#data; }
      get type() { return "digital"; }
      get id() { return ""; }
    }
    Object.defineProperty(window, "DigitalCredential", { value: DigitalCredential, configurable: true, writable: true });
    const credentials = navigator.credentials;
    const original = credentials.get.bind(credentials);
    const get = async (options) => {
      if (!options || !options.digital) return original(options);
      const requests = options.digital.requests;
      if (!Array.isArray(requests) || requests.length === 0) throw new TypeError("digital.requests must be a non-empty array");
      if (options.signal?.aborted) throw new DOMException("The operation was aborted.", "AbortError");
      const aborted = new Promise((_, reject) => options.signal?.addEventListener("abort",
        () => reject(new DOMException("The operation was aborted.", "AbortError")), { once: true }));
      const [first] = requests;
      const reply = JSON.parse(await Promise.race([
        window[binding](JSON.stringify({ protocol: first.protocol, data: first.data }), location.origin),
        aborted,
      ]));
      if (!reply.answer) throw new DOMException(`the wallet refused: ${reply.refused}`, "NotAllowedError");
      return new DigitalCredential(reply.answer.protocol, reply.answer.data);
    };
    Object.defineProperty(credentials, "get", { value: get, configurable: true, writable: true });
  }, BINDING);
}

/** Removes the DC API from the page (a browser that does not have it): no `DigitalCredential`. */
export async function removeDcApi(page) {
  await page.addInitScript(() => {
    delete window.DigitalCredential;
  });
}
