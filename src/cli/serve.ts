/** `seer serve`: a SEER-Mini checkpoint (or a Janus-Pro ONNX folder) behind an OpenAI-compatible API. */
import type { Command } from 'commander';
import { checkpointOption, parseInteger, startEngine, threadsOption, THREADS_HELP } from './options.ts';

export function registerServeCommands(program: Command): void {
  program
    .command('serve')
    .description('serve a model through an OpenAI-compatible API: /v1/models, /v1/chat/completions, /v1/images/generations')
    .addOption(checkpointOption('SEER-Mini checkpoint, base or trained (default: the shipped base)'))
    .option('--janus <dir>', 'serve Janus-Pro from a local transformers.js ONNX folder instead (docs/backends.md)')
    .option('--dtype <dtype>', 'with --janus: ONNX quantisation to load (fp32, fp16, q8, q4, q4f16 …)')
    .option('--name <id>', 'model id clients use (default: seer-mini or janus-pro)')
    .option('--host <host>', 'address to bind (loopback by default; anything else exposes the model to the network)', '127.0.0.1')
    .option('--port <n>', 'port (0 picks a free one)', parseInteger, 8000)
    .addOption(threadsOption(`${THREADS_HELP} (SEER-Mini)`, 2))
    .action(async (opts: { checkpoint?: string; janus?: string; dtype?: string; name?: string; host: string; port: number; threads: number }) => {
      const { startOpenAIServer, serveSeerMini } = await import('../serve/serve.ts');
      let server;
      if (opts.janus) {
        const { JanusUnified } = await import('../backends/transformers/janus.ts');
        const { dtypeSchema } = await import('../backends/transformers/folder.ts');
        const dtype = opts.dtype === undefined ? undefined : dtypeSchema.parse(opts.dtype);
        const model = await JanusUnified.load(opts.janus, { ...(dtype ? { dtype } : {}), outputSize: null, ...(opts.name ? { name: opts.name } : {}) });
        server = await startOpenAIServer({ model, imageSize: 384, host: opts.host, port: opts.port });
      } else {
        await startEngine(opts.threads);
        server = await serveSeerMini({ ...(opts.checkpoint ? { checkpoint: opts.checkpoint } : {}), ...(opts.name ? { name: opts.name } : {}), host: opts.host, port: opts.port });
      }
      process.stdout.write(`seer serve: ${server.baseUrl}\nmodels: ${server.models.join(', ')}\n`);
      const stop = () => void server.close().then(() => process.exit(0));
      process.once('SIGINT', stop);
      process.once('SIGTERM', stop);
    });
}
