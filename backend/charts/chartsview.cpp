// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "charts/chartsview.h"
#include "store/charttables.h"

#include "clients/inventory.h"
#include "plan/plan.h"
#include "store/store.h"

namespace ferry {

ChartsData readChartsData(const Plan *plan, Store &store)
{
    ChartsData d;
    QMap<QString, QList<ChartVersionRow>> latestRows;
    for (const ChartScanRecord &scan : ChartTables(store).latestChartScans()) {
        ChartRepositoryView v;
        v.scan = scan;
        v.rows = ChartTables(store).chartVersions(scan.id);
        const ChartRepository *repo = plan ? plan->chartRepository(scan.repository) : nullptr;
        v.catalogSize = repo ? repo->catalogSize : 5;
        v.catalog = appCatalog(v.rows, v.catalogSize);
        v.retirement = planRetirement(scan, v.rows);
        latestRows.insert(scan.repository, v.rows);
        d.repositories.append(std::move(v));
    }
    if (plan && !plan->clients.isEmpty())
        d.releases = releaseSources(readInventory(plan->clients), *plan, latestRows);
    return d;
}

QString chartRepositorySummary(const ChartRepositoryView &v)
{
    const QMap<QString, int> counts = chartStateCounts(v.rows);
    int total = 0, verified = 0;
    for (const ChartVersionRow &r : v.rows)
        if (!r.httpDigest.isEmpty() || !r.url.isEmpty()) {
            ++total;
            verified += !r.httpDigest.isEmpty() && r.httpDigest == r.ociDigest;
        }
    QStringList parts;
    for (const QString &s : chartstate::all())
        if (counts.value(s) > 0)
            parts << QStringLiteral("%L1 %2").arg(counts.value(s)).arg(s);
    return QStringLiteral("%1: %L2 of %L3 versions of the HTTP index are in OCI with the same content (%4 %). %5. Scanned %6%7.")
        .arg(v.scan.repository)
        .arg(verified)
        .arg(total)
        .arg(total ? 100 * verified / total : 0)
        .arg(parts.join(QStringLiteral(", ")))
        .arg(v.scan.at.toLocalTime().toString(QStringLiteral("yyyy-MM-dd HH:mm")))
        .arg(v.scan.error.isEmpty() ? QString() : QStringLiteral(" (the last read failed: %1)").arg(v.scan.error));
}

QString retirementText(const ChartRepositoryView &v)
{
    if (!v.retirement.ready())
        return QStringLiteral("%1 cannot be retired yet:\n\n").arg(v.scan.repository) + v.retirement.blockers.join(u'\n');
    return QStringLiteral("%1 can be retired: every version it holds (%2 files) is in OCI with the same content digest.\n\n"
                          "Plan the batches, review and approve them, then execute:\n"
                          "  ferryctl charts retire plan %1 --plan PLAN\n  ferryctl cleanup show BATCH\n"
                          "  ferryctl cleanup approve BATCH --as NAME\n  ferryctl charts retire execute --batch BATCH --plan PLAN\n")
        .arg(v.scan.repository)
        .arg(v.retirement.files.size());
}

int releasesOverHttp(const ChartsData &data)
{
    int http = 0;
    for (const ReleaseSource &r : data.releases)
        http += r.via == u"http";
    return http;
}

} // namespace ferry
