// Validates every manifest in deploy/kubernetes against the Kubernetes API's OpenAPI schemas, as bundled (compiled to
// validators) by the kubernetes-models package. Unknown fields, wrong types and missing required fields fail; a kind
// the package does not know fails too, so nothing is silently skipped. Unknown fields pass (the API's schemas allow
// them; only a server-side dry run rejects them): tests/Pop3Webmail.Web.Tests/Deployment checks the fields we rely on. Prints one line per document, then PASS or
// FAIL, and exits 0 or 1. Run by .ci/run (through ./run); locally: npm ci && node validate.mjs
import { readFileSync, readdirSync } from "node:fs";
import { join, dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { parseAllDocuments } from "yaml";

const root = join(dirname(fileURLToPath(import.meta.url)), "..", "kubernetes");
const files = readdirSync(root).filter((f) => f.endsWith(".yaml")).sort();
let failures = 0;
let documents = 0;

// "apps/v1" + Deployment -> kubernetes-models/apps/v1/Deployment; core "v1" + Service -> kubernetes-models/v1/Service
async function modelFor(apiVersion, kind) {
  const module = await import(`kubernetes-models/${apiVersion}/${kind}`);
  return module[kind];
}

function fail(where, message) {
  failures++;
  console.log(`FAIL ${where}: ${message}`);
}

if (files.length === 0) {
  fail(root, "no manifests found");
}

for (const file of files) {
  for (const [index, document] of parseAllDocuments(readFileSync(join(root, file), "utf8")).entries()) {
    const where = `${file}#${index + 1}`;
    if (document.errors.length > 0) {
      fail(where, document.errors.map((e) => e.message).join("; "));
      continue;
    }

    const manifest = document.toJS();
    if (manifest === null) {
      continue;
    }

    documents++;
    const { apiVersion, kind } = manifest;
    if (file === "kustomization.yaml") {
      // kustomize's own file, not an API object: every resource it lists must exist.
      for (const resource of manifest.resources ?? []) {
        if (!files.includes(resource)) {
          fail(where, `lists ${resource}, which is not in deploy/kubernetes`);
        }
      }
      console.log(`ok   ${where} Kustomization`);
      continue;
    }

    let Model;
    try {
      Model = await modelFor(apiVersion, kind);
    } catch (error) {
      fail(where, `no schema for ${apiVersion} ${kind} (${error.message})`);
      continue;
    }

    try {
      new Model(manifest).validate();
      console.log(`ok   ${where} ${kind} ${manifest.metadata?.name ?? ""}`);
    } catch (error) {
      fail(where, `${kind}: ${error.message}`);
    }
  }
}

console.log(failures === 0 ? `deploy-check: PASS (${documents} documents)` : `deploy-check: FAIL (${failures} problems)`);
process.exit(failures === 0 ? 0 : 1);
