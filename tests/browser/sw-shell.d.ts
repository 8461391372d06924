// What the server puts in front of clients/sw.js (server/prachakhom/shell.py).
declare const SHELL: { version: string; files: string[] };
