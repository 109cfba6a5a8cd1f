/**
 * The contract between the Python and JavaScript halves of layerscape.
 *
 * Mirrors `src/layerscape/spec.py` exactly (same fields, same optional ones: a pytest,
 * tests/test_spec_agreement.py, compares them); change both together. The drawing rules
 * (family, passthrough, reshape, opens) are decided in Python (`families.py`) and written
 * into every node: read them, do not re-derive them.
 *
 * Graph spec: JSON, sent once (trait `_graph`).
 * Activation payload `LSP1`: binary, sent once per predict (trait `_payload`).
 * Little-endian throughout:
 *
 *     bytes 0..3     "LSP1"
 *     bytes 4..7     uint32: header length N in bytes
 *     bytes 8..8+N   UTF-8 JSON: PayloadHeader
 *     zero padding   up to the next multiple of 8
 *     data region    tensor sections; each TensorSection.offset counts from the
 *                    start of the data region and is a multiple of 8
 *
 * `dtype == "f32"`: float32 values. `dtype == "u8"`: one byte per value; codes
 * 0..250 map linearly to `lo + code / 250 * (hi - lo)`; 251 is NaN, 252 is +Inf,
 * 253 is -Inf. Data are C order, channels last, as `shape` lists them.
 */

export const SPEC_VERSION = 1;
/** The four magic bytes "LSP1". */
export const PAYLOAD_MAGIC = "LSP1";
export const U8_MAX_CODE = 250;
export const U8_NAN = 251;
export const U8_POS_INF = 252;
export const U8_NEG_INF = 253;

/**
 * Which visual draws a node, from its output shape alone: (H, W, 1|3) model inputs are
 * images (and layers' outputs that Python's `images` option draws as pictures, with
 * their `image_range`), (H, W, C) feature maps, (D, H, W, C) volumes, (T, C) sequences, (N,) vectors;
 * any other rank is generic.
 */
export type Family = "image" | "feature_map" | "volume" | "vector" | "sequence" | "generic";
/** "unknown": a subclassed model whose call() could not be traced; no edges. */
export type Wiring = "known" | "unknown";

/** One operation call in the model's graph. */
export interface NodeSpec {
  id: string;
  /** The Keras layer (or operation) name. */
  name: string;
  /** `Conv2D`, `Dense`, `Add`, ... (`InputLayer` for inputs). */
  class_name: string;
  family: Family;
  /** Shape of the (first) output, without the batch dimension. */
  output_shape: Array<number | null>;
  /** Shapes of every output (length > 1 for e.g. `LSTM(return_state=True)`). */
  output_shapes: Array<Array<number | null>>;
  /** Number of weights the layer owns (0 for inputs and raw ops). */
  params: number;
  /** Key config for the tooltip: filters, kernel_size, strides, activation, units, ... */
  config: Record<string, unknown>;
  is_input: boolean;
  is_output: boolean;
  /** Id path of the nested model this node lives in, or null at top level. */
  parent: string | null;
  /** The layer is the identity at inference (Dropout, GaussianNoise, ...): drawn thin, no values sent. */
  passthrough: boolean;
  /** The layer only rearranges its input's elements in row-major order (Flatten, Reshape). */
  reshape: boolean;
  /**
   * Clicking opens the node into its parts (the rule is Python's `families.can_open`):
   * feature maps, volumes and sequences, and RGB image inputs; never a passthrough node.
   */
  opens: boolean;
  /** The weights the view can show instead of the output (Python's `show_weights`); missing means null. */
  weights?: WeightsSpec | null;
  /**
   * Only on a node whose output is channels first (`data_format="channels_first"`), always
   * true: its own output is (C, L), (C, H, W) or (C, D, H, W), and Python gives its shapes
   * and payload values channels last, as drawn. Missing: channels last.
   */
  channels_first?: boolean;
  /**
   * Only on a Flatten or Reshape reading a `channels_first` input in its (C, ...) order,
   * always true: element i is the input's element i in (C, ...) C order, not in the drawn
   * (..., C) order; never `reshape`. Missing: it reads its input as drawn.
   */
  reads_channels_first?: boolean;
  /**
   * Only on a layer's output drawn as a picture (never a model input): the values shown
   * black and white, from the layer's activation (tanh: -1..1, sigmoid: 0..1); null: the
   * data's own range. Missing elsewhere: a model input is shown on its natural range.
   */
  image_range?: ImageRange | null;
}

/** The values a picture shows black (`lo`) and white (`hi`), and what says so (the activation). */
export interface ImageRange {
  lo: number;
  hi: number;
  source: string;
}

/** Which weights a node can show: the kernel as sent (rank 2 `(rows, cols)` or rank 4 `(kh, kw, cin, cout)`) and the bias. */
export interface WeightsSpec {
  kernel: number[];
  bias: number[] | null;
}

