// ansible-runner's `passwords`: regular expressions matched against a prompt, each with its answer (AWX sends
// e.g. `SSH password:\s*?$` and `BECOME password.*:\s*?$`). pexpect uses Python's re; the patterns AWX sends
// are in the subset JavaScript reads alike, and a pattern that is not is reported, not ignored.
import { Secret } from "../secret.ts";
import { RunnerJobError } from "./_job-error.ts";

export interface PasswordPrompt {
  pattern: RegExp;
  source: string;
  answer: Secret;
}

export function compilePasswordPrompts(map: Record<string, unknown>): PasswordPrompt[] {
  return Object.entries(map).map(([source, answer]) => {
    let body = source;
    let flags = "";
    // Python's leading inline flags, e.g. (?i); JavaScript only takes them as RegExp flags.
    const inline = /^\(\?([aiLmsux]+)\)/.exec(body);
    if (inline) {
      body = body.slice(inline[0].length);
      for (const f of inline[1] as string) if ("ims".includes(f)) flags += f;
    }
    try {
      return { pattern: new RegExp(body, flags), source, answer: new Secret(answer === null || answer === undefined ? "" : String(answer)) };
    } catch (e) {
      throw new RunnerJobError(`passwords: ${JSON.stringify(source)} is not a valid regular expression (${(e as Error).message})`);
    }
  });
}

/** The answer for a prompt ansible would print (e.g. "SSH password: "), or undefined when no pattern matches. */
export function answerPrompt(prompts: readonly PasswordPrompt[], prompt: string): Secret | undefined {
  return prompts.find((p) => p.pattern.test(prompt))?.answer;
}
