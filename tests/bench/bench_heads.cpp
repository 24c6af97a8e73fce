// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Raw HEAD throughput of the registry client against one registry: the number a scan can
// reach at best. Usage: bench_heads HOST:PORT REPOSITORY TAG COUNT [CONCURRENCY]
#include "net/networkservice.h"
#include "registry/registryclient.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTextStream>

int main(int argc, char *argv[])
{
    QCoreApplication app(argc, argv);
    const QStringList a = app.arguments();
    if (a.size() < 5) {
        QTextStream(stderr) << "usage: bench_heads HOST:PORT REPOSITORY TAG COUNT [CONCURRENCY]\n";
        return 2;
    }
    ferry::NetworkService network(2);
    ferry::RegistryConfig cfg = ferry::RegistryConfig::forHost(a[1], true);
    cfg.concurrency = a.size() > 5 ? a[5].toInt() : 64;
    ferry::RegistryClient client(network, cfg);
    const int count = a[4].toInt();
    QList<QFuture<ferry::Result<ferry::ManifestHead>>> futures;
    futures.reserve(count);
    QElapsedTimer t;
    t.start();
    for (int i = 0; i < count; ++i)
        futures << client.headManifest(a[2], a[3]);
    int failed = 0;
    for (auto &f : futures) {
        f.waitForFinished();
        if (!f.result().ok())
            ++failed;
    }
    const double secs = t.elapsed() / 1000.0;
    QTextStream(stdout) << count << " HEADs in " << secs << " s: " << count / secs << " req/s, " << failed << " failed\n";
    return failed ? 1 : 0;
}
