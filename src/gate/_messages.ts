// Every gate message, typed, with the same field table as gate/ftl_gate/messages.py; both are tested against
// test/fixtures/gate-protocol. A message travels as the frame body `[type, data, id]` (docs/protocol/gate.md).
import { encodeFrame } from "./_frames.ts";
import { GateProtocolError } from "./_protocol-error.ts";

export const PROTOCOL_VERSION = 1;

export interface HelloData {
  version: number;
  capabilities: string[];
  max_frame?: number;
  /** Set by the gate. */
  gate_hash?: string;
  python?: { version: string; executable: string };
  pid?: number;
  /** Set by the gate: short names of the modules it runs itself; any other module needs a bundle. */
  native_modules?: string[];
}
export interface ModuleData {
  name: string;
  args: Record<string, unknown>;
  check_mode?: boolean;
  diff_mode?: boolean;
  bundle_hash?: string;
  python_module?: string;
  /** base64 of the bundle zip. */
  bundle?: string;
  timeout?: number;
  fork?: boolean;
}
export interface PutData { path: string; mode?: number | null; chunk: string; offset: number; last: boolean }
export interface GetData { path: string; offset: number; length: number }
export interface ShutdownData { timeout?: number }
export interface ModuleResultData {
  result: Record<string, unknown> | null;
  rc: number;
  stdout?: string;
  stderr?: string;
  timed_out?: boolean;
}
export interface ModuleNotFoundData { name: string; bundle_hash: string | null }
export interface PutResultData { path: string; written: number; size?: number; sha256?: string }
export interface GetResultData { path: string; offset: number; chunk: string; eof: boolean; size: number }
export type GoodbyeData = Record<string, never>;
export interface ErrorData { message: string; code?: string }
export interface GateSystemErrorData { message: string; traceback: string }

export interface MessageMap {
  Hello: HelloData;
  Module: ModuleData;
  Put: PutData;
  Get: GetData;
  Shutdown: ShutdownData;
  ModuleResult: ModuleResultData;
  ModuleNotFound: ModuleNotFoundData;
  PutResult: PutResultData;
  GetResult: GetResultData;
  Goodbye: GoodbyeData;
  Error: ErrorData;
  GateSystemError: GateSystemErrorData;
}
export type MessageType = keyof MessageMap;
export type GateMessage = { [K in MessageType]: { type: K; data: MessageMap[K]; id: number | null } }[MessageType];
export type MessageOf<K extends MessageType> = Extract<GateMessage, { type: K }>;

type Kind = "str" | "int" | "number" | "bool" | "object" | "str[]" | "object?" | "int?" | "str?";
type Field = readonly [name: string, kind: Kind, required: boolean];

export const MESSAGE_FIELDS: Record<MessageType, readonly Field[]> = {
  Hello: [["version", "int", true], ["capabilities", "str[]", true], ["max_frame", "int", false],
    ["gate_hash", "str", false], ["python", "object", false], ["pid", "int", false],
    ["native_modules", "str[]", false]],
  Module: [["name", "str", true], ["args", "object", true], ["check_mode", "bool", false], ["diff_mode", "bool", false],
    ["bundle_hash", "str", false], ["python_module", "str", false], ["bundle", "str", false],
    ["timeout", "number", false], ["fork", "bool", false]],
  Put: [["path", "str", true], ["mode", "int?", false], ["chunk", "str", true], ["offset", "int", true], ["last", "bool", true]],
  Get: [["path", "str", true], ["offset", "int", true], ["length", "int", true]],
  Shutdown: [["timeout", "number", false]],
  ModuleResult: [["result", "object?", true], ["rc", "int", true], ["stdout", "str", false], ["stderr", "str", false],
    ["timed_out", "bool", false]],
  ModuleNotFound: [["name", "str", true], ["bundle_hash", "str?", true]],
  PutResult: [["path", "str", true], ["written", "int", true], ["size", "int", false], ["sha256", "str", false]],
  GetResult: [["path", "str", true], ["offset", "int", true], ["chunk", "str", true], ["eof", "bool", true], ["size", "int", true]],
  Goodbye: [],
  Error: [["message", "str", true], ["code", "str", false]],
  GateSystemError: [["message", "str", true], ["traceback", "str", true]],
};

