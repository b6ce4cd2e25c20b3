// Preloaded into the Firebase Auth emulator (devtools/stack.py, NODE_OPTIONS=--require): its Identity
// Toolkit validators are compiled on first use of each operation instead of all at start-up.
//
// firebase-tools builds the emulator's router with exegesis-express from the Identity Toolkit OpenAPI
// document; exegesis compiles a JSON Schema validator for every request and response of it before the
// emulator listens — about 9 s of single-threaded CPU here, most of the stack's start (docs/performance.md,
// "Local stack"). exegesis's own option `lazyCompileValidationSchemas` defers each compilation to the
// first request that needs it; validation itself is unchanged. If a later firebase-tools stops loading
// exegesis-express this way, the hook does nothing and the emulator starts as before.
"use strict";

const Module = require("module");

const load = Module._load;
Module._load = function loadWithLazyValidators(request, ...rest) {
  const loaded = load.call(this, request, ...rest);
  if (request === "exegesis-express" && loaded && typeof loaded.middleware === "function" && !loaded.lazyValidators) {
    const middleware = loaded.middleware;
    loaded.middleware = (spec, options) => middleware(spec, { ...options, lazyCompileValidationSchemas: true });
    loaded.lazyValidators = true;
  }
  return loaded;
};
