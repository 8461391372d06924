// @ts-check
// The landing page: type any join code; the page for its role opens (tablet, keypad,
// plenary screen or theme team). The organiser console is linked below.

import { obtainSession, PAGES } from "./session.js";
import { startPage, need } from "./ui.js";

async function main() {
  await startPage();
  // "index" is no role: every joined session is sent on to its own page
  const session = await obtainSession("index", need("#main"), { titleKey: "index.title" });
  location.replace(`/app/${PAGES[session.role] || ""}`);
}

main();
