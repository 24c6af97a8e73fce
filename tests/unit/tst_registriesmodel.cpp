// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The Registries page's model: the join of the plan's registries, the per-scan figures and
// the budget readings, as the store keeps them; health, sorting through a proxy, advice.
#include "copy/copystore.h"
#include "registriesmodel.h"
#include "registry/registryerror.h"
#include "severitycolour.h"
#include "store/figuretables.h"
#include "testmain.h"

#include <QAbstractItemModelTester>
#include <QBrush>
#include <QSortFilterProxyModel>
#include <QTemporaryDir>
#include <QTimeZone>

using namespace ferry;

namespace {

RegistryScanStats stats(qint64 scan, const QString &registry, qint64 requests, qint64 answered, qint64 failures, qint64 latency,
                        int listings, int listingsFailed, const QString &error = {})
{
    RegistryScanStats s;
    s.scan = scan;
    s.registry = registry;
    s.at = QDateTime::fromMSecsSinceEpoch(1'790'000'000'000 + scan * 60'000, QTimeZone::utc());
    s.requests = requests;
    s.answered = answered;
    s.failures = failures;
    s.latencyMsAvg = latency;
    s.listings = listings;
    s.listingsFailed = listingsFailed;
    s.firstError = error;
    return s;
}

QStringList column(const QAbstractItemModel &m, int col, int role = Qt::DisplayRole)
{
    QStringList out;
    for (int r = 0; r < m.rowCount(); ++r)
        out << m.index(r, col).data(role).toString();
    return out;
}

} // namespace

class TestRegistriesModel : public QObject
{
    Q_OBJECT
private:
    QTemporaryDir m_dir;

    // The store as two scans left it: the second touched only the replica (a quick round).
    QList<RegistryStatus> fromStore()
    {
        Store store(m_dir.filePath(QStringLiteral("registries.db")));
        QString err;
        if (!store.open(&err))
            qFatal("%s", qPrintable(err));
        FigureTables(store).recordRegistries({{QStringLiteral("dockerhub"), QStringLiteral("source"), {}, 0},
                                              {QStringLiteral("gsoci"), QStringLiteral("target"), {}, 0},
                                              {QStringLiteral("china"), QStringLiteral("replica"), QStringLiteral("gsoci"), 600},
                                              {QStringLiteral("cache"), QStringLiteral("cache"), QStringLiteral("gsoci"), 0},
                                              {QStringLiteral("old-acr"), QStringLiteral("legacy"), {}, 0}});
        FigureTables(store).recordRegistryStats(
            {stats(1, QStringLiteral("dockerhub"), 120, 120, 0, 35, 10, 0),
             stats(1, QStringLiteral("gsoci"), 300, 300, 3, 12, 10, 1, QStringLiteral("giantswarm/x: registry error (HTTP 503)")),
             stats(1, QStringLiteral("china"), 200, 200, 0, 250, 10, 0),
             stats(1, QStringLiteral("old-acr"), 8, 0, 8, -1, 4, 4, QStringLiteral("giantswarm/a: network error: Connection refused"))});
        FigureTables(store).recordRegistryStats({stats(2, QStringLiteral("china"), 50, 50, 0, 80, 10, 0)});
        RateLimitReading early;
        early.present = true;
        early.limit = 100;
        early.remaining = 90;
        early.windowSeconds = 21600;
        early.source = QStringLiteral("ratelimit-limit headers");
        early.observedAt = QDateTime::fromMSecsSinceEpoch(1'790'000'000'000, QTimeZone::utc());
        FigureTables(store).recordRateLimit(1, QStringLiteral("dockerhub"), early);
        RateLimitReading late = early;
        late.remaining = 12;
        late.observedAt = early.observedAt.addSecs(30);
        FigureTables(store).recordRateLimit(1, QStringLiteral("dockerhub"), late);
        return registryStatuses(FigureTables(store).registries(), FigureTables(store).latestRegistryStats(),
                                FigureTables(store).rateLimits());
    }

private Q_SLOTS:
    void joinsTheLatestFiguresOfEachRegistry()
    {
        const QList<RegistryStatus> s = fromStore();
        QCOMPARE(s.size(), 5);
        QMap<QString, RegistryStatus> by;
        for (const RegistryStatus &r : s)
            by.insert(r.name, r);
        QCOMPARE(by.value(QStringLiteral("china")).stats->scan, 2); // the quick round is the latest
        QCOMPARE(by.value(QStringLiteral("china")).stats->latencyMsAvg, 80);
        QCOMPARE(by.value(QStringLiteral("china")).of, QStringLiteral("gsoci"));
        QCOMPARE(by.value(QStringLiteral("gsoci")).stats->scan, 1);
        QVERIFY(!by.value(QStringLiteral("cache")).stats); // never scanned
        QCOMPARE(by.value(QStringLiteral("dockerhub")).budget->remaining, 12); // the last reading
        QVERIFY(!by.value(QStringLiteral("gsoci")).budget);

        QCOMPARE(registryHealth(by.value(QStringLiteral("dockerhub"))), QStringLiteral("warning")); // 12 of 100 left
        QCOMPARE(registryHealth(by.value(QStringLiteral("gsoci"))), QStringLiteral("warning")); // 3 failures
        QCOMPARE(registryHealth(by.value(QStringLiteral("china"))), QStringLiteral("ok"));
        QCOMPARE(registryHealth(by.value(QStringLiteral("old-acr"))), QStringLiteral("failing"));
        QCOMPARE(registryHealth(by.value(QStringLiteral("cache"))), QStringLiteral("unknown"));

        // It answers (a 401, a 404 per repository), but no listing could be read: an outage,
        // not a warning; the window colours it and the terminal styles it as an error.
        RegistryStatus down = by.value(QStringLiteral("china"));
        down.stats->listings = 10;
        down.stats->listingsFailed = 10;
        QCOMPARE(registryHealth(down), QStringLiteral("failing"));
        QCOMPARE(registryHealthSeverity(registryHealth(down)), Severity::Error);
        QCOMPARE(registryHealthSeverity(QStringLiteral("warning")), Severity::Warning);
        QCOMPARE(registryHealthSeverity(QStringLiteral("unknown")), Severity::Muted);
        RegistriesModel model;
        model.setStatuses({down});
        QCOMPARE(model.index(0, RegistriesModel::ReachableColumn).data().toString(), QStringLiteral("failing: all 10 listings failed"));
        QCOMPARE(model.index(0, RegistriesModel::ReachableColumn).data(Qt::BackgroundRole).value<QBrush>().color(),
                 severityColour(Severity::Error));
    }

