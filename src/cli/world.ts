/** `seer world …`: look at the VIE world. */
import type { Command } from 'commander';
import { parsePositiveInteger } from './options.ts';

export function registerWorldCommands(program: Command): void {
  const world = program.command('world').description('the procedural VIE world');
  world
    .command('gallery')
    .description('write a contact sheet (PNG + HTML) of every descriptor family')
    .requiredOption('--out <dir>', 'output folder')
    .option('--size <px>', 'image side in pixels', parsePositiveInteger, 32)
    .action(async (opts: { out: string; size: number }) => {
      const { writeGallery } = await import('../world/gallery.ts');
      const result = writeGallery(opts.out, { size: opts.size });
      process.stdout.write(`wrote ${result.cells} cells to ${result.png} and ${result.html}\n`);
    });
}
