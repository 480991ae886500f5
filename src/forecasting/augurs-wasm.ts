// Loads augurs' WASM modules synchronously: their default async init() fetches a file: URL, which Node's
// fetch cannot do, so the bytes next to each subpath are handed to initSync once per process (per worker thread:
// each has its own module instances).

import { readFileSync } from "node:fs";
import * as etsModule from "@bsull/augurs/ets";
import * as mstlModule from "@bsull/augurs/mstl";
import * as prophetModule from "@bsull/augurs/prophet";

let etsReady = false;
let mstlReady = false;
let prophetReady = false;

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

export function augursProphet(): typeof prophetModule {
  if (!prophetReady) {
    prophetModule.initSync({ module: wasmBytes("@bsull/augurs/prophet", "prophet_bg.wasm") });
    prophetReady = true;
  }
  return prophetModule;
}
