//! Integration tests: one binary, a module per area (see ARCHITECTURE.md).
// Native only: on wasm32 this target compiles to nothing.
#![cfg_attr(target_arch = "wasm32", no_main)]
#![cfg(not(target_arch = "wasm32"))]
// A test that cannot go on should stop loudly, with the value it choked on.
#![allow(clippy::unwrap_used, clippy::expect_used)]

mod camera;
mod cli;
mod format;
mod frames;
mod grant;
mod photos;
mod scan;
mod store;
mod vectors;
mod wallet;