/** "model": a nested model; "block": a single-entry single-exit region; "stage": chained blocks sharing a name stem. */
export type GroupKind = "model" | "block" | "stage";

/** A block of the graph, found by Python (`groups.py`); groups nest through `parent`. */
export interface GroupSpec {
  id: string;
  name: string;
  kind: GroupKind;
  parent: string | null;
  /** Every node inside, at any depth, in topological order. */
  nodes: string[];
  /** The one node outside whose output enters the group (a region's fork); null when several or none. */
  entry: string | null;
  /** The last node inside: its output leaves the group. */
  exit: string;
}

export interface EdgeSpec {
  source: string;
  target: string;
}

export interface GraphSpec {
  version: number;
  /** The model's name. */
  name: string;
  /** In topological order (every edge's source comes before its target). */
  nodes: NodeSpec[];
  edges: EdgeSpec[];
  inputs: string[];
  outputs: string[];
  /** Class names for the (first) model output, when the user gave them. */
  labels: string[] | null;
  /**
   * "unknown" when the edges could not be read (a subclassed model whose call() cannot
   * be traced): the nodes are its input, its tracked layers in order and its output,
   * with no edges; an unknown shape is an empty `output_shapes`. Missing means "known".
   */
  wiring?: Wiring;
  /** Why the wiring is unknown, in words for the user; null when it is known. */
  wiring_reason?: string | null;
  /** The model's blocks, outermost first; missing means none. */
  groups?: GroupSpec[];
}

/**
 * "kernel"/"bias": a layer's weights (only for nodes with `weights`), sent while the
 * layer shows them; a kernel is rank 2 (rows, cols) or rank 4 (kh, kw, cin, cout), its
 * output columns (last axis) limited like channels (`channels_total`).
 */
export type SectionRole = "full" | "summary" | "kernel" | "bias";
/** A comparison's companion sections: the same section of sample a or b, beside the shown b − a. */
export type SampleTag = "a" | "b";
export type SectionDtype = "u8" | "f32";
export type Reduce = "mean" | "max";

export interface TensorSection {
  node: string;
  role: SectionRole;
  shape: number[];
  dtype: SectionDtype;
  /** Bytes from the start of the data region; a multiple of 8. */
  offset: number;
  /** Bytes. */
  length: number;
  lo: number;
  hi: number;
  channels_total: number | null;
  reduce: Reduce | null;
  /** In a comparison: "a" or "b" for that sample's copy of a shown (b − a) section, for hover; missing or null: drawn. */
  sample?: SampleTag | null;
}

export interface PayloadHeader {
  version: number;
  /** 1 for the first prediction, 2 for the second, ... */
  seq: number;
  tensors: TensorSection[];
  /** The training step this payload shows (drawn during fit); null or missing for a predict. */
  step?: TrainingStep | null;
  /** Which sample of the kept batch this shows (Python's `view.sample`); missing for one sample. */
  sample?: SampleInfo | null;
  /** Set while Python's `view.compare(a, b)` is on: every drawn section holds b − a (diverging map, centred at zero). */
  compare?: ComparePair | null;
}

export interface SampleInfo {
  /** The sample shown, from 0. */
  index: number;
  /** How many samples of the batch the view keeps (the picker's range). */
  kept: number;
  /** How many samples the batch had (more than `kept` beyond Python's memory bound). */
  given: number;
}

export interface ComparePair {
  /** Index of the sample subtracted. */
  a: number;
  /** Index of the sample it is subtracted from: the view shows b − a. */
  b: number;
}

/** One detection (Python's `ModelView(boxes=fn)`): a box in input pixels, (0, 0) top left, y down. */
export interface BoxSpec {
  x0: number;
  y0: number;
  x1: number;
  y1: number;
  label: string;
  score: number;
  /** (row, col) of the grid output's cell that produced the box, or null. */
  cell: number[] | null;
}

/** The `_boxes` trait: the last prediction's detections, or the boxes function's error. */
export interface BoxesState {
  boxes: BoxSpec[];
  /** Why there are no boxes (the function failed or returned something malformed); null when fine. */
  error: string | null;
  /** The prediction the boxes belong to. */
  seq: number;
  /** The node whose picture the boxes are drawn on (the first image input), or null. */
  image: string | null;
  /** The node whose cells `cell` indexes (the first model output of rank 3), or null. */
  grid: string | null;
}

export interface TrainingStep {
  /** From 0. */
  epoch: number;
  /** Within the epoch, from 0; -1 before training starts; the epoch's batch count for an epoch's end entry (val_ metrics). */
  batch: number;
  /** Loss and metrics as Keras logged them. */
  logs: Record<string, number>;
}
