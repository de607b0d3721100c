#!/usr/bin/env bash
# Installs the packages as a payment team would, outside the workspace: runs the README's
# "Use it in your project" commands (pack in the clone, then `npm install` the tarballs in an empty
# app folder made with mktemp -d), then in that app a CommonJS program, an ES-module program, each
# package's command-line programs (`--help`), and a strict `tsc --noEmit` (skipLibCheck off,
# nodenext, and again with bundler resolution) with TypeScript 6 and with TypeScript 7.
# Needs only Node 20, npm and the npm registry. Run from anywhere: bash .ci/consumer/check.sh
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
repo="$(cd "$here/../.." && pwd)"
scratch="$(mktemp -d)"
trap '[ -n "${KEEP_SCRATCH:-}" ] || rm -rf "$scratch"' EXIT
npm_install=(npm install --no-audit --no-fund --loglevel=error)

# Code block N of the README section "## Use it in your project".
readme_block() {
  awk -v n="$1" '
    /^## Use it in your project/ { inside = 1; next }
    inside && /^## / { exit }
    inside && /^```/ { fences++; if (fences == 2 * n) exit; next }
    inside && fences == 2 * n - 1 { print }
  ' "$repo/README.md"
}

pack_commands="$(readme_block 1)"
install_commands="$(readme_block 2)"
[ -n "$pack_commands" ] && [ -n "$install_commands" ] || {
  echo "README.md: '## Use it in your project' needs two code blocks (pack, then npm install)" >&2
  exit 1
}

echo "-- packing, as the README says:"
echo "$pack_commands"
rm -rf "$repo/packed"
if ! (cd "$repo" && bash -euo pipefail -c "$pack_commands") >"$scratch/pack.log" 2>&1; then
  cat "$scratch/pack.log"
  echo "the README's pack commands failed" >&2
  exit 1
fi

echo "-- checking the tarballs"
mapfile -t packages < <(node "$here/check-tarballs.mjs" "$repo/packed" "$scratch/unpacked")
echo "${packages[*]}"

echo "-- installing them with npm in an empty app ($scratch/app), as the README says:"
# The README writes the clone's location as /path/to/rx8583.
install_here="${install_commands//\/path\/to\/rx8583/$repo}"
echo "$install_here"
mkdir "$scratch/app"
cd "$scratch/app"
npm init --yes >/dev/null
bash -euo pipefail -c "$install_here"
# An app on an older rxjs 7.8 than the workspace's, Node's types, and both TypeScript majors.
"${npm_install[@]}" rxjs@7.8.1 @types/node@20
"${npm_install[@]}" --save-dev typescript@6 typescript7@npm:typescript@7
copies="$(npm ls rxjs --all --parseable | sort -u | wc -l)"
[ "$copies" -eq 1 ] || { npm ls rxjs --all; echo "rxjs is installed $copies times" >&2; exit 1; }

cp "$here"/{cjs.cjs,esm.mjs,app.mts,app.cts,tsconfig.json,tsconfig.bundler.json} .
# Every package's declarations get type-checked, the packages added later included.
for i in "${!packages[@]}"; do
  echo "export * as package$i from '${packages[$i]}';"
done >all-packages.mts

echo "-- CommonJS program"
timeout 60 node cjs.cjs "${packages[@]}"
echo "-- ES-module program"
timeout 60 node esm.mjs "${packages[@]}"
# Each package's command-line programs run from the app (`npx rx8583 --help`).
mapfile -t bins < <(node -e '
  for (const name of process.argv.slice(1)) {
    const { bin } = require(`${name}/package.json`);
    const bins = typeof bin === "string" ? { [name.split("/")[1]]: bin } : (bin ?? {});
    for (const command of Object.keys(bins)) console.log(command);
  }' "${packages[@]}")
for command in "${bins[@]}"; do
  echo "-- npx $command --help"
  timeout 60 npx --no-install "$command" --help >/dev/null
done
for compiler in typescript typescript7; do
  tsc=(node "node_modules/$compiler/bin/tsc")
  echo "-- strict tsc --noEmit, $("${tsc[@]}" --version): nodenext, then bundler resolution"
  "${tsc[@]}" -p tsconfig.json
  "${tsc[@]}" -p tsconfig.bundler.json
done
echo "-- the packages install and work outside the workspace"
