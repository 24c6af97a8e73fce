// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "charts/chartretire.h"
#include "ops/itemrunner.h"
#include "store/charttables.h"

#include "cleanup/cleanupengine.h"
#include "registry/registryclient.h"

#include <QHash>

namespace ferry {

namespace {

constexpr char kChartLayer[] = "application/vnd.cncf.helm.chart.content.v1.tar+gzip";

const CleanupPolicy *retirePolicy(const Plan &plan, const QString &repository)
{
    for (const CleanupPolicy &p : plan.cleanup.policies)
        if (p.kind == CleanupPolicy::Kind::HttpChartRepository && p.registry == repository)
            return &p;
    return nullptr;
}

CleanupItem retireItem(const ChartRepository &repo, const ChartVersionRow &r, const QString &policy, qint64 scanId)
{
    CleanupItem i;
    i.action = QStringLiteral("delete");
    i.digest = r.httpDigest;
    i.tags = {r.chart + u':' + r.version};
    i.mediaType = QLatin1String(kChartLayer);
    i.ageFrom = r.created;
    i.ageSource = QStringLiteral("index created");
    i.policy = policy;
    const QString oci =
        QStringLiteral("%1/%2:%3").arg(repo.targetRegistry, repo.ociRepository(r.chart), ChartRepository::ociTag(r.version));
    i.reason = QStringLiteral("%1 is in OCI as %2 with the same content").arg(r.url, oci); // the URL first: retireItemUrl
    i.checks = {QStringLiteral("chart layer digest equals the index's digest (charts scan %1)").arg(scanId)};
    i.verifyIn = {oci};
    return i;
}

} // namespace

QPair<QString, QString> retireItemChart(const CleanupItem &item)
{
    const QString t = item.tags.value(0);
    const auto colon = t.indexOf(u':');
    return {t.left(colon), colon < 0 ? QString() : t.mid(colon + 1)};
}

QString retireItemUrl(const CleanupItem &item)
{
    return item.reason.section(u' ', 0, 0);
}

ChartRetirePlan planChartRetirement(const Plan &plan, Store &store, const QString &repository)
{
    ChartRetirePlan out;
    const ChartRepository *repo = plan.chartRepository(repository);
    if (!repo) {
        out.error = QStringLiteral("'%1' is not a chart repository of the plan").arg(repository);
        return out;
    }
    const CleanupPolicy *policy = retirePolicy(plan, repository);
    if (!policy) {
        out.error = QStringLiteral("the plan has no cleanup policy of kind http-chart-repository for %1").arg(repository);
        return out;
    }
    const QMap<QString, ChartScanRecord> latest = ChartTables(store).latestChartScans();
    if (!latest.contains(repository)) {
        out.error = QStringLiteral("no charts scan of %1 yet: run ferryctl charts scan first").arg(repository);
        return out;
    }
    const ChartScanRecord scan = latest.value(repository);
    out.retirement = planRetirement(scan, ChartTables(store).chartVersions(scan.id));
    if (!out.retirement.ready())
        return out;
    CleanupStore cleanup(store);
    const int size = qMax(1, plan.cleanup.batchSize);
    for (qsizetype start = 0; start < out.retirement.files.size(); start += size) {
        CleanupBatch b;
        b.createdAt = QDateTime::currentDateTimeUtc();
        b.plan = plan.path;
        b.registry = repository;
        b.repository = redactedUrl(repo->indexUrl);
        b.policies = policy->name;
        b.listedAt = scan.at;
        b.listingComplete = true;
        b.listingNote = QStringLiteral("charts scan %1").arg(scan.id);
        int seq = 0;
        for (const ChartVersionRow &r : out.retirement.files.mid(start, size)) {
            CleanupItem i = retireItem(*repo, r, policy->name, scan.id);
            i.seq = ++seq;
            b.items.append(i);
        }
        b.hash = batchHash(b.content());
        if (!cleanup.addBatch(&b)) {
            out.error = QStringLiteral("cannot store the batch: %1").arg(cleanup.lastError());
            return out;
        }
        cleanup.audit(batchActor({}), QStringLiteral("plan"), b.id,
                      QStringLiteral("retire %1: %2 files, hash %3").arg(repository).arg(b.items.size()).arg(b.hash));
        out.batches << b.id;
    }
    return out;
}

ChartRetireRun executeChartRetirement(const Plan &plan, Store &store, NetworkService &network, const ChartScanInput &input, qint64 batchId,
                                      bool dryRun, const QString &actor)
{
    ChartRetireRun out;
    out.batch = batchId;
    CleanupStore cleanup(store);
    // One executor per batch, the status and the audit as for every kind (BatchExecution): the
    // lock first, then the batch is read.
    BatchExecution exec(cleanup, batchId, dryRun, actor);
    if (!exec.hold()) {
        out.refused = exec.refused();
        return out;
    }
    auto loaded = cleanup.batch(batchId);
    QString blocker;
    if (!loaded)
        blocker = QStringLiteral("there is no batch %1").arg(batchId);
    else if (loaded->registry != input.repository.name)
        blocker = QStringLiteral("batch %1 belongs to %2, not to the chart repository %3")
                      .arg(batchId)
                      .arg(loaded->registry, input.repository.name);
    else
        blocker = batchExecutionBlocker(*loaded, dryRun, plan.cleanup.maxListingAgeSeconds);
    if (!exec.begin(blocker, loaded ? loaded->hash : QString())) {
        out.refused = exec.refused();
        return out;
    }
    CleanupBatch &b = *loaded;
    out.run = exec.run();
    // Both sides read again now, for the batch's charts: what was approved must still be true of each file.
    ChartScanInput again = input;
    again.replicas.clear(); // the retirement verifies the target; replicas follow it
    for (const CleanupItem &item : std::as_const(b.items))
        again.onlyCharts.insert(retireItemChart(item).first);
    const ChartScanResult now = scanChartRepository(again, network);
    QHash<QString, ChartVersionRow> rows;
    for (const ChartVersionRow &r : now.rows)
        rows.insert(r.chart + u':' + r.version, r);
    // The files in the batch's order, one at a time, on the item runner of every batch kind; an
    // item an earlier run finished is not part of this run.
    QList<CleanupItem *> work;
    for (CleanupItem &item : b.items)
        if (item.action == u"delete" && (dryRun || !itemstate::isFinal(item.state)))
            work << &item;
    ItemRun<CleanupItem> items;
    items.step = [&](CleanupItem &item) -> Task<ItemStep> {
        const auto [chart, version] = retireItemChart(item);
        const ChartVersionRow r = rows.value(item.tags.value(0));
        ItemStep s;
        if (!now.record.error.isEmpty()) {
            s.state = itemstate::Kept;
            s.message = QStringLiteral("the index could not be read again: %1").arg(now.record.error);
        } else if (r.chart.isEmpty()) {
            s.state = itemstate::AlreadyAbsent;
            s.message = QStringLiteral("%1 %2 is no longer in the index").arg(chart, version);
        } else if (r.httpDigest != item.digest) {
            s.state = itemstate::Kept;
            s.message =
                QStringLiteral("the index now has %1 for %2 %3, not the approved %4").arg(r.httpDigest, chart, version, item.digest);
        } else if (r.ociDigest != item.digest) {
            s.state = itemstate::Kept;
            s.message = QStringLiteral("OCI no longer holds the same chart (%1): %2").arg(r.state, r.reason);
        } else if (dryRun) {
            s.state = itemstate::WouldDelete;
            s.message = input.repository.deleteApi.isEmpty() ? QStringLiteral("would be exported for removal: %1").arg(r.url)
                                                             : QStringLiteral("would be deleted through the delete-api");
        } else if (input.repository.deleteApi.isEmpty()) {
            s.state = itemstate::Exported;
            s.message = QStringLiteral("verified again; remove %1 and its index entry").arg(r.url);
        } else {
            const ChartDeleteResult d = deleteHttpChartVersion(input, network, chart, version);
            s.http = d.status;
            s.state = !d.ok ? itemstate::Failed : d.status == 404 ? itemstate::AlreadyAbsent : itemstate::Deleted;
            s.message = d.message;
        }
        co_return s;
    };
    items.record = [&](CleanupItem &item, const ItemStep &s) {
        const QString err = cleanup.record(out.run, dryRun, batchId, item, s);
        if (err.isEmpty())
            out.items.append(item);
        return err;
    };
    const ItemRunTotals totals = runToEnd(runItems(work, std::move(items)));
    out.counts = totals.counts;
    if (totals.stopped) {
        exec.stop(totals.stopWhy);
        out.refused = totals.stopWhy;
        return out;
    }
    exec.finish(out.counts, true); // every item reached a final state
    return out;
}

} // namespace ferry
