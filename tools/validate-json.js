#!/usr/bin/env node
// Validates JSON files against a JSON Schema with ajv + ajv-formats: draft 2020-12 or draft-07.
// Our own schemas are checked strictly; --lenient relaxes ajv's strict mode for schemas written
// by others (the SARIF 2.1.0 schema the multitool ships trips strictRequired).
// Usage: node tools/validate-json.js [--lenient] SCHEMA FILE...   Exit 0 when every file is valid, 1 when
// one is not (errors on stderr, one line each), 2 on usage or unreadable input.
'use strict';
const fs = require('fs');
const Ajv2020 = require('ajv/dist/2020');
const AjvDraft7 = require('ajv');
const addFormats = require('ajv-formats');

const args = process.argv.slice(2);
const lenient = args[0] === '--lenient';
if (lenient) args.shift();
const [schemaPath, ...files] = args;
if (!schemaPath || files.length === 0) {
  console.error('usage: validate-json.js [--lenient] SCHEMA FILE...');
  process.exit(2);
}
function readJson(path) {
  try {
    return JSON.parse(fs.readFileSync(path, 'utf8'));
  } catch (err) {
    console.error(`${path}: ${err.message}`);
    process.exit(2);
  }
}
const schema = readJson(schemaPath);
const draft7 = String(schema.$schema || '').includes('draft-07');
const options = { allErrors: true, strict: !lenient };
const ajv = draft7 ? new AjvDraft7(options) : new Ajv2020(options);
addFormats(ajv);
const validate = ajv.compile(schema);
let failed = false;
for (const file of files) {
  if (validate(readJson(file))) {
    console.log(`${file}: valid`);
    continue;
  }
  failed = true;
  for (const error of validate.errors) {
    console.error(`${file}: ${error.instancePath || '/'} ${error.message} ${JSON.stringify(error.params)}`);
  }
}
process.exit(failed ? 1 : 0);
