// Checks the packed tarballs before anything installs them: each holds README, LICENSE and its
// built entry, no workspace: ranges, no build-info or test files, and source maps that carry the
// sources they point at. Prints the package names, one a line.
//
//   node check-tarballs.mjs <directory with the .tgz files> <scratch directory>
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const [tarballDir, scratch] = process.argv.slice(2);
assert.ok(tarballDir && scratch, 'usage: node check-tarballs.mjs <tarball directory> <scratch directory>');

const walk = (dir) =>
  readdirSync(dir).flatMap((entry) => {
    const path = join(dir, entry);
    return statSync(path).isDirectory() ? walk(path) : [path];
  });

const tarballs = readdirSync(tarballDir).filter((file) => file.endsWith('.tgz'));
assert.ok(tarballs.length >= 2, `expected the packages' tarballs in ${tarballDir}, found ${tarballs.length}`);

const names = [];
for (const tarball of tarballs) {
  const into = join(scratch, tarball.replace(/\.tgz$/, ''));
  mkdirSync(into, { recursive: true });
  execFileSync('tar', ['-xzf', join(tarballDir, tarball), '-C', into]);
  const root = join(into, 'package');
  const files = walk(root).map((path) => relative(root, path));
  const text = readFileSync(join(root, 'package.json'), 'utf8');
  const manifest = JSON.parse(text);
  const where = `${tarball}`;

  assert.ok(!text.includes('workspace:'), `${where}: package.json still has a workspace: range`);
  for (const file of ['README.md', 'LICENSE', 'package.json', manifest.main, manifest.types]) {
    assert.ok(files.includes(file), `${where}: ${file} is missing`);
  }
  const stray = files.filter((file) => /\.tsbuildinfo$|(^|\/)test\/|\.test\.[cm]?[jt]s$/.test(file));
  assert.deepEqual(stray, [], `${where}: files that are not part of the package`);
  for (const file of files.filter((name) => name.endsWith('.map'))) {
    const map = JSON.parse(readFileSync(join(root, file), 'utf8'));
    const carried = (map.sourcesContent ?? []).filter((content) => typeof content === 'string').length;
    assert.equal(carried, map.sources.length, `${where}: ${file} points at sources it does not carry`);
  }
  names.push(manifest.name);
}
console.log(names.sort().join('\n'));