    // The pulls the copies not done yet need at a source, against its budget: one text for the
    // Registries page, the terminal and copy plan. Done items and rejected batches need none.
    void copiesNeedPullsAgainstTheBudget()
    {
        fromStore(); // dockerhub: 12 of 100 left per 6 h
        Store store(m_dir.filePath(QStringLiteral("registries.db")));
        QString err;
        QVERIFY2(store.open(&err), qPrintable(err));
        CopyStore copies(store);
        auto batch = [](const QList<std::pair<int, QString>> &items) {
            CopyBatch b;
            b.createdAt = QDateTime::currentDateTimeUtc();
            b.sourceRegistry = QStringLiteral("dockerhub");
            b.targetRegistry = QStringLiteral("gsoci");
            b.repository = QStringLiteral("giantswarm/app");
            b.status = batchstatus::Planned;
            for (const auto &[pulls, tag] : items) {
                CopyItem i;
                i.seq = int(b.items.size()) + 1;
                i.tag = tag;
                i.digest = QStringLiteral("sha256:%1").arg(i.seq, 64, 10, QLatin1Char('0'));
                i.pulls = pulls;
                b.items << i;
            }
            b.hash = b.recomputedHash();
            return b;
        };
        CopyBatch waiting = batch({{20, QStringLiteral("1.0.0")}, {24, QStringLiteral("1.1.0")}});
        CopyBatch half = batch({{3, QStringLiteral("2.0.0")}, {4, QStringLiteral("2.1.0")}});
        CopyBatch rejected = batch({{50, QStringLiteral("3.0.0")}});
        QVERIFY(copies.addBatch(&waiting) && copies.addBatch(&half) && copies.addBatch(&rejected));
        QVERIFY(copies.setStatus(rejected.id, batchstatus::Rejected) && copies.setStatus(half.id, batchstatus::Executing));
        const qint64 run = copies.beginRun(half.id, false, QStringLiteral("lead"));
        QVERIFY(copies.journal(run, false, half.id, 1, copystate::Copied, 0, QStringLiteral("copied")));
        const RegistriesRead read = readRegistries(store, QDateTime());
        QMap<QString, RegistryStatus> by;
        for (const RegistryStatus &r : read.statuses)
            by.insert(r.name, r);
        QCOMPARE(by.value(QStringLiteral("dockerhub")).pullsNeeded, 20 + 24 + 4);
        QCOMPARE(copyBudgetText(by.value(QStringLiteral("dockerhub"))),
                 QStringLiteral("copies not done: 48 pulls needed, 12 of 100 left; at 100 per 6 h the rest takes about 2.2 h"));
        QVERIFY(copyBudgetText(by.value(QStringLiteral("gsoci"))).isEmpty());
        QCOMPARE(pullsAgainstBudgetText(5, 12, 100, 21600), QStringLiteral("5 pulls needed, 12 of 100 left"));
        QCOMPARE(pullsAgainstBudgetText(5, -1, -1, -1), QStringLiteral("5 pulls needed, the budget not reported"));
    }

