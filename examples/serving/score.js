// Score rows with an exported sk_widedeep model from Node.js, no Python.
//
//   npm install --ignore-scripts onnxruntime-node   (CPU binaries included)
//   node score.js model.onnx request.json
//
// request.json holds one array per input column, a value per row, as a
// service would receive them: numbers as JSON numbers (null for a missing
// one), everything else as strings ("" for a missing one). It prints the
// labels and the probabilities (a classifier exported by sk_widedeep.onnx.to_onnx)
// or the predictions (a regressor) as JSON.
"use strict";
const fs = require("fs");
const ort = require("onnxruntime-node");

async function main() {
  const [modelPath, requestPath] = process.argv.slice(2);
  const request = JSON.parse(fs.readFileSync(requestPath, "utf8"));
  const session = await ort.InferenceSession.create(modelPath);
  const feeds = {};
  session.inputNames.forEach((name, i) => {
    const values = request[name];
    if (values === undefined) {
      throw new Error(`the request has no column ${JSON.stringify(name)}`);
    }
    const type = session.inputMetadata[i].type; // "double" or "string"
    const data =
      type === "string"
        ? values.map(String)
        : Float64Array.from(values, (v) => (v === null ? NaN : v));
    feeds[name] = new ort.Tensor(type, data, [values.length, 1]);
  });
  const results = await session.run(feeds);
  const out = {};
  for (const name of session.outputNames) {
    const tensor = results[name];
    const width = tensor.dims.length > 1 ? tensor.dims[1] : 1;
    const flat = Array.from(tensor.data, (v) => (typeof v === "bigint" ? Number(v) : v));
    out[name] =
      tensor.dims.length > 1
        ? Array.from({ length: tensor.dims[0] }, (_, r) => flat.slice(r * width, (r + 1) * width))
        : flat;
  }
  process.stdout.write(JSON.stringify(out));
}

main().catch((error) => {
  process.stderr.write(`${error.message}\n`);
  process.exit(1);
});
