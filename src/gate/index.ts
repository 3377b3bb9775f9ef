// Public face of gate/: the controller side of the gate wire protocol (docs/protocol/gate.md) and the
// gate zipapp's bytes. The SSH session that carries the protocol lives in transport/.
export { readGatePyz } from "./_asset.ts";
export { DEFAULT_MAX_FRAME, HEADER_SIZE, FrameDecoder, encodeFrame, type FrameEvent } from "./_frames.ts";
export {
  PROTOCOL_VERSION,
  MESSAGE_FIELDS,
  decodeMessage,
  encodeMessage,
  validateMessage,
  type GateMessage,
  type MessageMap,
  type MessageOf,
  type MessageType,
  type HelloData,
  type ModuleData,
  type PutData,
  type GetData,
  type ShutdownData,
  type ModuleResultData,
  type ModuleNotFoundData,
  type PutResultData,
  type GetResultData,
  type GoodbyeData,
  type ErrorData,
  type GateSystemErrorData,
} from "./_messages.ts";
export { MessageDecoder, type StreamEvent } from "./_message-decoder.ts";
export { GateProtocolError, type GateErrorReason } from "./_protocol-error.ts";
