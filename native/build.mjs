// `npm ci`'s install step: build the libtorch addon (binding.gyp) with node-gyp — but first check
// that libtorch's headers and libraries are on the machine, and if not stop with one sentence that
// says what to install, instead of a page of compiler errors.
import { existsSync } from 'node:fs';
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fileURLToPath } from 'node:url';

const HEADER = '/usr/include/torch/csrc/api/include/torch/torch.h';
const LIBRARIES = ['/usr/lib/x86_64-linux-gnu/libtorch_cpu.so', '/usr/lib/aarch64-linux-gnu/libtorch_cpu.so', '/usr/lib/libtorch_cpu.so'];

if (!existsSync(HEADER) || !LIBRARIES.some((p) => existsSync(p))) {
  process.stderr.write(
    '\nseer: the tensor engine needs Debian\'s libtorch-dev, which is not installed: run `bash scripts/setup.sh` ' +
      '(it installs libtorch-dev and OpenBLAS, then runs npm ci), or `sudo apt-get install libtorch-dev libopenblas0-pthread` and `npm ci` again.\n\n',
  );
  process.exit(1);
}

const nodeGyp = createRequire(import.meta.url).resolve('node-gyp/bin/node-gyp.js');
const here = dirname(fileURLToPath(import.meta.url));
const result = spawnSync(process.execPath, [nodeGyp, 'rebuild', '--directory', here], { stdio: 'inherit' });
process.exit(result.status ?? 1);
