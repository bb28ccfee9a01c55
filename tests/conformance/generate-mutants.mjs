// Schema-guided mutants of the valid samples, one JSON document per line (NDJSON), deterministic for a seed.
// Each mutant takes 1-3 edits chosen from what the schema says about the edited place: its type, enum, pattern,
// length and range bounds, required and unknown properties, array bounds and uniqueness, calendar edges.
// Usage: node generate-mutants.mjs --count 8000 --seed 20261125 --out mutants.ndjson
import { readFileSync, readdirSync, writeFileSync } from "node:fs";
import { join } from "node:path";

const args = Object.fromEntries(process.argv.slice(2).reduce((pairs, a, i, all) => (a.startsWith("--") ? [...pairs, [a.slice(2), all[i + 1]]] : pairs), []));
const root = new URL("../../", import.meta.url).pathname;
const count = Number(args.count ?? 8000);
const out = args.out ?? "mutants.ndjson";
const schema = JSON.parse(readFileSync(join(root, "schemas/venous-registry-submission.v1.schema.json"), "utf8"));
const validDir = join(root, "samples/submissions/valid");
const bases = readdirSync(validDir).filter((f) => f.endsWith(".json")).sort().map((f) => JSON.parse(readFileSync(join(validDir, f), "utf8")));

// mulberry32: small, fast, and the same sequence on every machine for a seed.
let state = Number(args.seed ?? 20261125) >>> 0;
const random = () => {
  state = (state + 0x6d2b79f5) >>> 0;
  let t = state;
  t = Math.imul(t ^ (t >>> 15), t | 1);
  t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
  return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
};
const pick = (items) => items[Math.floor(random() * items.length)];

const resolve = (s) => (s && s.$ref ? resolve(s.$ref.replace("#/", "").split("/").reduce((node, key) => node[key], schema)) : s);

// Every place in the document with the schema that governs it; absent optional properties are places too.
function sites(value, sub, path, parent, key, list) {
  sub = resolve(sub) ?? {};
  list.push({ value, sub, path, parent, key });
  if (sub.type === "object" || sub.properties) {
    for (const [name, child] of Object.entries(sub.properties ?? {})) {
      if (value && typeof value === "object" && name in value) sites(value[name], child, `${path}/${name}`, value, name, list);
      else if (value && typeof value === "object") list.push({ value: undefined, sub: resolve(child), path: `${path}/${name}`, parent: value, key: name, absent: true });
    }
  } else if (sub.type === "array" && Array.isArray(value)) {
    value.forEach((item, i) => sites(item, sub.items, `${path}/${i}`, value, i, list));
  }
  return list;
}

const emoji = "\u{1F9B5}";
// JSON.stringify cannot write an integer beyond 2^53 exactly: a marker string is swapped for the literal digits.
const BIG_INTEGER = "__BIG_INTEGER__";
const repeat = (text, n) => Array.from({ length: Math.max(n, 0) }, () => text).join("");
const someValueOf = (sub) => {
  sub = resolve(sub) ?? {};
  if (sub.enum) return pick(sub.enum);
  switch (sub.type) {
    case "string": return sub.format === "date" ? "2024-01-15" : repeat("a", Math.max(sub.minLength ?? 1, 1));
    case "integer": return sub.minimum ?? 0;
    case "number": return (sub.minimum ?? 0) + (sub.exclusiveMinimum ? 0.5 : 0);
    case "boolean": return random() < 0.5;
    case "array": return sub.minItems ? [someValueOf(sub.items)] : [];
    case "object": return {};
    default: return "x";
  }
};

function candidates(site) {
  const { sub, value } = site;
  const edits = [
    () => pick([null, true, 12, 12.5, "text", [], {}]),
    () => undefined, // removal (required or not)
  ];
  if (site.absent) edits.push(() => someValueOf(sub), () => someValueOf(sub));
  if (sub.enum) {
    edits.push(() => pick(sub.enum), () => pick(sub.enum));
    const e = String(pick(sub.enum));
    edits.push(() => e.toUpperCase(), () => e + "\n", () => e + " ", () => "", () => e.slice(0, -1));
  }
  if (sub.type === "string" && !sub.enum) {
    const max = sub.maxLength ?? 80;
    const min = sub.minLength ?? 0;
    edits.push(
      () => repeat("a", max), () => repeat("a", max + 1), () => repeat(emoji, max), () => repeat(emoji, max + 1),
      () => repeat("a", min - 1), () => String(value ?? "") + "\n", () => " " + String(value ?? ""),
      () => String(value ?? "").toLowerCase(), () => "X\ud800Y", () => String(value ?? "") + "\u0001", () => "RJ1\n",
    );
    if (sub.format === "date" || sub.pattern?.includes("[0-9]{4}-")) {
      edits.push(...["9999-12-31", "0001-01-01", "2023-02-29", "2024-02-29", "2023-13-01", "2023-1-01", "2023-01-01T00:00:00Z", "2023-04-31"].map((d) => () => d));
    }
  }
  if (sub.type === "integer" || sub.type === "number") {
    const lo = sub.minimum ?? 0;
    const hi = sub.maximum ?? 1000;
    edits.push(() => lo, () => lo - 1, () => hi, () => hi + 1, () => hi + 0.5, () => lo - 0.5, () => (lo + hi) / 2, () => 1e300, () => -1e300,
      () => BIG_INTEGER, () => "-" + BIG_INTEGER);
  }
  if (sub.type === "array") {
    const items = Array.isArray(value) ? value : [];
    edits.push(
      () => [],
      () => (items.length ? [...items, items[0]] : [someValueOf(sub.items)]),
      () => [...items, ...repeat("x", (sub.maxItems ?? 4) + 1).split("").map(() => someValueOf(sub.items))],
      () => [...items, null],
    );
  }
  if (sub.type === "object" || sub.properties) {
    const extra = pick(["extra", "dateOfBirth", "9990001236", "$schema", "Sex"]);
    edits.push(() => ({}), () => ({ ...(value ?? {}), [extra]: "x" }));
  }
  return edits;
}

function mutate(base) {
  const doc = structuredClone(base);
  const edits = 1 + Math.floor(random() * 3);
  for (let n = 0; n < edits; n++) {
    const list = sites(doc, schema, "", null, null, []).filter((s) => s.parent !== null);
    const site = pick(list);
    const replacement = pick(candidates(site))();
    if (replacement === undefined) {
      if (Array.isArray(site.parent)) site.parent.splice(site.key, 1);
      else delete site.parent[site.key];
    } else {
      site.parent[site.key] = replacement;
    }
  }
  return doc;
}

const lines = [];
for (let i = 0; i < count; i++) {
  lines.push(JSON.stringify(mutate(bases[i % bases.length])).replaceAll(`"${BIG_INTEGER}"`, "100000000000000000000000000000").replaceAll(`"-${BIG_INTEGER}"`, "-100000000000000000000000000000"));
}
writeFileSync(out, lines.join("\n") + "\n");
console.log(`${count} mutants of ${bases.length} valid samples written to ${out}`);
