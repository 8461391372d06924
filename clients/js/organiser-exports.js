// @ts-check
// The organiser console's exports tab: each export format with its download button and
// what became of the last try, and the audit (a recount of the ledger against the tallies).

import { fetchFile, saveBlob } from "./api.js";
import { $, h, clear } from "./dom.js";
import { t, pick, errorText, fmtTime } from "./i18n.js";
import { app, call } from "./organiser-app.js";
import { need } from "./ui.js";

const EXPORTS = ["pdf", "xlsx", "csv", "json", "png", "svg"];
/** @type {Record<string, string>} */
const EXPORT_NAMES = { pdf: "PDF", xlsx: "Excel", csv: "CSV", json: "JSON", png: "PNG", svg: "SVG" };
const EXPORT_TIMEOUT_MS = 180000; // a PDF of a big meeting takes seconds, never minutes

function exportLang() {
  const lang = app.exportLang || app.meeting?.language || "th";
  return lang === "en" ? "en" : "th";
}

/** @param {HTMLElement} main */
export function drawExportsTab(main) {
  const lang = exportLang();
  const langChoice = h("fieldset", { class: "segmented", id: "export-lang" },
    h("legend", {}, t("exports.lang")),
    ["th", "en"].map((l) =>
      h("label", { class: "segment" },
        h("input", { type: "radio", name: "export-lang", value: l, checked: l === lang, onchange: () => {
          app.exportLang = l;
          localStorage.setItem("pk.organiser.export_lang", l);
        } }),
        h("span", { lang: l }, t(`exports.lang_${l}`)))));
  main.append(
    h("section", { class: "card", id: "exports-card" },
      h("div", { class: "card-head" }, h("h2", {}, t("exports.title"))),
      h("p", { class: "hint" }, t("exports.hint")),
      langChoice,
      h("ul", { class: "export-list", id: "export-list" },
        EXPORTS.map((f) =>
          h("li", { class: "export-row", "data-format": f },
            h("span", { class: `export-badge export-badge-${f}`, "aria-hidden": "true" }, f.toUpperCase()),
            h("div", { class: "export-text" }, h("h3", { id: `export-name-${f}` }, t(`exports.${f}`)), h("p", { class: "hint" }, t(`exports.${f}_about`))),
            h("button", { type: "button", class: "btn btn-primary export-button", "data-format": f, "aria-describedby": `export-name-${f}`, onclick: () => startExport(f) }),
            h("p", { class: "export-status", role: "status", "aria-live": "polite" }))))),
    h("section", { class: "card", id: "audit-card" },
      h("div", { class: "card-head" }, h("h2", {}, t("audit.title")),
        h("button", { type: "button", class: "btn btn-primary", id: "run-audit", onclick: runAudit })),
      h("p", { class: "hint" }, t("audit.hint")),
      h("div", { id: "audit-result", "aria-live": "polite" })),
  );
  for (const f of EXPORTS) drawExportRow(f);
  drawAudit();
}

/** @param {string} text */
function busyContent(text) {
  return [h("span", { class: "spinner", "aria-hidden": "true" }), h("span", {}, text)];
}

/** @param {string} format */
function drawExportRow(format) {
  const row = $(`.export-row[data-format="${format}"]`);
  if (!row) return;
  const b = need(".export-button", HTMLButtonElement, row);
  const started = app.exporting[format];
  clear(b);
  if (started) b.append(...busyContent(t("exports.busy", { s: Math.floor((Date.now() - started) / 1000) })));
  else b.append(t("exports.download_as", { name: EXPORT_NAMES[format] }));
  b.disabled = Boolean(started);
  b.setAttribute("aria-busy", String(Boolean(started)));
  row.dataset.state = started ? "busy" : app.exported[format]?.kind || "idle";
  const status = $(".export-status", row);
  const done = !started && app.exported[format];
  status.className = `export-status ${done ? `export-${done.kind}` : ""}`;
  status.textContent = done ? t(done.key, done.vars) : "";
}

/** What went wrong, as an i18n key. @param {{code: string, status?: number}} err @returns {{key: string, vars?: Record<string, any>}} */
function exportFailure(err) {
  if (err.code === "timeout") return { key: "exports.fail_slow", vars: { s: EXPORT_TIMEOUT_MS / 1000 } };
  if (err.code === "network") return { key: "exports.fail_network" };
  if (err.status === 401 || err.status === 403) return { key: "exports.fail_session" };
  // an unknown format (400), no export route on this server (a plain 404), not made yet (501)
  if (err.status === 400 || err.status === 501 || (err.status === 404 && err.code !== "not_found")) return { key: "exports.fail_missing" };
  return { key: "exports.fail_server" };
}