const KIND_TEXT: Record<string, string> = {
  str: "a string", int: "an integer", number: "a number", bool: "a boolean", object: "an object",
  "str[]": "an array of strings",
};

function isObject(v: unknown): v is Record<string, unknown> {
  return typeof v === "object" && v !== null && !Array.isArray(v);
}

function kindOk(kind: Kind, v: unknown): boolean {
  if (kind.endsWith("?")) return v === null || kindOk(kind.slice(0, -1) as Kind, v);
  switch (kind) {
    case "str": return typeof v === "string";
    case "int": return Number.isInteger(v);
    case "number": return typeof v === "number" && Number.isFinite(v);
    case "bool": return typeof v === "boolean";
    case "object": return isObject(v);
    case "str[]": return Array.isArray(v) && v.every((x) => typeof x === "string");
    default: return false;
  }
}

function kindText(kind: Kind): string {
  return kind.endsWith("?") ? `${KIND_TEXT[kind.slice(0, -1)]} or null` : (KIND_TEXT[kind] ?? kind);
}

function describe(v: unknown): string {
  if (Array.isArray(v)) return `an array of ${v.length} element(s)`;
  if (v === null) return "null";
  return isObject(v) ? "an object" : `a ${typeof v}`;
}

function isId(v: unknown): v is number | null {
  return v === null || Number.isInteger(v);
}

/** Checks a message's fields against its definition. Unknown fields are allowed (newer peers may add some). */
export function validateMessage(type: string, data: Record<string, unknown>, id: number | null = null): GateMessage {
  const fields = (MESSAGE_FIELDS as Record<string, readonly Field[] | undefined>)[type];
  if (!fields) throw new GateProtocolError("unknown_type", `unknown message type ${JSON.stringify(type)}`, { msgId: id });
  for (const [name, kind, required] of fields) {
    if (!(name in data)) {
      if (required) throw new GateProtocolError("bad_message", `${type}: missing required field '${name}'`, { msgId: id });
      continue;
    }
    if (!kindOk(kind, data[name])) {
      throw new GateProtocolError("bad_message", `${type}: field '${name}' must be ${kindText(kind)}`, { msgId: id });
    }
  }
  return { type, data, id } as GateMessage;
}

const decoder = new TextDecoder("utf-8", { fatal: true });
const encoder = new TextEncoder();

/** A frame body to a validated message; throws GateProtocolError (bad_json, bad_body, unknown_type, bad_message). */
export function decodeMessage(body: Uint8Array): GateMessage {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(body));
  } catch (e) {
    const what = e instanceof SyntaxError ? "JSON" : "UTF-8";
    throw new GateProtocolError("bad_json", `frame body is not ${what}: ${(e as Error).message}`);
  }
  if (!Array.isArray(value) || value.length !== 3) {
    throw new GateProtocolError("bad_body", `frame body must be a JSON array [type, data, id], got ${describe(value)}`);
  }
  const [type, data, id] = value as [unknown, unknown, unknown];
  if (!isId(id)) throw new GateProtocolError("bad_body", `message id must be an integer or null, got ${describe(id)}`);
  if (typeof type !== "string") {
    throw new GateProtocolError("bad_body", `message type must be a string, got ${describe(type)}`, { msgId: id });
  }
  if (!isObject(data)) {
    throw new GateProtocolError("bad_body", `message data must be a JSON object, got ${describe(data)}`, { msgId: id });
  }
  return validateMessage(type, data, id);
}

/** A message as one frame (header and body), ready to write. */
export function encodeMessage(msg: GateMessage): Uint8Array {
  return encodeFrame(encoder.encode(JSON.stringify([msg.type, msg.data, msg.id])));
}
