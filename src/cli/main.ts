/**
 * The `seer` command line. Each layer contributes one `register*Commands(program)` function from
 * its own file in src/cli/; command bodies import their layer lazily so `seer --help` stays fast
 * and a command never loads the tensor engine unless it needs it.
 */
import { Command, CommanderError } from 'commander';
import { isSeerError } from '../core/errors.ts';
import { registerWorldCommands } from './world.ts';
import { registerDataCommands } from './data.ts';
import { registerOracleCommands } from './oracle.ts';
import { registerRlCommands } from './rl.ts';
import { registerModelCommands } from './model.ts';
import { registerEvalCommands } from './eval.ts';
import { registerRunCommands } from './run.ts';
import { registerElaborateCommands } from './elaborate.ts';
import { registerHumanEvalCommands } from './humaneval.ts';
import { registerBenchCommands } from './bench.ts';
import { registerServeCommands } from './serve.ts';
import { registerDoctorCommands } from './doctor.ts';

export function buildProgram(): Command {
  const program = new Command('seer')
    .description('Endogenous Reprompting (SEER): self-evolving evaluator and reprompter for unified multimodal models')
    .showHelpAfterError()
    .exitOverride();
  registerWorldCommands(program);
  registerDataCommands(program);
  registerOracleCommands(program);
  registerRlCommands(program);
  registerModelCommands(program);
  registerEvalCommands(program);
  registerRunCommands(program);
  registerElaborateCommands(program);
  registerHumanEvalCommands(program);
  registerBenchCommands(program);
  registerServeCommands(program);
  registerDoctorCommands(program);
  return program;
}

export async function main(argv: string[]): Promise<void> {
  const program = buildProgram();
  try {
    await program.parseAsync(argv);
  } catch (error) {
    if (error instanceof CommanderError) {
      process.exitCode = error.exitCode;
      return;
    }
    if (isSeerError(error)) {
      process.stderr.write(`seer: ${error.message}\n`);
      if (process.env.SEER_DEBUG) process.stderr.write(`${error.stack ?? ''}\n`); // where it was raised, for a bug report
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}
