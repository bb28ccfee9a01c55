// Compares `registry validate --format json` on the mutants with two independent draft-04 validators (ajv with
// ajv-draft-04, and @hyperjump/json-schema). Fails when registry crashed or lost a document, or when it calls
// valid a document that both independent validators reject. Registry may be stricter: its clinical rules
// (VR001-VR021) refuse documents the schema alone accepts.
// Usage: node compare.mjs mutants.ndjson registry-report.json registry-exit-code
import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv from "ajv-draft-04";
import addFormats from "ajv-formats";
import { registerSchema, setShouldValidateFormat, validate } from "@hyperjump/json-schema/draft-04";
import "@hyperjump/json-schema/formats";

const [mutantsFile, reportFile, exitCode] = process.argv.slice(2);
const root = new URL("../../", import.meta.url).pathname;
const schema = JSON.parse(readFileSync(join(root, "schemas/venous-registry-submission.v1.schema.json"), "utf8"));
const documents = readFileSync(mutantsFile, "utf8").split("\n").filter((l) => l.trim()).map((l) => JSON.parse(l));

const ajv = new Ajv({ allErrors: false, strict: false });
addFormats(ajv, ["date"]);
const ajvValidate = ajv.compile(schema);

registerSchema(schema, schema.id);
setShouldValidateFormat(true);
const hyperjump = await validate(schema.id);

const problems = [];
if (!["0", "1"].includes(exitCode)) problems.push(`registry exited ${exitCode} (0 or 1 expected: a crash or an input error)`);

let report;
try {
  report = JSON.parse(readFileSync(reportFile, "utf8"));
} catch (error) {
  problems.push(`registry's JSON report does not parse: ${error.message}`);
}

const ours = report?.files?.[0]?.documents ?? [];
if (ours.length !== documents.length) problems.push(`registry reported ${ours.length} documents of ${documents.length}`);

const tally = { bothReject: 0, bothAccept: 0, disagree: 0, oursValid: 0, ourStricter: 0, missedByUs: 0 };
documents.forEach((document, i) => {
  const a = ajvValidate(document);
  const h = hyperjump(document).valid;
  const us = ours[i]?.valid;
  if (a === h) tally[a ? "bothAccept" : "bothReject"]++;
  else tally.disagree++;
  if (us) tally.oursValid++;
  if (!us && a && h) tally.ourStricter++;
  if (us && !a && !h) {
    tally.missedByUs++;
    if (problems.length < 20) problems.push(`mutant ${i} (line ${i + 1}): registry says valid, ajv and hyperjump reject it: ${ajv.errorsText(ajvValidate.errors)}`);
  }
  for (const issue of ours[i]?.issues ?? []) {
    if (/9990001236/.test(issue.message)) problems.push(`mutant ${i}: a message repeats a value: ${issue.message}`);
  }
});

console.log(`conformance: ${documents.length} mutants; ajv and hyperjump both reject ${tally.bothReject}, both accept ${tally.bothAccept}, disagree ${tally.disagree}; ` +
  `registry valid ${tally.oursValid}, stricter than the schema on ${tally.ourStricter} (clinical rules), valid where both reject ${tally.missedByUs}`);
for (const problem of problems) console.log(`conformance: FAIL ${problem}`);
process.exit(problems.length ? 1 : 0);
