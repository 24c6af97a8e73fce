// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "parse/semver.h"
#include "report/progress.h"
#include "report/report.h"
#include "store/figuretables.h"
#include "store/historytables.h"
#include "store/matrixtables.h"
#include "syncmatrixmodel.h"
#include "testmain.h"

#include <QAbstractItemModelTester>

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimeZone>

#include <numeric>

using namespace ferry;

namespace {

MatrixRow row(const QString &repo, const QString &tag, const QString &state, const QString &gsociState, const QString &digest = {})
{
    MatrixRow r;
    r.repository = repo;
    r.tag = tag;
    r.state = state;
    r.reason = state == u"missing" ? QStringLiteral("gsoci: not copied to gsoci yet") : QString();
    r.cells.insert(QStringLiteral("gsoci"), MatrixCell{digest, gsociState, {}, {}, {}, {}});
    r.cells.insert(QStringLiteral("dockerhub"), MatrixCell{digest, QStringLiteral("present"), {}, {}, {}, {}});
    return r;
}

QStringList column(const QAbstractItemModel &m, int col)
{
    QStringList out;
    for (int r = 0; r < m.rowCount(); ++r)
        out << m.index(r, col).data().toString();
    return out;
}

} // namespace

class TestSyncMatrixModel : public QObject
{
    Q_OBJECT
private:
    QList<MatrixRow> sample()
    {
        return {
            row(QStringLiteral("giantswarm/app-operator"), QStringLiteral("6.0.0"), QStringLiteral("synced"), QStringLiteral("synced"),
                QStringLiteral("sha256:") + QString(64, u'a')),
            row(QStringLiteral("giantswarm/app-operator"), QStringLiteral("6.1.0"), QStringLiteral("missing"), QStringLiteral("missing")),
            row(QStringLiteral("giantswarm/kubectl"), QStringLiteral("1.28.0"), QStringLiteral("drifted"), QStringLiteral("drifted"),
                QStringLiteral("sha256:") + QString(64, u'b')),
            row(QStringLiteral("giantswarm/alpine"), QStringLiteral("3.18"), QStringLiteral("lagging"), QStringLiteral("synced"),
                QStringLiteral("sha256:") + QString(64, u'c'))};
    }

private Q_SLOTS:
    // The window reads the store's matrix straight from SQLite's UTF-8 into the compact form
    // (CompactMatrix::fromStore): each row must come back as the store's own reading gives
    // it, whatever its text (non-ASCII names, a digest that is not canonical sha256, no
    // cells, empty fields, times to the millisecond).
    void compactMatrixReadsTheStoreAsWritten()
    {
        QTemporaryDir dir;
        Store store(dir.filePath(QStringLiteral("m.db")));
        QString err;
        QVERIFY2(store.open(&err), qPrintable(err));
        const QDateTime t1(QDate(2026, 11, 1), QTime(10, 0, 0, 123), QTimeZone::utc());
        const QString index = QStringLiteral("application/vnd.oci.image.index.v1+json");
        MatrixRow a{QString::fromUtf8("giantswarm/\u00fcn\u00efcode"),
                    QString::fromUtf8("1.0-\u03b2"),
                    QStringLiteral("drifted"),
                    QString::fromUtf8("dockerhub: another digest \u2713"),
                    true,
                    {}};
        a.cells.insert(QStringLiteral("gsoci"),
                       MatrixCell{QStringLiteral("sha256:") + QString(64, u'a'), QStringLiteral("synced"), {}, index, t1, t1.addSecs(60)});
        a.cells.insert(
            QStringLiteral("dockerhub"),
            MatrixCell{QStringLiteral("sha256:") + QString(64, u'b'), QStringLiteral("drifted"), QStringLiteral("other"), index, t1, t1});
        a.cells.insert(QStringLiteral("china"),
                       MatrixCell{QStringLiteral("sha512:") + QString(128, u'c'), QStringLiteral("missing"), {}, {}, {}, {}});
        MatrixRow b{a.repository, QStringLiteral("latest"), QStringLiteral("synced"), {}, true, {}};
        b.cells.insert(QStringLiteral("quay"),
                       MatrixCell{QStringLiteral("sha256:") + QString(64, u'A'), QStringLiteral("synced"), {}, index, t1, t1});
        b.cells.insert(QStringLiteral("gsoci"),
                       MatrixCell{QStringLiteral("sha256:") + QString(64, u'A'), QStringLiteral("synced"), {}, index, t1, t1});
        const MatrixRow c{QStringLiteral("other"), QStringLiteral("x"), QStringLiteral("unknown"), {}, false, {}};
        const qint64 scan = HistoryTables(store).beginScan(QStringLiteral("p.yaml"), t1);
        QVERIFY2(MatrixTables(store).writeMatrix(scan, {c, b, a}, {a.repository, c.repository}), qPrintable(store.lastError()));

        QList<MatrixRow> stored;
        MatrixTables(store).forEachMatrixRow([&stored](MatrixRow &&r) {
            stored << r;
            return true;
        });
        QCOMPARE(stored, (QList<MatrixRow>{a, b, c}));
        const CompactMatrix m = CompactMatrix::fromStore(store);
        QCOMPARE(m.size(), 3);
        for (int i = 0; i < m.size(); ++i)
            QCOMPARE(m.row(i), stored.at(i));
        QCOMPARE(m.registryNames().size(), 4);
    }

