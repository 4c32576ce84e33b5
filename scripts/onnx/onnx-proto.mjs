/**
 * A minimal ONNX writer: the subset of onnx.proto3 needed to build small inference graphs
 * (ModelProto, GraphProto, NodeProto, AttributeProto, TensorProto, ValueInfoProto,
 * TypeProto, TensorShapeProto, OperatorSetIdProto), encoded with protobufjs.
 *
 * Field numbers are those of https://github.com/onnx/onnx/blob/main/onnx/onnx.proto3, so the
 * bytes are a valid ONNX file for any runtime. Only what test models need is declared.
 */
import protobuf from 'protobufjs';

const ONNX_PROTO_SUBSET = `
syntax = "proto3";
package onnx;

message AttributeProto {
  enum AttributeType { UNDEFINED = 0; FLOAT = 1; INT = 2; STRING = 3; TENSOR = 4; GRAPH = 5; FLOATS = 6; INTS = 7; STRINGS = 8; }
  string name = 1;
  string doc_string = 13;
  AttributeType type = 20;
  float f = 2;
  int64 i = 3;
  bytes s = 4;
  TensorProto t = 5;
  repeated float floats = 7;
  repeated int64 ints = 8;
  repeated bytes strings = 9;
}

message ValueInfoProto {
  string name = 1;
  TypeProto type = 2;
  string doc_string = 3;
}

message NodeProto {
  repeated string input = 1;
  repeated string output = 2;
  string name = 3;
  string op_type = 4;
  string domain = 7;
  repeated AttributeProto attribute = 5;
  string doc_string = 6;
}

message ModelProto {
  int64 ir_version = 1;
  repeated OperatorSetIdProto opset_import = 8;
  string producer_name = 2;
  string producer_version = 3;
  string domain = 4;
  int64 model_version = 5;
  string doc_string = 6;
  GraphProto graph = 7;
}

message GraphProto {
  repeated NodeProto node = 1;
  string name = 2;
  repeated TensorProto initializer = 5;
  string doc_string = 10;
  repeated ValueInfoProto input = 11;
  repeated ValueInfoProto output = 12;
  repeated ValueInfoProto value_info = 13;
}

message TensorProto {
  repeated int64 dims = 1;
  int32 data_type = 2;
  repeated float float_data = 4;
  repeated int64 int64_data = 7;
  string name = 8;
  bytes raw_data = 9;
  string doc_string = 12;
}

message TensorShapeProto {
  message Dimension {
    oneof value {
      int64 dim_value = 1;
      string dim_param = 2;
    }
    string denotation = 3;
  }
  repeated Dimension dim = 1;
}

message TypeProto {
  message Tensor {
    int32 elem_type = 1;
    TensorShapeProto shape = 2;
  }
  oneof value {
    Tensor tensor_type = 1;
  }
  string denotation = 6;
}

message OperatorSetIdProto {
  string domain = 1;
  int64 version = 2;
}
`;

/** TensorProto.DataType values used here. */
/** Deterministic pseudo-random weights in [-1, 1) (a 32-bit LCG), so every run writes identical bytes. */
export function fixedWeights(count, seed) {
  const out = new Float32Array(count);
  let s = seed >>> 0;
  for (let i = 0; i < count; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = s / 2 ** 31 - 1;
  }
  return out;
}

export const DataType = Object.freeze({ FLOAT: 1, INT64: 7, BOOL: 9 });

/** AttributeProto.AttributeType values used here. */
const AttributeType = Object.freeze({ FLOAT: 1, INT: 2, STRING: 3, FLOATS: 6, INTS: 7 });

/** ONNX IR version 8 (ONNX 1.10+) and default-domain opset 17, both loaded by onnxruntime ≥ 1.14. */
export const IR_VERSION = 8;
export const OPSET_VERSION = 17;

const ModelProto = protobuf.parse(ONNX_PROTO_SUBSET, { keepCase: true }).root.lookupType('onnx.ModelProto');

/**
 * A graph input/output declaration. `dims` entries are numbers (fixed) or strings
 * (symbolic, i.e. dynamic axes such as "num_points").
 * @param {string} name
 * @param {number} elemType one of {@link DataType}
 * @param {(number|string)[]} dims
 */
export function valueInfo(name, elemType, dims) {
  return {
    name,
    type: {
      tensor_type: {
        elem_type: elemType,
        shape: { dim: dims.map((d) => (typeof d === 'number' ? { dim_value: d } : { dim_param: d })) },
      },
    },
  };
}

/**
 * A float32 initializer (constant tensor) stored as little-endian raw_data.
 * @param {string} name
 * @param {number[]} dims
 * @param {ArrayLike<number>} values
 */
export function floatTensor(name, dims, values) {
  const data = Float32Array.from(values);
  return { name, dims, data_type: DataType.FLOAT, raw_data: new Uint8Array(data.buffer) };
}

/**
 * An int64 initializer stored as little-endian raw_data.
 * @param {string} name
 * @param {number[]} dims
 * @param {number[]} values
 */
export function int64Tensor(name, dims, values) {
  const data = BigInt64Array.from(values.map((v) => BigInt(v)));
  return { name, dims, data_type: DataType.INT64, raw_data: new Uint8Array(data.buffer) };
}

/**
 * One operator. Attribute values: integer → INT, non-integer number → FLOAT, string →
 * STRING, number[] → INTS (all integers) or FLOATS. Use {@link floatAttr} to force FLOAT.
 * @param {string} opType
 * @param {string[]} inputs  "" for an omitted optional input
 * @param {string[]} outputs
 * @param {Record<string, number|string|number[]|{float:number}>} [attributes]
 */
export function node(opType, inputs, outputs, attributes = {}) {
  return {
    op_type: opType,
    name: `${opType}_${outputs[0]}`,
    input: inputs,
    output: outputs,
    attribute: Object.entries(attributes).map(([name, value]) => attribute(name, value)),
  };
}

/** Marks a number as a FLOAT attribute even when it is integral. */
export function floatAttr(value) {
  return { float: value };
}

function attribute(name, value) {
  if (typeof value === 'string') return { name, type: AttributeType.STRING, s: new TextEncoder().encode(value) };
  if (typeof value === 'object' && !Array.isArray(value)) return { name, type: AttributeType.FLOAT, f: value.float };
  if (Array.isArray(value)) {
    return value.every(Number.isInteger) ? { name, type: AttributeType.INTS, ints: value } : { name, type: AttributeType.FLOATS, floats: value };
  }
  return Number.isInteger(value) ? { name, type: AttributeType.INT, i: value } : { name, type: AttributeType.FLOAT, f: value };
}

/**
 * Serialises a whole model (ir_version 8, opset 17) to ONNX bytes.
 * @param {{ name: string, nodes: object[], initializers?: object[], inputs: object[], outputs: object[] }} graph
 * @returns {Uint8Array}
 */
export function encodeModel(graph) {
  const model = {
    ir_version: IR_VERSION,
    opset_import: [{ domain: '', version: OPSET_VERSION }],
    producer_name: 'pertouch-onnx-writer',
    producer_version: '1',
    graph: {
      name: graph.name,
      node: graph.nodes,
      initializer: graph.initializers ?? [],
      input: graph.inputs,
      output: graph.outputs,
    },
  };
  const problem = ModelProto.verify(model);
  if (problem) throw new Error(`encodeModel(${graph.name}): ${problem}`);
  return ModelProto.encode(ModelProto.fromObject(model)).finish();
}
