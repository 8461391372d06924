// @ts-check
// Joining: a code (from the URL fragment, a typed code, or a scanned QR) is exchanged for a
// token at POST /api/join; the token is kept in localStorage for this app. The code or
// token travels in the fragment (#code=…, #token=…), never the query, so it never
// reaches a server log; it is removed from the address bar once read.

import { api, ApiError } from "./api.js";
import { Outbox } from "./connection.js";
import { h, clear, toast } from "./dom.js";
import { t, errorText, applyI18n } from "./i18n.js";
/** @import { Session } from "./types.js" */

/** Each role's page. @type {Record<string, string>} */
export const PAGES = {
  facilitator: "tablet.html",
  participant: "keypad.html",
  display: "plenary.html",
  theme: "theme.html",
  organiser: "organiser.html",
};

const storeKey = (/** @type {string} */ role) => `pk.session.${role}`;

/** @param {string} role @returns {Session | null} */
export function savedSession(role) {
  try {
    const value = JSON.parse(localStorage.getItem(storeKey(role)) || "null");
    return value && value.token ? value : null;
  } catch {
    return null;
  }
}

/** @param {Session | null} a @param {Session} b */
function sameVoter(a, b) {
  return a && b && a.meeting === b.meeting && a.table === b.table && a.seat === b.seat;
}

/** @param {Session} session */
export function saveSession(session) {
  const old = savedSession(session.role);
  if (old && old.token !== session.token && sameVoter(old, session)) {
    new Outbox(session.token).adopt(old.token); // nothing pending is lost on a re-join
  }
  localStorage.setItem(storeKey(session.role), JSON.stringify(session));
}

// A socket's onFatal: the token is no longer valid, so forget it, say so, and start over.
/** @param {string} role */
export function sessionLost(role) {
  return () => {
    forgetSession(role);
    toast(t("error.unauthorized"), "error");
    setTimeout(() => location.reload(), 1500);
  };
}

/** @param {string} role */
export function forgetSession(role) {
  localStorage.removeItem(storeKey(role));
}

export function fragment() {
  const params = new URLSearchParams(location.hash.replace(/^#/, ""));
  return { code: params.get("code"), token: params.get("token") };
}

function clearFragment() {
  if (location.hash) history.replaceState(null, "", location.pathname + location.search);
}

/** @param {string} code @returns {Promise<Session>} */
export async function joinWithCode(code) {
  const joined = await api("POST", "/api/join", { body: { code } });
  /** @type {Session} */
  const session = {
    token: joined.token,
    role: joined.role,
    meeting: joined.meeting,
    table: joined.table ?? null,
    seat: joined.seat ?? null,
    site: joined.site ?? null,
    title: joined.title ?? null,
    language: joined.language ?? "th",
  };
  saveSession(session);
  return session;
}

/** Where a session of another role belongs: go there (its session is saved already). */
/** @param {string} role @param {Session} session */
function redirectIfOther(role, session) {
  if (session.role === role) return false;
  location.replace(`/app/${PAGES[session.role] || ""}`);
  return true;
}

/**
 * The session for this app: from the fragment, else localStorage, else a join form in
 * `mount`. Resolves once joined (or never, when the page moves to another app).
 */
/**
 * @param {string} role
 * @param {HTMLElement} mount
 * @param {{titleKey?: string}} [options]
 * @returns {Promise<Session>}
 */
export async function obtainSession(role, mount, { titleKey } = {}) {
  const { code, token } = fragment();
  if (token && role === "organiser") {
    /** @type {Session} */
    const session = { token, role, meeting: token.split(".")[0], title: null };
    saveSession(session);
    clearFragment();
    return session;
  }
  if (code) {
    clearFragment();
    try {
      const session = await joinWithCode(code);
      if (redirectIfOther(role, session)) return new Promise(() => {});
      return session;
    } catch (err) {
      return joinForm(role, mount, { titleKey, error: err, code });
    }
  }
  const saved = savedSession(role);
  if (saved) return saved;
  return joinForm(role, mount, { titleKey });
}

/**
 * @param {string} role
 * @param {HTMLElement} mount
 * @param {{titleKey?: string, error?: any, code?: string | null}} [options]
 * @returns {Promise<Session>}
 */
function joinForm(role, mount, { titleKey, error, code } = {}) {
  return new Promise((resolve) => {
    const input = h("input", {
      id: "join-code",
      class: "code-input",
      name: "code",
      autocomplete: "off",
      autocapitalize: "characters",
      spellcheck: "false",
      inputmode: "text",
      maxlength: "12",
      required: true,
      "data-i18n-attr": "aria-label:join.code_label",
    });
    if (code) input.value = code;
    const message = h("p", { class: "form-error", role: "alert", id: "join-error" });
    const submit = h("button", { class: "btn btn-primary btn-xl", type: "submit", "data-i18n": "join.submit" });
    const form = h(
      "form",
      { class: "join-card card", id: "join-form" },
      h("h1", { "data-i18n": titleKey || "app.name" }),
      h("label", { for: "join-code", class: "join-label", "data-i18n": "join.code_label" }),
      input,
      message,
      submit,
      scanButton(input, () => form.requestSubmit()),
      h("p", { class: "hint", "data-i18n": "join.hint" }),
    );
    const show = (/** @type {ApiError | null | undefined} */ err) => {
      message.textContent = err ? (err.code === "not_found" ? t("join.unknown_code") : errorText(err.code, err.detail)) : "";
    };
    show(error);
    form.addEventListener("submit", async (event) => {
      event.preventDefault();
      submit.disabled = true;
      show(null);
      try {
        const session = await joinWithCode(input.value.trim());
        if (redirectIfOther(role, session)) return;
        form.remove();
        resolve(session);
      } catch (err) {
        show(err instanceof ApiError ? err : new ApiError("network", String(err)));
      } finally {
        submit.disabled = false;
      }
    });
    clear(mount).append(form);
    applyI18n(form);
    input.focus();
  });
}

/** Scan a join QR with the camera, where the browser can (BarcodeDetector, secure page). */
/** @param {HTMLInputElement} input @param {() => void} done */
function scanButton(input, done) {
  const can = "BarcodeDetector" in window && Boolean(navigator.mediaDevices?.getUserMedia) && window.isSecureContext;
  if (!can) return null;
  const button = h("button", { type: "button", class: "btn btn-secondary", "data-i18n": "join.scan" });
  button.addEventListener("click", async () => {
    /** @type {MediaStream | undefined} */
    let stream;
    const video = h("video", { class: "scanner", playsinline: true, muted: true });
    button.after(video);
    try {
      stream = await navigator.mediaDevices.getUserMedia({ video: { facingMode: "environment" } });
      video.srcObject = stream;
      await video.play();
      const detector = new /** @type {any} */ (window).BarcodeDetector({ formats: ["qr_code"] });
      for (let i = 0; i < 600; i++) {
        const found = await detector.detect(video);
        const text = found[0]?.rawValue;
        if (text) {
          const match = /[#&]code=([A-Za-z0-9-]+)/.exec(text);
          input.value = match ? match[1] : text.trim();
          done();
          break;
        }
        await new Promise((r) => setTimeout(r, 100));
      }
    } catch {
      /* no camera or no permission: typing the code still works */
    } finally {
      stream?.getTracks().forEach((track) => track.stop());
      video.remove();
    }
  });
  return button;
}
