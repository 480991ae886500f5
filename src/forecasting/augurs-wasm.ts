// Loads augurs' WASM modules synchronously: their default async init() fetches a file: URL, which Node's
// fetch cannot do, so the bytes next to each subpath are handed to initSync once per process.

import { readFileSync } from "node:fs";
import * as etsModule from "@bsull/augurs/ets";
import * as mstlModule from "@bsull/augurs/mstl";

let etsReady = false;
let mstlReady = false;

function wasmBytes(subpath: string, file: string): Buffer {
  return readFileSync(new URL(file, import.meta.resolve(subpath)));
}

export function augursEts(): typeof etsModule {
  if (!etsReady) {
    etsModule.initSync({ module: wasmBytes("@bsull/augurs/ets", "ets_bg.wasm") });
    etsReady = true;
  }
  return etsModule;
}

export function augursMstl(): typeof mstlModule {
  if (!mstlReady) {
    mstlModule.initSync({ module: wasmBytes("@bsull/augurs/mstl", "mstl_bg.wasm") });
    mstlReady = true;
  }
  return mstlModule;
}
