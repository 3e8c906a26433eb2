// The counter's requests to our services (`myna verify serve` for a sale, the disaster HQ for a
// shelter's roster): their base URLs are settings, typed with or without a trailing slash.

/** The base URL with a trailing slash, so `new URL("requests", base)` stays under its path. */
export const withSlash = (url) => (url.endsWith("/") ? url : `${url}/`);

/** The authorization header for a token, none without one. */
export const bearer = (token) => (token ? { authorization: `Bearer ${token}` } : {});