    // The Overview's figures come from the window's snapshot of the matrix (collectProgress
    // fed by CompactMatrix::tally), reports' from the store's rows (collectReport): one set
    // of rules, so both must give the same stages and counts, every stage kind included.
    void progressFromTheSnapshotIsTheReports()
    {
        QTemporaryDir dir;
        Store store(dir.filePath(QStringLiteral("p.db")));
        QString err;
        QVERIFY2(store.open(&err), qPrintable(err));
        QVERIFY(FigureTables(store).recordRegistries({{QStringLiteral("dockerhub"), QStringLiteral("source"), {}, 0},
                                                      {QStringLiteral("gsoci"), QStringLiteral("target"), {}, 0},
                                                      {QStringLiteral("china"), QStringLiteral("replica"), QStringLiteral("gsoci"), 60},
                                                      {QStringLiteral("cache"), QStringLiteral("cache"), QStringLiteral("gsoci"), 0},
                                                      {QStringLiteral("old"), QStringLiteral("legacy"), {}, 0}}));
        const auto dg = [](char c) -> QString { return QStringLiteral("sha256:") + QString(64, QLatin1Char(c)); };
        const auto mk = [](const QString &tag, const char *state, bool inPlan,
                           const QList<std::tuple<const char *, const char *, QString>> &cells) {
            MatrixRow r{QStringLiteral("giantswarm/app"), tag, QLatin1String(state), {}, inPlan, {}};
            for (const auto &[registry, cellState, digest] : cells)
                r.cells.insert(QLatin1String(registry), MatrixCell{digest, QLatin1String(cellState), {}, {}, {}, {}});
            return r;
        };
        const QList<MatrixRow> rows = {
            mk(QStringLiteral("1"), "synced", true,
               {{"dockerhub", "synced", dg('a')},
                {"gsoci", "synced", dg('a')},
                {"china", "synced", dg('a')},
                {"cache", "present", dg('a')},
                {"old", "absent", {}}}),
            mk(QStringLiteral("2"), "missing", true,
               {{"dockerhub", "synced", dg('b')}, {"gsoci", "missing", {}}, {"old", "present", dg('b')}}),
            mk(QStringLiteral("3"), "lagging", true,
               {{"dockerhub", "synced", dg('c')}, {"gsoci", "synced", dg('c')}, {"china", "lagging", dg('d')}, {"cache", "absent", {}}}),
            mk(QStringLiteral("4"), "synced", false, {{"gsoci", "synced", dg('e')}, {"china", "unknown", {}}, {"old", "unknown", {}}}),
        };
        QVERIFY(MatrixTables(store).writeMatrix(HistoryTables(store).beginScan(QStringLiteral("p.yaml"), QDateTime::currentDateTimeUtc()),
                                                rows, {QStringLiteral("giantswarm/app")}));
        const QDateTime since = QDateTime::fromMSecsSinceEpoch(0, QTimeZone::utc());
        const ReportData fromStore = collectReport(store, since, 0, ReportScope::Progress);
        const CompactMatrix m = CompactMatrix::fromStore(store);
        const ReportData fromSnapshot = collectProgress(store, since, [&m](ProgressTally &t) { m.tally(&t); });
        const auto texts = [](const ReportData &d) {
            QStringList out;
            for (const StageProgress &st : d.stages)
                out << QStringLiteral("%1 | %2/%3 | unknown %4 (%5) | %6 | %7")
                           .arg(st.stage)
                           .arg(st.done)
                           .arg(st.total)
                           .arg(st.unknown)
                           .arg(st.unknownWhy, st.registry, st.openStates.join(u','));
            return out;
        };
        QCOMPARE(texts(fromSnapshot), texts(fromStore));
        QCOMPARE(fromSnapshot.rowsByState, fromStore.rowsByState);
        QCOMPARE(fromSnapshot.cellsByRegistry, fromStore.cellsByRegistry);
        QCOMPARE(fromSnapshot.registryRoles, fromStore.registryRoles);
        // And the figures themselves: stage 1, the cache, the replica, the legacy registry.
        const QStringList stages = texts(fromSnapshot);
        QCOMPARE(stages.size(), 4);
        QVERIFY2(stages.at(0).contains(QStringLiteral("| 2/3 | unknown 0")), qPrintable(stages.at(0)));
        QVERIFY2(stages.at(1).contains(QStringLiteral("cache | 1/3 |")), qPrintable(stages.at(1)));
        QVERIFY2(stages.at(2).contains(QStringLiteral("china | 1/3 | unknown 1")), qPrintable(stages.at(2)));
        QVERIFY2(stages.at(3).contains(QStringLiteral("| 1/3 | unknown 1")), qPrintable(stages.at(3)));
        QCOMPARE(fromSnapshot.rowsByState.value(QStringLiteral("synced")), 2);
        QCOMPARE(fromSnapshot.cellsByRegistry.value(QStringLiteral("china")).value(QStringLiteral("unknown")), 1);
    }

