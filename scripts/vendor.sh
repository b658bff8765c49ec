#!/usr/bin/env bash
# Vendor the front-end files Loket serves from static/vendor/, pulled from npm at pinned
# versions. The result is committed, so a machine without node can run Loket; run this
# script only to upgrade (change a version below, run it, look at the pages, commit).
#
#   scripts/vendor.sh            fetch and copy into static/vendor/
#
# Design tokens: we use the NL Design System "Voorbeeld" theme (EUPL-1.2), not
# @utrecht/design-tokens, whose licence reserves all rights to Gemeente Utrecht (its
# brand). The Voorbeeld theme defines the same --utrecht-* component tokens; Loket sets
# its own brand colours on top of it in static/loket/loket.css (.loket-theme).
# See docs/decisions/0002-nl-design-system-theme.md.
set -euo pipefail

UTRECHT_CSS_VERSION="9.0.4"   # @utrecht/component-library-css
TOKENS_VERSION="7.4.1"        # @nl-design-system-unstable/voorbeeld-design-tokens
HTMX_VERSION="2.0.11"         # htmx.org (2.x: django-htmx 1.29 targets it; 4.x changed inheritance)
CHARTJS_VERSION="4.6.1"       # chart.js
LEAFLET_VERSION="1.9.4"       # leaflet

ROOT="$(cd "$(dirname "$0")/.." && pwd)"
DEST="$ROOT/static/vendor"
WORK="$(mktemp -d /tmp/loket-vendor.XXXXXX)"
trap 'rm -rf "$WORK"' EXIT

command -v npm >/dev/null || { echo "npm is needed to vendor (apt-get install -y npm)" >&2; exit 1; }

fetch() {  # fetch <package@version> <dir>: unpack the npm tarball into $WORK/<dir>
    local spec="$1" dir="$2"
    mkdir -p "$WORK/$dir"
    (cd "$WORK" && npm pack --silent "$spec" >"$WORK/$dir.name" 2>/dev/null)
    tar xzf "$WORK/$(cat "$WORK/$dir.name")" -C "$WORK/$dir"
    echo "$spec"
}

rm -rf "$DEST"
mkdir -p "$DEST"/{utrecht,tokens,htmx,chartjs,leaflet/images}

{
    echo "# Vendored by scripts/vendor.sh from the npm registry; do not edit by hand."
    fetch "@utrecht/component-library-css@$UTRECHT_CSS_VERSION" utrecht
    fetch "@nl-design-system-unstable/voorbeeld-design-tokens@$TOKENS_VERSION" tokens
    fetch "htmx.org@$HTMX_VERSION" htmx
    fetch "chart.js@$CHARTJS_VERSION" chartjs
    fetch "leaflet@$LEAFLET_VERSION" leaflet
} >"$WORK/VERSIONS"

P="package"
cp "$WORK/utrecht/$P/dist/index.css" "$DEST/utrecht/component-library.css"
cp "$WORK/utrecht/$P/LICENSE.md" "$DEST/utrecht/LICENSE.md"

cp "$WORK/tokens/$P/dist/theme.css" "$DEST/tokens/theme.css"
cp "$WORK/tokens/$P/LICENSE.md" "$DEST/tokens/LICENSE.md"

cp "$WORK/htmx/$P/dist/htmx.min.js" "$DEST/htmx/htmx.min.js"
cp "$WORK/htmx/$P/LICENSE" "$DEST/htmx/LICENSE"

# Source maps are copied too: the minified files point at them, and whitenoise's manifest
# storage refuses a reference to a missing file.
cp "$WORK/chartjs/$P/dist/chart.umd.min.js" "$WORK/chartjs/$P/dist/chart.umd.min.js.map" \
    "$DEST/chartjs/"
cp "$WORK/chartjs/$P/LICENSE.md" "$DEST/chartjs/LICENSE.md"

cp "$WORK/leaflet/$P/dist/leaflet.js" "$WORK/leaflet/$P/dist/leaflet.js.map" \
    "$WORK/leaflet/$P/dist/leaflet.css" "$DEST/leaflet/"
cp "$WORK/leaflet/$P/dist/images/"*.png "$DEST/leaflet/images/"
cp "$WORK/leaflet/$P/LICENSE" "$DEST/leaflet/LICENSE"

cp "$WORK/VERSIONS" "$DEST/VERSIONS"
(cd "$DEST" && find . -type f ! -name VERSIONS ! -name SHA256SUMS -print0 | sort -z \
    | xargs -0 sha256sum >SHA256SUMS)
echo "Vendored into $DEST:"
cat "$DEST/VERSIONS"