    void modelAndProxyPassTheTesterAndSort()
    {
        RegistriesModel model;
        QSortFilterProxyModel proxy;
        proxy.setSortRole(RegistriesModel::SortRole);
        proxy.setSourceModel(&model);
        QAbstractItemModelTester t1(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester t2(&proxy, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setStatuses(fromStore());
        QCOMPARE(model.rowCount(), 5);
        QCOMPARE(model.columnCount(), int(RegistriesModel::NumColumns));
        QCOMPARE(column(model, RegistriesModel::NameColumn),
                 (QStringList{QStringLiteral("dockerhub"), QStringLiteral("gsoci"), QStringLiteral("china"), QStringLiteral("cache"),
                              QStringLiteral("old-acr")}));
        QCOMPARE(column(model, RegistriesModel::RoleColumn).at(2), QStringLiteral("replica of gsoci"));
        QCOMPARE(column(model, RegistriesModel::ReachableColumn),
                 (QStringList{QStringLiteral("reachable"), QStringLiteral("reachable, 1 of 10 listings failed"),
                              QStringLiteral("reachable"), QStringLiteral("not scanned"), QStringLiteral("unreachable")}));
        QCOMPARE(column(model, RegistriesModel::LatencyColumn).at(0), QStringLiteral("35 ms"));
        QCOMPARE(column(model, RegistriesModel::ErrorRateColumn).at(1), QStringLiteral("1.0 % (3)"));
        QCOMPARE(column(model, RegistriesModel::BudgetColumn).at(0), QStringLiteral("12 of 100 left per 6h00m"));
        // The tooltip of a failing registry says what failed and what to do.
        const QString tip = model.index(4, RegistriesModel::ReachableColumn).data(Qt::ToolTipRole).toString();
        QVERIFY2(tip.contains(QStringLiteral("Connection refused")) && tip.contains(QStringLiteral("address")), qPrintable(tip));

        proxy.sort(RegistriesModel::LatencyColumn, Qt::DescendingOrder);
        QCOMPARE(column(proxy, RegistriesModel::NameColumn).mid(0, 3),
                 (QStringList{QStringLiteral("china"), QStringLiteral("dockerhub"), QStringLiteral("gsoci")}));
        proxy.sort(RegistriesModel::ReachableColumn, Qt::AscendingOrder); // by health name: failing, ok, unknown, warning
        QCOMPARE(column(proxy, RegistriesModel::NameColumn).first(), QStringLiteral("old-acr"));
        model.setStatuses({});
        QCOMPARE(proxy.rowCount(), 0);
    }

    void adviceFollowsTheErrorKind()
    {
        QVERIFY(RegistryError::adviceForText(QStringLiteral("unauthorized (HTTP 401): no token")).contains(QStringLiteral("credentials")));
        QVERIFY(RegistryError::adviceForText(QStringLiteral("team/app: rate limited (HTTP 429 TOOMANYREQUESTS)"))
                    .contains(QStringLiteral("throttling")));
        QVERIFY(RegistryError::adviceForText(QStringLiteral("registry error (HTTP 503)")).contains(QStringLiteral("5xx")));
        QVERIFY(RegistryError::adviceForText(QStringLiteral("TLS error: self-signed certificate")).contains(QStringLiteral("certificate")));
        QVERIFY(RegistryError::adviceForText(QStringLiteral("something else entirely")).isEmpty());
    }
};

FERRY_TEST_MAIN(TestRegistriesModel)
#include "tst_registriesmodel.moc"
