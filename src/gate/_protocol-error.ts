// The one error of the gate wire protocol. `reason` is the same string the Python gate puts in the `code`
// of its Error replies, so both sides name a fault the same way (docs/protocol/gate.md, "Error codes").
import { FtlError } from "../errors.ts";

export type GateErrorReason =
  | "bad_header"
  | "truncated"
  | "frame_too_large"
  | "bad_json"
  | "bad_body"
  | "bad_message"
  | "unknown_type";

const HINTS: Record<GateErrorReason, string> = {
  bad_header: "the gate's output is not the ftl2 protocol: something else wrote to its stdout (a login banner?)",
  truncated: "the gate stopped in the middle of a frame: see its stderr",
  frame_too_large: "raise max_frame in Hello, or send the data in smaller pieces",
  bad_json: "the frame body must be UTF-8 JSON",
  bad_body: "a frame body is a JSON array [type, data, id]",
  bad_message: "see docs/protocol/gate.md for the fields of each message",
  unknown_type: "controller and gate versions differ: redeploy the gate",
};

export class GateProtocolError extends FtlError {
  readonly reason: GateErrorReason;
  /** The stream is out of sync and the session must end. */
  readonly fatal: boolean;
  /** The id of the message at fault when it could be read, so a pending request can be failed. */
  readonly msgId: number | null;

  constructor(reason: GateErrorReason, message: string, opts: { fatal?: boolean; msgId?: number | null } = {}) {
    super("GATE_PROTOCOL", message, { hint: HINTS[reason] });
    this.reason = reason;
    this.fatal = opts.fatal ?? false;
    this.msgId = opts.msgId ?? null;
  }
}