    void columnsAndCells()
    {
        SyncMatrixModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMatrix(sample(), {QStringLiteral("dockerhub"), QStringLiteral("gsoci")});
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.columnCount(), 5);
        QCOMPARE(model.headerData(3, Qt::Horizontal).toString(), QStringLiteral("dockerhub"));
        QCOMPARE(model.headerData(4, Qt::Horizontal).toString(), QStringLiteral("gsoci"));
        const QModelIndex cell = model.index(0, 4);
        QCOMPARE(cell.data().toString(), QStringLiteral("synced  aaaaaaaaaaaa"));
        QCOMPARE(cell.data(SyncMatrixModel::DigestRole).toString(), QStringLiteral("sha256:") + QString(64, u'a'));
        QCOMPARE(cell.data(SyncMatrixModel::RegistryRole).toString(), QStringLiteral("gsoci"));
        QVERIFY(cell.data(Qt::ToolTipRole).toString().contains(QStringLiteral("gsoci: synced")));
        QCOMPARE(model.index(1, 4).data().toString(), QStringLiteral("missing"));
        QCOMPARE(model.index(1, SyncMatrixModel::StateColumn).data(Qt::ToolTipRole).toString(),
                 QStringLiteral("gsoci: not copied to gsoci yet"));
        QVERIFY(model.index(1, SyncMatrixModel::StateColumn).data(Qt::BackgroundRole).isValid());
        QCOMPARE(model.countsByState().value(QStringLiteral("missing")), 1);
    }

    void filterByTextAndState()
    {
        SyncMatrixModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMatrix(sample());
        model.setFilter(QStringLiteral("APP-OP"));
        QCOMPARE(column(model, SyncMatrixModel::TagColumn), (QStringList{QStringLiteral("6.0.0"), QStringLiteral("6.1.0")}));
        model.setFilter(QStringLiteral("app-operator:6.1"));
        QCOMPARE(column(model, SyncMatrixModel::TagColumn), QStringList{QStringLiteral("6.1.0")});
        model.setFilter(QStringLiteral("3.18"));
        QCOMPARE(column(model, SyncMatrixModel::RepositoryColumn), QStringList{QStringLiteral("giantswarm/alpine")});
        model.setFilter(QString(), {QStringLiteral("missing"), QStringLiteral("drifted")});
        QCOMPARE(model.rowCount(), 2);
        model.setFilter(QStringLiteral("kubectl"), {QStringLiteral("missing")});
        QCOMPARE(model.rowCount(), 0);
        model.setFilter(QString());
        QCOMPARE(model.rowCount(), 4);
        QCOMPARE(model.totalRows(), 4);
    }

    // Live batches during a scan: replaced and new rows land where filter and sort put them,
    // the selection follows its row, and a batch with a new registry resets the columns.
    void liveBatchesKeepFilterSortAndSelection()
    {
        SyncMatrixModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMatrix(sample(), {QStringLiteral("dockerhub"), QStringLiteral("gsoci")});
        model.setFilter(QStringLiteral("giantswarm"));
        model.sort(SyncMatrixModel::StateColumn, Qt::DescendingOrder); // worst first
        QPersistentModelIndex selected = model.index(int(column(model, SyncMatrixModel::TagColumn).indexOf(QStringLiteral("3.18"))), 0);
        QVERIFY(selected.isValid());
        QSignalSpy reset(&model, &QAbstractItemModel::modelReset);
        QSignalSpy layout(&model, &QAbstractItemModel::layoutChanged);
        // 6.1.0 got copied (missing -> synced); a new drifted tag and a new synced one appear.
        model.upsertRows({row(QStringLiteral("giantswarm/app-operator"), QStringLiteral("6.1.0"), QStringLiteral("synced"),
                              QStringLiteral("synced"), QStringLiteral("sha256:") + QString(64, u'd')),
                          row(QStringLiteral("giantswarm/app-operator"), QStringLiteral("6.2.0"), QStringLiteral("drifted"),
                              QStringLiteral("drifted"), QStringLiteral("sha256:") + QString(64, u'e')),
                          row(QStringLiteral("other/thing"), QStringLiteral("1.0"), QStringLiteral("synced"), QStringLiteral("synced"))});
        QCOMPARE(reset.size(), 0);
        QCOMPARE(layout.size(), 1);
        QCOMPARE(model.totalRows(), 6);
        QCOMPARE(model.rowCount(), 5); // other/thing is filtered out
        QCOMPARE(column(model, SyncMatrixModel::StateColumn),
                 (QStringList{QStringLiteral("drifted"), QStringLiteral("drifted"), QStringLiteral("lagging"), QStringLiteral("synced"),
                              QStringLiteral("synced")}));
        QVERIFY(selected.isValid());
        QCOMPARE(model.index(selected.row(), SyncMatrixModel::TagColumn).data().toString(), QStringLiteral("3.18"));
        QCOMPARE(model.countsByState().value(QStringLiteral("missing")), 0);
        // The same batch again changes nothing but the layout signal.
        model.upsertRows({row(QStringLiteral("giantswarm/app-operator"), QStringLiteral("6.2.0"), QStringLiteral("drifted"),
                              QStringLiteral("drifted"), QStringLiteral("sha256:") + QString(64, u'e'))});
        QCOMPARE(model.totalRows(), 6);
        // A registry without a column: reset, the column added, the rows kept.
        MatrixRow withReplica =
            row(QStringLiteral("giantswarm/kubectl"), QStringLiteral("1.28.0"), QStringLiteral("lagging"), QStringLiteral("synced"));
        withReplica.cells.insert(QStringLiteral("china"), MatrixCell{{}, QStringLiteral("lagging"), {}, {}, {}, {}});
        model.upsertRows({withReplica});
        QCOMPARE(reset.size(), 1);
        QCOMPARE(model.columnCount(), 6);
        QCOMPARE(model.totalRows(), 6);
        QCOMPARE(model.headerData(5, Qt::Horizontal).toString(), QStringLiteral("china"));
    }

    void sortWorstFirstKeepsSelection()
    {
        SyncMatrixModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::QtTest);
        model.setMatrix(sample());
        QPersistentModelIndex kubectl(model.index(2, SyncMatrixModel::TagColumn));
        model.sort(SyncMatrixModel::StateColumn, Qt::DescendingOrder);
        QCOMPARE(column(model, SyncMatrixModel::StateColumn),
                 (QStringList{QStringLiteral("drifted"), QStringLiteral("missing"), QStringLiteral("lagging"), QStringLiteral("synced")}));
        QCOMPARE(kubectl.row(), 0);
        QCOMPARE(kubectl.data().toString(), QStringLiteral("1.28.0"));
        model.sort(SyncMatrixModel::RepositoryColumn, Qt::AscendingOrder);
        QCOMPARE(column(model, SyncMatrixModel::RepositoryColumn).constFirst(), QStringLiteral("giantswarm/alpine"));
        QCOMPARE(model.rowAt(0)->tag, QStringLiteral("3.18"));
        // The sort survives a filter change.
        model.setFilter(QStringLiteral("app"));
        QCOMPARE(column(model, SyncMatrixModel::TagColumn), (QStringList{QStringLiteral("6.0.0"), QStringLiteral("6.1.0")}));
        model.sort(4, Qt::DescendingOrder); // gsoci cell state
        QCOMPARE(model.index(0, 4).data(SyncMatrixModel::StateRole).toString(), QStringLiteral("missing"));
        QVERIFY(!model.rowAt(99));
    }

    // Tags sort as versions: 1.9.0 before 1.10.0, a prerelease before its release, a release
    // before a longer one; names with numbers by the number (app-2 before app-10).
    void tagsSortAsVersions()
    {
        const QStringList tags{QStringLiteral("1.10.0"),      QStringLiteral("1.9.0"),      QStringLiteral("1.0.0"),
                               QStringLiteral("1.0.0-rc.10"), QStringLiteral("1.0.0-rc.2"), QStringLiteral("1.0.0.1"),
                               QStringLiteral("latest"),      QStringLiteral("v2.0.0")};
        QList<MatrixRow> rows;
        for (const QString &t : tags)
            rows << row(QStringLiteral("team/app"), t, QStringLiteral("synced"), QStringLiteral("synced"));
        rows << row(QStringLiteral("team/app-10"), QStringLiteral("1"), QStringLiteral("synced"), QStringLiteral("synced"))
             << row(QStringLiteral("team/app-2"), QStringLiteral("1"), QStringLiteral("synced"), QStringLiteral("synced"));
        SyncMatrixModel model;
        model.setMatrix(rows);
        model.setFilter(QStringLiteral("team/app"));
        model.sort(SyncMatrixModel::TagColumn, Qt::AscendingOrder);
        QStringList shown = column(model, SyncMatrixModel::TagColumn);
        shown.removeAll(QStringLiteral("1"));
        QCOMPARE(
            shown,
            (QStringList{QStringLiteral("1.0.0-rc.2"), QStringLiteral("1.0.0-rc.10"), QStringLiteral("1.0.0"), QStringLiteral("1.0.0.1"),
                         QStringLiteral("1.9.0"), QStringLiteral("1.10.0"), QStringLiteral("latest"), QStringLiteral("v2.0.0")}));
        model.setFilter({});
        model.sort(SyncMatrixModel::RepositoryColumn, Qt::AscendingOrder);
        QCOMPARE(column(model, SyncMatrixModel::RepositoryColumn).mid(8),
                 (QStringList{QStringLiteral("team/app-2"), QStringLiteral("team/app-10")}));
    }

    // Sorting many rows (the radix sort over integer keys) gives what a plain stable sort of
    // the displayed values gives, ascending and descending, with rows among equals in the
    // matrix's order, for the repository, the tag, the state and a registry's cells.
    void sortOfManyRowsMatchesAStableSort()
    {
        QList<MatrixRow> rows;
        const QStringList states{QStringLiteral("synced"), QStringLiteral("missing"), QStringLiteral("drifted"), QStringLiteral("lagging")};
        quint32 seed = 7;
        const auto next = [&seed] { return seed = seed * 1103515245u + 12345u, (seed >> 8) & 0xffff; };
        for (int i = 0; i < 3000; ++i) {
            MatrixRow r = row(QStringLiteral("team/r%1").arg(next() % 40), QStringLiteral("t%1").arg(next() % 500), states[next() % 4],
                              states[next() % 4], QStringLiteral("sha256:%1").arg(next() % 300, 64, 10, QLatin1Char('0')));
            r.reason = QString::number(i); // the matrix order, to check ties
            if (next() % 10 == 0)
                r.cells.remove(QStringLiteral("gsoci")); // no cell: sorts first
            rows << r;
        }
        SyncMatrixModel model;
        model.setMatrix(rows, {QStringLiteral("gsoci"), QStringLiteral("dockerhub")});
        const int gsoci = SyncMatrixModel::NumFixedColumns;
        for (const int col :
             {int(SyncMatrixModel::RepositoryColumn), int(SyncMatrixModel::TagColumn), int(SyncMatrixModel::StateColumn), gsoci}) {
            for (const Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                // The reference: the displayed text (repository then tag; state rank; state rank then digest).
                QList<int> expected(rows.size());
                std::iota(expected.begin(), expected.end(), 0);
                // Names and tags as people read them (r9 before r10), the text breaking ties.
                const auto readable = [](const QString &text) -> QString {
                    return QString::fromLatin1(versionSortKey(text).toHex()) + QChar(1) + text;
                };
                const auto key = [&](int i) -> std::pair<QString, QString> {
                    const MatrixRow &r = rows[i];
                    if (col == SyncMatrixModel::RepositoryColumn)
                        return {readable(r.repository), readable(r.tag)};
                    if (col == SyncMatrixModel::TagColumn)
                        return {readable(r.tag), {}};
                    if (col == SyncMatrixModel::StateColumn)
                        return {QString::number(SyncMatrixModel::stateRank(r.state) + 1).rightJustified(3, u'0'), {}};
                    if (!r.cells.contains(QStringLiteral("gsoci")))
                        return {QStringLiteral("000"), {}};
                    const MatrixCell &c = r.cells[QStringLiteral("gsoci")];
                    return {QString::number(SyncMatrixModel::stateRank(c.state) + 1).rightJustified(3, u'0'), c.digest};
                };
                std::stable_sort(expected.begin(), expected.end(),
                                 [&](int a, int b) { return order == Qt::AscendingOrder ? key(a) < key(b) : key(b) < key(a); });
                model.sort(col, order);
                QList<int> actual;
                for (int r = 0; r < model.rowCount(); ++r)
                    actual << model.rowAt(r)->reason.toInt();
                if (col == gsoci) {
                    // Digests sort by the matrix's own number for them, not by their text:
                    // compare state ranks and that equal digests sit together.
                    for (int r = 0; r < actual.size(); ++r)
                        QCOMPARE(key(actual[r]).first, key(expected[r]).first);
                    continue;
                }
                QCOMPARE(actual, expected);
            }
        }
        // Typing a filter into a sorted matrix (each key narrows the rows already shown, in
        // their order) and erasing it again show what a fresh filter and sort show.
        model.sort(SyncMatrixModel::StateColumn, Qt::DescendingOrder);
        const QString typed = QStringLiteral("R1:t1");
        QStringList steps;
        for (int n = 1; n <= typed.size(); ++n)
            steps << typed.left(n);
        for (int n = typed.size() - 1; n >= 0; --n)
            steps << typed.left(n);
        steps << QStringLiteral("t4") << QStringLiteral("t42") << QStringLiteral("r3:t42") << QStringLiteral("missing") << QString();
        for (const QString &text : std::as_const(steps)) {
            // "missing": the state filter instead of text; then clearing both restores every row.
            const QStringList only = text == u"missing" ? QStringList{text} : QStringList();
            model.setFilter(only.isEmpty() ? text : QString(), only);
            SyncMatrixModel fresh;
            fresh.setMatrix(rows, {QStringLiteral("gsoci"), QStringLiteral("dockerhub")});
            fresh.sort(SyncMatrixModel::StateColumn, Qt::DescendingOrder);
            fresh.setFilter(only.isEmpty() ? text : QString(), only);
            QCOMPARE(model.rowCount(), fresh.rowCount());
            for (int r = 0; r < model.rowCount(); ++r)
                QCOMPARE(model.rowAt(r)->reason, fresh.rowAt(r)->reason);
        }
    }
};

FERRY_TEST_MAIN_GUI(TestSyncMatrixModel)
#include "tst_syncmatrixmodel.moc"
