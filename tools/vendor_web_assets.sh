#!/usr/bin/env sh
# Vendor the web app's JavaScript from the npm registry into the package (no CDN at run time).
#
#   tools/vendor_web_assets.sh            # fetch the pinned versions, check integrity, copy
#
# Writes src/lingtan/adapters/web/static/vendor/: echarts.min.js (Apache ECharts, Apache-2.0,
# with its NOTICE and the BSD-3-Clause licence of the d3 code it contains) and htmx.min.js
# (htmx, 0BSD), each with its LICENSE; swagger-ui/ (Swagger UI, Apache-2.0) and redoc/ (ReDoc,
# MIT, with the licence notices of the libraries its bundle contains) for the API's docs pages.
# Versions are pinned here and recorded in NOTICE.md (repository root) and static/vendor/VERSIONS.txt; `npm pack` checks the registry's
# sha512 integrity of each tarball, and this script checks it again against the pins below.
# htmx stays on the 2.x line (the API the templates use: hx-get/hx-trigger="every 1s"/hx-swap).
set -eu

ECHARTS_VERSION=6.1.0
ECHARTS_INTEGRITY=sha512-q0yaFPggC9FUdsWH4blavRWFmxdrIodbkoKNAjJudAI6CA9gNPxHtV2RcZNEepZVlk4yvBYkOkbk6HIVpIyHZA==
HTMX_VERSION=2.0.11
HTMX_INTEGRITY=sha512-Thx/WtpeOQqSrqBCw/A1cwGJGg4UrVa3+sW0GmrM3p4gJgO89ecH4qtbnyzDDWFvBTqjnIMCgELTNt636dtamA==
# Swagger UI for /api/v1/docs, served by the server itself (no CDN; decision 0035)
SWAGGER_VERSION=5.35.0
SWAGGER_INTEGRITY=sha512-U06rpMtW9V3XPGOBeamTUSr0Z09jMX4IJuANpE/EZbAhw0G8CgwrzU4YmXkn/h0wCDNsXdGarTNNHC3sU8yVUQ==
# ReDoc for /api/v1/redoc (decision 0058). The 2.x line: 3.x sends usage telemetry to Redocly's
# collector by default, which an offline server must not try.
REDOC_VERSION=2.5.4
REDOC_INTEGRITY=sha512-M6jWhG1qoBnH6TFmzJnstyCZ87HmOY/UzDm78mHiYihEdlV/YcS9ogOo1NlElnJMeLsyxHFe2yFc4sNjHTrABQ==

ROOT=$(cd "$(dirname "$0")/.." && pwd)
OUT="$ROOT/src/lingtan/adapters/web/static/vendor"
TMP=$(mktemp -d)
trap 'rm -rf "$TMP"' EXIT

check() {  # tarball expected-integrity
    got="sha512-$(openssl dgst -sha512 -binary "$1" | base64 | tr -d '\n')"
    if [ "$got" != "$2" ]; then
        echo "error: $1: integrity $got, expected $2" >&2
        exit 1
    fi
}

cd "$TMP"
npm pack --silent "echarts@$ECHARTS_VERSION" "htmx.org@$HTMX_VERSION" \
    "swagger-ui-dist@$SWAGGER_VERSION" "redoc@$REDOC_VERSION" >/dev/null
check "echarts-$ECHARTS_VERSION.tgz" "$ECHARTS_INTEGRITY"
check "htmx.org-$HTMX_VERSION.tgz" "$HTMX_INTEGRITY"
check "swagger-ui-dist-$SWAGGER_VERSION.tgz" "$SWAGGER_INTEGRITY"
check "redoc-$REDOC_VERSION.tgz" "$REDOC_INTEGRITY"
mkdir echarts htmx swagger redoc
tar xzf "redoc-$REDOC_VERSION.tgz" -C redoc
tar xzf "swagger-ui-dist-$SWAGGER_VERSION.tgz" -C swagger
tar xzf "echarts-$ECHARTS_VERSION.tgz" -C echarts
tar xzf "htmx.org-$HTMX_VERSION.tgz" -C htmx

mkdir -p "$OUT"
cp echarts/package/dist/echarts.min.js "$OUT/echarts.min.js"
cp echarts/package/LICENSE "$OUT/LICENSE-echarts.txt"
cp echarts/package/NOTICE "$OUT/NOTICE-echarts.txt"
cp echarts/package/licenses/LICENSE-d3 "$OUT/LICENSE-echarts-d3.txt"
cp htmx/package/dist/htmx.min.js "$OUT/htmx.min.js"
cp htmx/package/LICENSE "$OUT/LICENSE-htmx.txt"
mkdir -p "$OUT/swagger-ui"
# the source-map comments name files that are not shipped
sed 's|//# sourceMappingURL=.*||' swagger/package/swagger-ui-bundle.js \
    > "$OUT/swagger-ui/swagger-ui-bundle.js"
sed 's|/\*# sourceMappingURL=.*\*/||' swagger/package/swagger-ui.css > "$OUT/swagger-ui/swagger-ui.css"
cp swagger/package/LICENSE "$OUT/swagger-ui/LICENSE-swagger-ui.txt"
cp swagger/package/NOTICE "$OUT/swagger-ui/NOTICE-swagger-ui.txt"
mkdir -p "$OUT/redoc"
# only the last line's source-map comment (the bundled search worker keeps its own, in a string);
# the side menu's Redocly logo is an image from cdn.redoc.ly: an empty data: URL instead (the
# logo hides itself when its image fails), so the page asks no other server for anything
sed -e '/^\/\/# sourceMappingURL=redoc\.standalone\.js\.map$/d' \
    -e 's|"https://cdn\.redoc\.ly/redoc/logo-mini\.svg"|"data:,"|' \
    redoc/package/bundles/redoc.standalone.js > "$OUT/redoc/redoc.standalone.js"
cp redoc/package/bundles/redoc.standalone.js.LICENSE.txt "$OUT/redoc/redoc.standalone.js.LICENSE.txt"
cp redoc/package/LICENSE "$OUT/redoc/LICENSE-redoc.txt"
cat > "$OUT/VERSIONS.txt" <<VERSIONS
echarts $ECHARTS_VERSION Apache-2.0 $ECHARTS_INTEGRITY
htmx.org $HTMX_VERSION 0BSD $HTMX_INTEGRITY
swagger-ui-dist $SWAGGER_VERSION Apache-2.0 $SWAGGER_INTEGRITY
redoc $REDOC_VERSION MIT $REDOC_INTEGRITY
VERSIONS
echo "vendored echarts $ECHARTS_VERSION, htmx.org $HTMX_VERSION, swagger-ui-dist $SWAGGER_VERSION and redoc $REDOC_VERSION into $OUT"
