// @ts-check
// The HTTP API with a bearer token. Errors become ApiError with the protocol's code.

export class ApiError extends Error {
  /**
   * @param {string} code  the protocol's error code, or network, timeout, http_error
   * @param {string} message
   * @param {number} [status]  the HTTP status (0: no answer)
   * @param {Record<string, any>} [info]
   */
  constructor(code, message, status = 0, info = {}) {
    super(`${code}: ${message}`);
    this.code = code;
    this.detail = message;
    this.status = status;
    this.info = info; // the error object's other fields (a conflict's `filed`)
  }
}

/**
 * @param {string} method
 * @param {string} path
 * @param {{token?: string, body?: any, query?: Record<string, any>}} [options]
 * @returns {Promise<any>}  the answer's JSON, as docs/protocol.md describes it
 */
export async function api(method, path, { token, body, query } = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query || {})) {
    if (v !== undefined && v !== null && v !== "") url.searchParams.set(k, v);
  }
  /** @type {Record<string, string>} */
  const headers = {};
  if (token) headers.authorization = `Bearer ${token}`;
  if (body !== undefined) headers["content-type"] = "application/json";
  let response;
  try {
    response = await fetch(url, {
      method,
      headers,
      body: body === undefined ? undefined : JSON.stringify(body),
      cache: "no-store",
    });
  } catch (err) {
    throw new ApiError("network", String(err));
  }
  const text = await response.text();
  let data = null;
  if (text) {
    try {
      data = JSON.parse(text);
    } catch {
      data = null;
    }
  }
  if (!response.ok) {
    const error = (data && data.error) || {};
    throw new ApiError(error.code || "http_error", error.message || response.statusText, response.status, error);
  }
  return data;
}

/**
 * A file from the API (an export): the token goes in the header, never the URL. Resolves
 * to {blob, name} (name from Content-Disposition); an ApiError otherwise, with code
 * "timeout" after `timeoutMs`, "network" when the server cannot be reached, else the
 * protocol's code (or "http_error" for a body that is not the protocol's) and the status.
 */
/**
 * @param {string} path
 * @param {{token?: string, query?: Record<string, string>, timeoutMs?: number}} [options]
 * @returns {Promise<{blob: Blob, name: string}>}
 */
export async function fetchFile(path, { token, query, timeoutMs = 180000 } = {}) {
  const url = new URL(path, location.origin);
  for (const [k, v] of Object.entries(query || {})) if (v) url.searchParams.set(k, v);
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const response = await fetch(url, {
      headers: token ? { authorization: `Bearer ${token}` } : {},
      cache: "no-store",
      signal: controller.signal,
    });
    if (!response.ok) {
      /** @type {Record<string, any>} */
      let error = {};
      try {
        error = (await response.json()).error || {};
      } catch {
        /* a plain-text error page */
      }
      throw new ApiError(error.code || "http_error", error.message || response.statusText, response.status);
    }
    const blob = await response.blob();
    return { blob, name: fileNameOf(response.headers.get("content-disposition")) };
  } catch (err) {
    if (err instanceof ApiError) throw err;
    if (err?.name === "AbortError") throw new ApiError("timeout", "no answer in time");
    throw new ApiError("network", String(err));
  } finally {
    clearTimeout(timer);
  }
}

/** `attachment; filename="x.pdf"` (or filename*=UTF-8''…) -> "x.pdf". */
/** @param {string | null} disposition @returns {string} */
export function fileNameOf(disposition) {
  if (!disposition) return "";
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim());
    } catch {
      /* fall through to the plain name */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1].trim() : "";
}

/** Hand a blob to the browser as a download named `name` (a temporary <a download>). */
/** @param {Blob} blob @param {string} name */
export function saveBlob(blob, name) {
  const url = URL.createObjectURL(blob);
  const a = document.createElement("a");
  a.href = url;
  a.download = name;
  a.rel = "noopener";
  a.style.display = "none";
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 60000);
}

/** Bind a token once: const call = client(token); await call("GET", "/api/..."). */
/** @typedef {(method: string, path: string, options?: {body?: any, query?: Record<string, any>}) => Promise<any>} Client */
/** @param {string} token @returns {Client} */
export function client(token) {
  return (method, path, options = {}) => api(method, path, { ...options, token });
}

/** @type {Map<string, Promise<string>>} */
const qrCache = new Map();

/** An <img> of a QR code holding `data` (made by the server; POST keeps codes out of logs). */
/** @param {string} data @param {string} [alt] */
export function qrImage(data, alt = "") {
  const img = document.createElement("img");
  img.className = "qr";
  img.alt = alt;
  img.decoding = "async";
  qrUrl(data).then(
    (url) => {
      img.src = url;
    },
    () => img.classList.add("qr-failed"),
  );
  return img;
}

let running = 0;
/** @type {((value?: unknown) => void)[]} */
const waiting = [];

/** @template T @param {() => Promise<T>} task @returns {Promise<T>} */
async function limited(task) {
  if (running >= 6) await new Promise((resolve) => waiting.push(resolve));
  running += 1;
  try {
    return await task();
  } finally {
    running -= 1;
    waiting.shift()?.();
  }
}

/** An object URL of the QR code's SVG (one fetch per data). @param {string} data @returns {Promise<string>} */
export function qrUrl(data) {
  if (!qrCache.has(data)) {
    const made = limited(async () => {
      const response = await fetch("/api/qr.svg", {
        method: "POST",
        headers: { "content-type": "application/json" },
        body: JSON.stringify({ data }),
      });
      if (!response.ok) throw new ApiError("qr", `QR failed: ${response.status}`, response.status);
      return URL.createObjectURL(await response.blob());
    });
    made.catch(() => qrCache.delete(data));
    qrCache.set(data, made);
  }
  return /** @type {Promise<string>} */ (qrCache.get(data));
}

/** The join URL for an app page and a code: the code travels in the fragment. */
/** @param {string} page @param {string} code */
export function joinUrl(page, code) {
  return `${location.origin}/app/${page}#code=${encodeURIComponent(code)}`;
}
