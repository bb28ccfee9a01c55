// Keeps the Submission components of schemas/registry-api.v1.openapi.yaml in step with the submission schema.
// The draft-04 schema (schemas/venous-registry-submission.v1.schema.json) is the single source of truth; OpenAPI 3.1
// speaks JSON Schema 2020-12, so this translates it: `$schema` and `id` are dropped, each of `definitions` becomes a
// component named Submission<Name>, `$ref`s follow, and draft-04's boolean exclusiveMinimum/Maximum become numbers.
//   node submission-components.mjs          check: exit 1 when the document is out of step
//   node submission-components.mjs --write  rewrite the generated part of the document
import { readFileSync, writeFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { dirname, join } from "node:path";
import { stringify } from "yaml";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "..");
const schemaFile = join(root, "schemas", "venous-registry-submission.v1.schema.json");
const openApiFile = join(root, "schemas", "registry-api.v1.openapi.yaml");
const marker = "    # --- Submission: generated from";

const componentName = (name) => "Submission" + name[0].toUpperCase() + name.slice(1);

function translate(node) {
  if (Array.isArray(node)) return node.map(translate);
  if (node === null || typeof node !== "object") return node;
  const out = {};
  for (const [key, value] of Object.entries(node)) {
    if (key === "$schema" || key === "id" && typeof value === "string" || key === "definitions") continue;
    if (key === "$ref") {
      out.$ref = value.replace(/^#\/definitions\/(.+)$/, (_, name) => `#/components/schemas/${componentName(name)}`);
    } else if ((key === "exclusiveMinimum" || key === "exclusiveMaximum") && typeof value === "boolean") {
      const bound = key === "exclusiveMinimum" ? "minimum" : "maximum";
      if (value) out[key] = node[bound];
    } else if ((key === "minimum" && node.exclusiveMinimum === true) || (key === "maximum" && node.exclusiveMaximum === true)) {
      continue;
    } else {
      out[key] = key === "properties" ? Object.fromEntries(Object.entries(value).map(([k, v]) => [k, translate(v)])) : translate(value);
    }
  }
  return out;
}

const schema = JSON.parse(readFileSync(schemaFile, "utf8"));
const components = { Submission: translate(schema) };
for (const [name, definition] of Object.entries(schema.definitions ?? {})) components[componentName(name)] = translate(definition);
const generated = stringify(components, { lineWidth: 0 }).trimEnd().split("\n").map((line) => "    " + line).join("\n") + "\n";

const document = readFileSync(openApiFile, "utf8");
const at = document.indexOf(marker);
if (at < 0) {
  console.error(`submission-components: the marker line is missing from ${openApiFile}`);
  process.exit(2);
}
const head = document.slice(0, document.indexOf("\n", document.indexOf("\n", at) + 1) + 1);
const expected = head + generated;
if (process.argv.includes("--write")) {
  writeFileSync(openApiFile, expected);
  console.log(`submission-components: wrote ${Object.keys(components).length} components`);
} else if (document !== expected) {
  console.error("submission-components: the OpenAPI Submission components differ from the submission schema; run `node tests/contract/submission-components.mjs --write`");
  process.exit(1);
} else {
  console.log("submission-components: in step with the submission schema");
}
