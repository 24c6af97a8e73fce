// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Checks every manifest in a directory against the Kubernetes API's schemas
// (kubernetes-models' validators, generated from the API's OpenAPI document), and what the
// schema cannot see: each container's $(VAR) is defined in its env, every secret and config
// map a pod names is among the manifests, and each ferryctl command is one ferryctl has.
//   node tests/k8s/validate.mjs installer/k8s [ferryctl commands, comma-separated]
import fs from "node:fs";
import path from "node:path";
import yaml from "js-yaml";

const dir = process.argv[2];
const commands = (process.argv[3] || "").split(",").filter(Boolean);
const failures = [];
const docs = [];
for (const file of fs.readdirSync(dir).filter((f) => f.endsWith(".yaml")).sort()) {
  for (const doc of yaml.loadAll(fs.readFileSync(path.join(dir, file), "utf8"))) {
    if (doc) docs.push({ file, doc });
  }
}
if (docs.length === 0) failures.push(`${dir}: no manifests`);

async function modelFor(apiVersion, kind) {
  const group = apiVersion.includes("/") ? apiVersion : `core/${apiVersion}`;
  const [g, v] = group.split("/");
  const where = g === "core" ? `kubernetes-models/${v}/${kind}` : `kubernetes-models/${g}/${v}/${kind}`;
  return (await import(where))[kind];
}

const names = { Secret: new Map(), ConfigMap: new Map() };
for (const { file, doc } of docs) {
  const where = `${file}: ${doc.kind}/${doc.metadata?.name}`;
  let Model;
  try {
    Model = await modelFor(doc.apiVersion, doc.kind);
  } catch (e) {
    failures.push(`${where}: no schema for ${doc.apiVersion} ${doc.kind}`);
    continue;
  }
  try {
    new Model(doc).validate();
  } catch (e) {
    failures.push(`${where}: ${e.message}`);
  }
  if (names[doc.kind]) names[doc.kind].set(doc.metadata.name, doc);
}

function podSpecOf(doc) {
  if (doc.kind === "Deployment") return doc.spec?.template?.spec;
  if (doc.kind === "CronJob") return doc.spec?.jobTemplate?.spec?.template?.spec;
  return undefined;
}

let pods = 0;
for (const { file, doc } of docs) {
  const spec = podSpecOf(doc);
  if (!spec) continue;
  ++pods;
  const where = `${file}: ${doc.kind}/${doc.metadata.name}`;
  for (const v of spec.volumes || []) {
    if (v.secret && !names.Secret.has(v.secret.secretName)) failures.push(`${where}: volume ${v.name} names no secret of the manifests`);
    if (v.configMap && !names.ConfigMap.has(v.configMap.name)) failures.push(`${where}: volume ${v.name} names no config map of the manifests`);
  }
  for (const c of spec.containers || []) {
    const env = new Set((c.env || []).map((e) => e.name));
    for (const e of c.env || []) {
      const ref = e.valueFrom?.secretKeyRef;
      if (!ref) continue;
      const secret = names.Secret.get(ref.name);
      if (!secret) failures.push(`${where}: ${e.name} reads secret ${ref.name}, not among the manifests`);
      else if (!(ref.key in (secret.stringData || {})) && !(ref.key in (secret.data || {})))
        failures.push(`${where}: ${e.name} reads key ${ref.key}, which secret ${ref.name} lacks`);
    }
    for (const arg of [...(c.command || []), ...(c.args || [])]) {
      for (const m of String(arg).matchAll(/\$\(([A-Z_][A-Z0-9_]*)\)/g))
        if (!env.has(m[1])) failures.push(`${where}: ${c.name} uses $(${m[1]}), which its env does not define`);
    }
    if (commands.length && c.args?.length && !commands.includes(c.args[0]))
      failures.push(`${where}: ${c.name} runs "ferryctl ${c.args[0]}", not a ferryctl command`);
  }
}
if (pods === 0) failures.push(`${dir}: no Deployment or CronJob`);

for (const f of failures) console.error(`FAIL ${f}`);
console.log(`${docs.length} manifests, ${pods} workloads checked: ${failures.length ? "FAILED" : "valid"}`);
process.exit(failures.length ? 1 : 0);
