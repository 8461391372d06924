// @ts-check
// Printable QR sheets: the screens' codes, then a page per table with the tablet's QR
// and a cut-out card per seat (QR + code). Uses the organiser's session of this browser.

import { api, qrImage, joinUrl } from "./api.js";
import { $, h, clear } from "./dom.js";
import { t, pick, fmtDate, errorText, setTimeZone } from "./i18n.js";
import { savedSession } from "./session.js";
import { startPage, need } from "./ui.js";
/** @import { Meeting } from "./types.js" */

/** @type {Meeting | null} */
let meeting = null;

async function main() {
  await startPage();
  need("#print").addEventListener("click", () => window.print());
  const session = savedSession("organiser");
  if (!session) {
    clear($("#main")).append(h("p", { class: "empty" }, t("print.no_session")));
    return;
  }
  try {
    /** @type {Meeting} */
    const found = await api("GET", `/api/meetings/${session.meeting}`, { token: session.token });
    meeting = found;
    setTimeZone(found.time_zone);
  } catch (err) {
    clear($("#main")).append(h("p", { class: "form-error" }, errorText(err.code, err.detail)));
    return;
  }
  render();
  window.addEventListener("langchange", render);
}

function render() {
  if (!meeting) return; // set before the first render
  const codes = meeting.codes || { tables: {} };
  const title = pick(meeting.title);
  const today = fmtDate(new Date());
  document.title = `${t("app.name")} · ${t("print.title")}`;
  const main = clear($("#main"));
  const head = (/** @type {string} */ subtitle) => h("header", { class: "sheet-head" }, h("p", { class: "sheet-title" }, title), h("p", { class: "sheet-sub" }, subtitle, " · ", today));
  main.append(
    h("section", { class: "sheet" },
      head(t("print.screens")),
      h("div", { class: "sheet-grid sheet-grid-2" },
        card(t("print.display"), "plenary.html", codes.display, true),
        card(t("print.theme"), "theme.html", codes.theme, true))),
  );
  for (const [table, code] of Object.entries(codes.tables || {})) {
    const seats = codes.seats?.[table] || {};
    main.append(
      h("section", { class: "sheet", "data-table": table },
        head(t("print.table_n", { n: table })),
        h("div", { class: "sheet-grid" },
          card(t("print.facilitator", { n: table }), "tablet.html", code, true),
          Object.entries(seats).map(([seat, seatCode]) => card(t("print.seat", { table, seat }), "keypad.html", seatCode)))),
    );
  }
}

/** @param {string} label @param {string} page @param {string} [code] @param {boolean} [strong] */
function card(label, page, code, strong = false) {
  if (!code) return null;
  const url = joinUrl(page, code);
  return h("div", { class: `qr-card ${strong ? "qr-card-strong" : ""}` },
    h("p", { class: "qr-label" }, label),
    qrImage(url, label),
    h("p", { class: "qr-code" }, code),
    h("p", { class: "qr-hint" }, t("print.scan_or_type")));
}

main();