/** @param {number} bytes */
function sizeText(bytes) {
  if (bytes < 1024 * 1024) return t("exports.size_kb", { n: Math.max(1, Math.round(bytes / 1024)) });
  return t("exports.size_mb", { n: Math.round((bytes / (1024 * 1024)) * 10) / 10 });
}

/** @param {string} format */
async function startExport(format) {
  if (app.exporting[format]) return;
  app.exporting[format] = Date.now();
  delete app.exported[format];
  drawExportRow(format);
  app.exportTick ??= setInterval(() => {
    for (const f of Object.keys(app.exporting)) drawExportRow(f);
  }, 1000);
  try {
    const file = await fetchFile(`/api/meetings/${app.session.meeting}/export`, {
      token: app.session.token,
      query: { format, lang: exportLang() },
      timeoutMs: EXPORT_TIMEOUT_MS,
    });
    const name = file.name || `prachakhom-${app.session.meeting}.${format}`;
    saveBlob(file.blob, name);
    app.exported[format] = { kind: "ok", key: "exports.done", vars: { name, size: sizeText(file.blob.size) } };
  } catch (err) {
    app.exported[format] = { kind: "error", ...exportFailure(err) };
  } finally {
    delete app.exporting[format];
    if (!Object.keys(app.exporting).length) {
      clearInterval(app.exportTick);
      app.exportTick = null;
    }
    drawExportRow(format);
  }
}

async function runAudit() {
  if (app.audit?.busy) return;
  app.audit = { ...app.audit, busy: true };
  drawAudit();
  try {
    const found = await call("GET", `/api/meetings/${app.session.meeting}/audit`);
    app.audit = { found, at: Date.now() };
  } catch (err) {
    app.audit = { error: err, at: Date.now() };
  }
  drawAudit();
}

function drawAudit() {
  const b = /** @type {HTMLButtonElement} */ ($("#run-audit"));
  const box = $("#audit-result");
  if (!b || !box) return;
  const audit = app.audit || {};
  clear(b).append(...(audit.busy ? busyContent(t("audit.busy")) : [t(audit.found || audit.error ? "audit.again" : "audit.run")]));
  b.disabled = Boolean(audit.busy);
  b.setAttribute("aria-busy", String(Boolean(audit.busy)));
  clear(box);
  if (audit.error) {
    box.append(h("p", { class: "audit-verdict audit-bad", role: "alert" }, errorText(audit.error.code, audit.error.detail)));
    return;
  }
  const found = audit.found;
  if (!found) return;
  const rows = found.questions || [];
  const bad = rows.filter((r) => !r.match);
  const prompt = (/** @type {string} */ id) => pick(app.questions.find((x) => x.id === id)?.prompt) || "";
  let verdict;
  if (found.ok) verdict = h("div", { class: "audit-verdict audit-ok", "data-ok": "true" }, h("p", { class: "audit-head" }, "✓ ", t("audit.ok", { n: rows.length })), h("p", {}, t("audit.ok_hint")));
  else if (bad.length) verdict = h("div", { class: "audit-verdict audit-bad", "data-ok": "false" }, h("p", { class: "audit-head" }, "✗ ", t("audit.mismatch", { n: bad.length })), h("p", {}, t("audit.mismatch_hint")));
  else verdict = h("div", { class: "audit-verdict audit-bad", "data-ok": "false" }, h("p", { class: "audit-head" }, "✗ ", t("audit.broken")));
  box.append(
    verdict,
    h("p", { class: "hint" }, t("audit.checked_at", { time: fmtTime(/** @type {number} */ (audit.at)) }) /* set with found */, " · ", t("audit.entries", { n: found.ledger_entries ?? 0, b: found.ballots_in_ledger ?? 0 })),
    h("div", { class: "digest" },
      h("p", { class: "digest-label" }, t("audit.digest")),
      h("p", { class: "digest-value", id: "audit-digest", translate: "no" }, found.digest || ""),
      h("p", { class: "hint" }, t("audit.digest_hint"))),
    h("h3", { class: "audit-list-title" }, t("audit.questions")),
    h("ul", { class: "audit-list", id: "audit-list" },
      rows.map((r) =>
        h("li", { class: `audit-row ${r.match ? "is-match" : "is-mismatch"}`, "data-question": r.question, "data-match": String(r.match) },
          h("span", { class: `badge ${r.match ? "badge-open" : "badge-bad"}` }, r.match ? `✓ ${t("audit.match")}` : `✗ ${t("audit.no_match")}`),
          h("span", { class: "q-id" }, r.question),
          h("span", { class: "q-prompt" }, prompt(r.question)),
          r.match ? null : h("span", { class: "audit-numbers" }, t("audit.voters", { live: r.live_voters ?? 0, recount: r.recount_voters ?? 0 }))))),
  );
}

