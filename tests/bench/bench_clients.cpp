// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The clients' references at scale: a hundred thousand workload objects' YAML read and
// joined against a million-row matrix. Two steps, so that the second one's figures are the
// inventory's and the join's alone:
//   bench_clients make DIR DB [OBJECTS=100000]   DIR/plan.yaml and DIR/manifests/*.yaml: Deployments whose
//                                                containers name tags of DB's matrix (docker.io, gsoci, quay.io)
//   bench_clients run DIR DB                     read, join: time of each, references by state, peak memory
#include "clients/inventory.h"
#include "clients/refjoin.h"
#include "store/matrixtables.h"
#include "store/store.h"

#include <QCoreApplication>
#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QSet>
#include <QTextStream>

#include "benchutil.h"

using namespace ferry;
using ferry::bench::peakRssMiB;

namespace {

int make(const QString &dir, Store &store, int objects, QTextStream &out)
{
    const qint64 rows = MatrixTables(store).matrixRowCount();
    const qint64 step = qMax<qint64>(1, rows / objects);
    QList<QPair<QString, QString>> sample;
    qint64 i = 0;
    MatrixTables(store).forEachRawMatrixRow([&](const RawMatrixRow &r) {
        if (i++ % step == 0)
            sample.append({QString::fromUtf8(r.repository), QString::fromUtf8(r.tag)});
        return sample.size() < objects;
    });
    QSet<QString> repos;
    for (const auto &s : std::as_const(sample))
        repos.insert(s.first);
    QDir().mkpath(dir + QStringLiteral("/manifests"));
    QFile plan(dir + QStringLiteral("/plan.yaml"));
    if (!plan.open(QIODevice::WriteOnly))
        return 1;
    QTextStream p(&plan);
    p << "version: 1\nname: bench\nregistries:\n"
         "  dockerhub: { url: https://registry-1.docker.io, kind: dockerhub, role: source, credentials: anonymous }\n"
         "  gsoci: { url: https://gsoci.example, role: target, credentials: anonymous }\n"
         "images:\n";
    QStringList sorted(repos.begin(), repos.end());
    sorted.sort();
    for (const QString &r : std::as_const(sorted))
        p << "  - { source: dockerhub/" << r << ", target: gsoci/" << r << " }\n";
    p << "clients:\n  - { cluster: bench, paths: manifests }\n";
    constexpr int perFile = 1000;
    for (int f = 0; f * perFile < sample.size(); ++f) {
        QFile file(dir + QStringLiteral("/manifests/part-%1.yaml").arg(f, 4, 10, QLatin1Char('0')));
        if (!file.open(QIODevice::WriteOnly))
            return 1;
        QTextStream t(&file);
        for (int k = f * perFile; k < qMin<qsizetype>(sample.size(), (f + 1) * perFile); ++k) {
            const auto &[repo, tag] = sample[k];
            const QString second =
                k % 2 ? QStringLiteral("quay.io/prometheus/node-exporter:v1.7.0") : QStringLiteral("gsoci.example/%1:%2").arg(repo, tag);
            t << "---\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: app-" << k << "\n  namespace: team-" << k % 50
              << "\nspec:\n  replicas: 2\n  template:\n    metadata:\n      labels: { app: app-" << k
              << " }\n    spec:\n      containers:\n        - name: main\n          image: " << repo << ':' << tag
              << "\n          ports: [{ containerPort: 8080 }]\n        - name: side\n          image: " << second << '\n';
        }
    }
    out << "wrote " << sample.size() << " objects in " << (sample.size() + perFile - 1) / perFile << " files, " << repos.size()
        << " repositories mapped\n";
    return 0;
}

} // namespace

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList a = app.arguments();
    QTextStream out(stdout);
    if (a.size() < 4) {
        out << "usage: bench_clients make DIR DB [OBJECTS] | run DIR DB\n";
        return 2;
    }
    Store store(a[3]);
    QString error;
    if (!store.open(&error)) {
        out << error << '\n';
        return 1;
    }
    if (a[1] == u"make")
        return make(a[2], store, a.size() > 4 ? a[4].toInt() : 100'000, out);
    const auto plan = Plan::load(a[2] + QStringLiteral("/plan.yaml"), &error);
    if (!plan) {
        out << error << '\n';
        return 1;
    }
    QElapsedTimer t;
    t.start();
    const Inventory inv = readInventory(plan->clients);
    const qint64 readMs = t.restart();
    const RefJoin join = joinReferences(*plan, inv, &store);
    const qint64 joinMs = t.elapsed();
    QMap<QString, int> states;
    for (const JoinedReference &j : join.references)
        ++states[refStateName(j.state)];
    out << inv.objects << " objects in " << inv.files << " files: " << inv.references.size() << " references, " << inv.warnings.size()
        << " warnings\n"
        << "read " << readMs << " ms (" << QString::number(1000.0 * readMs / qMax(1, inv.objects), 'f', 1) << " us per object), join "
        << joinMs << " ms (" << QString::number(1000.0 * joinMs / qMax<qsizetype>(1, join.references.size()), 'f', 1)
        << " us per reference), peak " << peakRssMiB() << " MiB\n";
    for (auto it = states.begin(); it != states.end(); ++it)
        out << "  " << it.key() << ": " << it.value() << '\n';
    return 0;
}
