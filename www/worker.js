// The scanning worker: streams each file through the WebAssembly engine, off the main thread.
//
// Protocol. In: {type: 'scan', files: File[], config: object | undefined}, one scan per message
// (the page starts a new worker to abandon a scan). Out, in this order:
//   {type: 'file', index, name, size}        a file is about to be read
//   {type: 'progress', index, bytes}          bytes of that file read so far
//   {type: 'findings', findings: Finding[]}   findings completed so far (sent only when there are some)
//   {type: 'done', stats, rejections}         the scan finished
//   {type: 'error', message, file}            the scan stopped; `file` names the file being read, if any
// Files are read with File.stream(), one chunk at a time: a file is never held whole in memory.

import init, { Engine } from './pkg/mailhound_wasm.js';

let ready = null;

/** Loads and instantiates the engine once, on first use (again after a failed attempt). */
function engineReady() {
  ready ??= init().catch((error) => {
    ready = null;
    throw new Error(`cannot load the analysis engine: ${describe(error)}`);
  });
  return ready;
}

function postFindings(findings) {
  if (Array.isArray(findings) && findings.length > 0) {
    self.postMessage({ type: 'findings', findings });
  }
}

function describe(error) {
  if (error instanceof Error) return error.message || String(error);
  return String(error);
}

async function scanFiles(files, config) {
  let current = null;
  let engine = null;
  try {
    await engineReady();
    engine = new Engine(config);
    for (const [index, file] of files.entries()) {
      current = file.name;
      self.postMessage({ type: 'file', index, name: file.name, size: file.size });
      postFindings(engine.beginInput(file.name));
      const reader = file.stream().getReader();
      let bytes = 0;
      for (;;) {
        const { done, value } = await reader.read();
        if (done) break;
        postFindings(engine.push(value));
        bytes += value.byteLength;
        self.postMessage({ type: 'progress', index, bytes });
      }
    }
    current = null;
    postFindings(engine.finish());
    self.postMessage({ type: 'done', stats: engine.stats(), rejections: engine.rejections() });
  } catch (error) {
    self.postMessage({ type: 'error', message: describe(error), file: current });
  } finally {
    engine?.free();
  }
}

self.addEventListener('message', (event) => {
  const { type, files, config } = event.data ?? {};
  if (type === 'scan') {
    scanFiles(Array.from(files ?? []), config);
  } else {
    self.postMessage({ type: 'error', message: `unknown request: ${String(type)}`, file: null });
  }
});
