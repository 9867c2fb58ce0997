# shellcheck shell=bash
# Shared helpers for scripts/test, scripts/demo, scripts/fuzz and scripts/bench.
#
# Sourced, not run. Every `ensure_*` helper installs what it names only when it
# is missing, so a warm run costs a few milliseconds per helper and a fresh
# Debian machine with just rustup, cargo, node/npm, python3 and apt gets the rest.

# The repository root, wherever the calling script was started from.
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
export ROOT
cd "$ROOT" || exit 1

# Cargo's target directory (CARGO_TARGET_DIR, relative to the root, if set).
TARGET_DIR="${CARGO_TARGET_DIR:-target}"
[[ "$TARGET_DIR" == /* ]] || TARGET_DIR="$ROOT/$TARGET_DIR"
export TARGET_DIR

# Non-interactive everywhere: CI runs with no standard input.
export DEBIAN_FRONTEND=noninteractive
export CARGO_TERM_PROGRESS_WHEN=never

# Print a step heading.
step() {
    printf '\n==> %s\n' "$*" >&2
}

# Print a message and stop.
die() {
    printf 'error: %s\n' "$*" >&2
    exit 1
}

# The wasm-bindgen version pinned in Cargo.toml (`wasm-bindgen = "=X.Y.Z"`).
# The CLI that post-processes the wasm module must match it exactly.
wasm_bindgen_version() {
    local version
    version="$(sed -n 's/^wasm-bindgen *= *"=\([0-9][0-9.]*\)".*/\1/p' "$ROOT/Cargo.toml" | head -n 1)"
    [[ -n "$version" ]] || die "no exact wasm-bindgen pin (wasm-bindgen = \"=X.Y.Z\") in Cargo.toml"
    printf '%s\n' "$version"
}

# rustfmt and clippy come with rustup's default profile, but a minimal one lacks them.
ensure_rust_components() {
    local missing=()
    cargo fmt --version >/dev/null 2>&1 || missing+=(rustfmt)
    cargo clippy --version >/dev/null 2>&1 || missing+=(clippy)
    if ((${#missing[@]})); then
        step "rustup component add ${missing[*]}"
        rustup component add "${missing[@]}"
    fi
}

# The wasm32 target for the browser build.
ensure_wasm_target() {
    if ! rustup target list --installed | grep -qx 'wasm32-unknown-unknown'; then
        step "rustup target add wasm32-unknown-unknown"
        rustup target add wasm32-unknown-unknown
    fi
}

# wasm-bindgen-cli at exactly the version the crate is built against.
ensure_wasm_bindgen() {
    local want have=""
    want="$(wasm_bindgen_version)"
    if command -v wasm-bindgen >/dev/null 2>&1; then
        have="$(wasm-bindgen --version | awk '{print $2}')"
    fi
    if [[ "$have" != "$want" ]]; then
        step "cargo install wasm-bindgen-cli --version =$want (found: ${have:-none})"
        cargo install wasm-bindgen-cli --version "=$want"
    fi
}

# Run `apt-get update` at most once per script run.
APT_UPDATED=0
apt_install() {
    if ((APT_UPDATED == 0)); then
        step "apt-get update"
        apt-get update -qq
        APT_UPDATED=1
    fi
    step "apt-get install $*"
    apt-get install -y -qq --no-install-recommends "$@"
}

# Debian's Chromium, for the browser tests of the pages.
ensure_chromium() {
    local missing=()
    [[ -x /usr/bin/chromium ]] || missing+=(chromium)
    # The pages speak Chinese too: without these fonts Chromium draws it as boxes.
    dpkg -s fonts-noto-cjk >/dev/null 2>&1 || missing+=(fonts-noto-cjk)
    if ((${#missing[@]})); then
        apt_install "${missing[@]}"
    fi
}

# The Garage object store (crates.io `garage`), the S3-compatible store of the
# tests and the demo. Built once (about 15 minutes on 2 cores) with only what a
# single node needs, then found in ~/.cargo/bin.
GARAGE_VERSION=2.5.0
ensure_garage() {
    if command -v garage >/dev/null 2>&1 && [[ "$(garage --version 2>/dev/null)" == *"$GARAGE_VERSION"* ]]; then
        return 0
    fi
    step "cargo install garage --version =$GARAGE_VERSION (once; about 15 minutes on 2 cores)"
    cargo install garage --version "=$GARAGE_VERSION" --no-default-features --features bundled-libs,sqlite
}

# curl: scripts/garage waits for the store with it, the store tests post with it as a browser would.
ensure_curl() {
    command -v curl >/dev/null 2>&1 || apt_install curl
}

# stage_pages OUT ORIGIN...: a copy of www/ in OUT whose pages may also connect
# to ORIGIN... (the object store's upload and refresh endpoints): each page's
# CSP meta tag gets them in connect-src, as `serve --connect-src` does for the header.
stage_pages() {
    local out="$1" origins
    shift
    origins="$*"
    rm -rf "$out"
    mkdir -p "$out"
    cp -r "$ROOT/www/." "$out/"
    local page
    for page in "$out"/wallet/index.html "$out"/verify/index.html; do
        sed -i "s|connect-src 'self'|connect-src 'self' $origins|" "$page"
        grep -q "connect-src 'self' $origins" "$page" || die "no connect-src to extend in $page"
    done
}

# The codewallet CLI the scripts drive: the release build if there is one, else the debug one.
codewallet_cli() {
    if [[ -x "$TARGET_DIR/release/codewallet" ]]; then
        printf '%s\n' "$TARGET_DIR/release/codewallet"
    else
        printf '%s\n' "$TARGET_DIR/debug/codewallet"
    fi
}

# The npm packages of a folder with a package.json: the repository root by
# default (test tools, wasm-opt via binaryen), benches/web for the benchmarks'
# JavaScript peers. Skipped when its node_modules is newer than its lock file.
ensure_npm() {
    local dir="${1:-$ROOT}"
    local where="${dir#"$ROOT"}"
    [[ -f "$dir/package.json" ]] || return 0
    local stamp="$dir/node_modules/.package-lock.json"
    if [[ -f "$dir/package-lock.json" ]]; then
        if [[ -f "$stamp" && "$stamp" -nt "$dir/package-lock.json" && "$stamp" -nt "$dir/package.json" ]]; then
            return 0
        fi
        step "npm ci${where:+ in ${where#/}}"
        (cd "$dir" && npm ci --no-audit --no-fund)
    else
        if [[ -f "$stamp" && "$stamp" -nt "$dir/package.json" ]]; then
            return 0
        fi
        step "npm install${where:+ in ${where#/}}"
        (cd "$dir" && npm install --no-audit --no-fund)
    fi
}

# Everything the wasm build needs.
ensure_wasm_tools() {
    ensure_wasm_target
    ensure_wasm_bindgen
}

# The path of wasm-opt (npm's binaryen first, then PATH), or nothing.
find_wasm_opt() {
    if [[ -x "$ROOT/node_modules/.bin/wasm-opt" ]]; then
        printf '%s\n' "$ROOT/node_modules/.bin/wasm-opt"
    elif command -v wasm-opt >/dev/null 2>&1; then
        command -v wasm-opt
    fi
}

# Build the two wasm modules of the pages into www/pkg (git-ignored) and print
# their gzipped sizes, the numbers that matter on a bad network:
#   www/pkg/core/    the wallet's module: credentials, trust list, QR rendering;
#   www/pkg/reader/  the same plus the QR reader, for the verifier and photo import.
build_wasm() {
    ensure_wasm_tools
    ensure_npm
    WASM_SIZES=""
    # sha2's compact rounds (its documented `sha2_backend_soft` switch) take
    # 4.6 KB gzipped off the wallet's first load; a signature check hashes a
    # few hundred bytes, so their speed does not show. The reader module
    # keeps the unrolled rounds.
    WASM_CFG='--cfg sha2_backend_soft="compact"' build_wasm_module core wasm -Oz --no-default-features
    build_wasm_module reader wasm-reader -O3 --features reader
    stamp_shell_version
}

# Writes www/pkg/shell-version.js: a digest of both pages and both wasm
# modules. The service workers import it and name their caches after it, so
# any change to what they serve installs as a new cache, whole (never old
# and new files mixed), and the browser notices the change by itself.
stamp_shell_version() {
    local digest
    digest="$(cd "$ROOT/www" && find wallet verify shared pkg/core pkg/reader -type f -print0 |
        LC_ALL=C sort -z | xargs -0 sha256sum | sha256sum | cut -c1-16)"
    printf '%s\n' \
        '// Written by scripts/lib.sh (stamp_shell_version): a digest of the pages and' \
        '// the wasm modules, which the service workers name their caches after.' \
        "self.SHELL_VERSION = '$digest';" >"$ROOT/www/pkg/shell-version.js"
}

# build_wasm_module NAME CARGO_PROFILE WASM_OPT_LEVEL CARGO_FEATURE_ARGS...
build_wasm_module() {
    local name="$1" out="$ROOT/www/pkg/$1" profile="$2" level="$3"
    shift 3
    step "cargo build --lib --target wasm32-unknown-unknown --profile $profile $* ${WASM_CFG:-}"
    RUSTFLAGS="${RUSTFLAGS:-} ${WASM_CFG:-}" cargo build --lib --target wasm32-unknown-unknown --profile "$profile" "$@"
    step "wasm-bindgen --target web ($name)"
    wasm-bindgen --target web --no-typescript --out-dir "$out" \
        "$TARGET_DIR/wasm32-unknown-unknown/$profile/codewallet.wasm"
    local wasm="$out/codewallet_bg.wasm" wasm_opt
    wasm_opt="$(find_wasm_opt)"
    if [[ -n "$wasm_opt" ]]; then
        step "wasm-opt $level ($name)"
        # The features rustc enables by default for wasm32-unknown-unknown; wasm-opt
        # must accept them and may use no others.
        "$wasm_opt" "$level" \
            --enable-bulk-memory --enable-nontrapping-float-to-int --enable-sign-ext \
            --enable-mutable-globals --enable-reference-types --enable-multivalue \
            --strip-debug --strip-producers --strip-target-features \
            -o "$wasm.opt" "$wasm"
        mv "$wasm.opt" "$wasm"
    else
        printf 'wasm-opt not found: module left as wasm-bindgen wrote it\n' >&2
    fi
    local raw gz js_gz
    raw="$(wc -c <"$wasm")"
    gz="$(gzip -9 -c "$wasm" | wc -c)"
    js_gz="$(gzip -9 -c "$out/codewallet.js" | wc -c)"
    printf 'wasm %s: %s bytes, %s bytes gzipped (+ %s bytes gzipped JS glue)\n' "$name" "$raw" "$gz" "$js_gz" >&2
    # Read by scripts/test for its summary.
    WASM_SIZES+="wasm $name: $gz bytes gzipped, JS glue $js_gz bytes gzipped"$'\n'
}
