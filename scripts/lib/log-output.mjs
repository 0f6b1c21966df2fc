// The services' output at a terminal, each line through a formatter (see log-format.mjs): for
// concurrently, a controller in place of its LogOutput; for one service run alone, a pipe.

import { StringDecoder } from 'node:string_decoder';
import { lineSplitter } from './log-format.mjs';

/** concurrently's LogOutput, with each whole line of a command's output through `format`. */
export class FormattedLogOutput {
  constructor({ logger, format }) {
    this.logger = logger;
    this.format = format;
  }

  handle(commands) {
    for (const command of commands) {
      for (const stream of [command.stdout, command.stderr]) {
        const decoder = new StringDecoder('utf8'); // a chunk may end inside a character
        const lines = lineSplitter();
        const show = (done) => {
          for (const line of done) this.logger.logCommandText(`${this.format(line)}\n`, command);
        };
        stream.subscribe((chunk) => show(lines.push(decoder.write(chunk))));
        // the streams outlive a process (a restart reuses them): its unfinished last line ends with it
        command.close.subscribe(() => show(lines.flush()));
      }
    }
    return { commands };
  }
}

/** Copies a child's stdout or stderr to `to`, line by line through `format`. */
export function pipeFormatted(from, to, format) {
  const lines = lineSplitter();
  const show = (done) => {
    for (const line of done) to.write(`${format(line)}\n`);
  };
  from.setEncoding('utf8');
  from.on('data', (chunk) => show(lines.push(chunk)));
  from.on('end', () => show(lines.flush()));
}
