// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Stage 3 at the size of large public indexes: an index.yaml of N chart versions (default
// 20,000: 400 charts of 50 versions, each entry with the fields `helm repo index` writes,
// maintainers, dependencies and annotations) read, compared with the OCI side (every chart
// listed, a tenth of the versions missing, a hundredth different), the App Catalog computed,
// and the scan written to and read back from the store.
//
//   bench_charts [N] [DB]     (DB: a SQLite file to write, default a temporary one)

#include "benchutil.h"
#include "store/charttables.h"
#include "charts/chartmatrix.h"
#include "store/store.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QTemporaryDir>
#include <QTextStream>

#include <cstdio>

using namespace ferry;

namespace {

QString hex(int n)
{
    return QStringLiteral("%1").arg(n, 64, 16, QLatin1Char('0'));
}

QByteArray makeIndex(int versions, int perChart)
{
    QByteArray out;
    out.reserve(versions * 900);
    out += "apiVersion: v1\nentries:\n";
    for (int c = 0; c * perChart < versions; ++c) {
        out += "  chart-" + QByteArray::number(c) + ":\n";
        for (int v = 0; v < perChart && c * perChart + v < versions; ++v) {
            const QByteArray version = QByteArray::number(v / 10) + '.' + QByteArray::number(v % 10) + ".0";
            const QByteArray name = "chart-" + QByteArray::number(c);
            out += "  - annotations:\n      category: Infrastructure\n      licenses: Apache-2.0\n"
                   "    apiVersion: v2\n    appVersion: " + version + "\n"
                   "    created: \"2026-10-01T12:00:00.123456789Z\"\n"
                   "    dependencies:\n    - name: common\n      repository: oci://registry-1.docker.io/bitnamicharts\n"
                   "      tags:\n      - bitnami-common\n      version: 2.x.x\n"
                   "    description: A chart of the benchmark, as long as the descriptions of public charts tend to be.\n"
                   "    digest: " + hex(c * perChart + v).toLatin1() + "\n"
                   "    home: https://example.com/charts\n    icon: https://example.com/icon.svg\n"
                   "    keywords:\n    - infrastructure\n    - benchmark\n"
                   "    maintainers:\n    - name: Team\n      url: https://example.com/team\n"
                   "    name: " + name + "\n    sources:\n    - https://example.com/src\n"
                   "    urls:\n    - " + name + "-" + version + ".tgz\n    version: " + version + "\n";
        }
    }
    out += "generated: \"2026-10-01T12:00:00Z\"\n";
    return out;
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    const int n = argc > 1 ? QByteArray(argv[1]).toInt() : 20'000;
    QTemporaryDir tmp;
    const QString db = argc > 2 ? QString::fromLocal8Bit(argv[2]) : tmp.filePath(QStringLiteral("charts.db"));
    const int perChart = 50;
    const QByteArray text = makeIndex(n, perChart);
    std::printf("index.yaml: %d versions, %.1f MB\n", n, text.size() / 1e6);

    QElapsedTimer t;
    t.start();
    const HelmIndex index = readHelmIndex(text, QUrl(QStringLiteral("https://charts.example/stable/index.yaml")));
    const qint64 readMs = t.elapsed();
    if (!index.ok() || index.versions.size() != n) {
        std::fprintf(stderr, "read %lld of %d versions: %s\n", qint64(index.versions.size()), n, qPrintable(index.error));
        return 1;
    }
    std::printf("read: %lld ms (%.1f µs per version), peak %ld MiB\n", readMs, 1000.0 * readMs / n, bench::peakRssMiB());

    // The OCI side as a scan would have read it: a tenth missing, a hundredth rebuilt.
    QList<OciChartListing> oci;
    for (const HelmChartVersion &v : index.versions) {
        if (oci.isEmpty() || oci.last().chart != v.chart)
            oci.append(OciChartListing{v.chart, QStringLiteral("charts/") + v.chart, true, {}, {}});
        const int i = int(&v - index.versions.constData());
        if (i % 10 == 3)
            continue;
        OciChartVersion o;
        o.tag = o.version = v.version;
        o.layerDigest = i % 100 == 7 ? QStringLiteral("sha256:") + hex(i + n) : v.digest;
        o.manifestDigest = QStringLiteral("sha256:") + hex(i + 2 * n);
        oci.last().versions.append(o);
    }
    ChartRepository repo;
    repo.name = QStringLiteral("stable");
    repo.targetRegistry = QStringLiteral("gsoci");
    t.restart();
    const QList<ChartVersionRow> rows = compareCharts(repo, index.versions, oci);
    const qint64 compareMs = t.elapsed();
    t.restart();
    const QList<CatalogEntry> catalog = appCatalog(rows, 5);
    const ChartRetirement retire = planRetirement(ChartScanRecord{1, QDateTime::currentDateTimeUtc(), repo.name, {}, 0, {}}, rows);
    const qint64 catalogMs = t.elapsed();
    const QMap<QString, int> counts = chartStateCounts(rows);
    std::printf("compare: %lld ms; catalog and retirement: %lld ms (%lld charts; %d same, %d missing-in-oci, %d different-content; %lld "
                "blockers)\n",
                compareMs, catalogMs, qint64(catalog.size()), counts.value(QStringLiteral("same")), counts.value(QStringLiteral("missing-in-oci")),
                counts.value(QStringLiteral("different-content")), qint64(retire.blockers.size()));

    Store store(db);
    QString error;
    if (!store.open(&error)) {
        std::fprintf(stderr, "%s\n", qPrintable(error));
        return 1;
    }
    t.restart();
    const qint64 id = ChartTables(store).recordChartScan(ChartScanRecord{0, QDateTime::currentDateTimeUtc(), repo.name, QStringLiteral("u"), 0, {}}, rows);
    const qint64 writeMs = t.elapsed();
    t.restart();
    const qsizetype back = ChartTables(store).chartVersions(id).size();
    const qint64 readBackMs = t.elapsed();
    std::printf("store: written in %lld ms, read back (%lld rows) in %lld ms\n", writeMs, qint64(back), readBackMs);
    std::printf("peak: %ld MiB\n", bench::peakRssMiB());
    return back == rows.size() ? 0 : 1;
}
