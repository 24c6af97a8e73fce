// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

#include "syncmatrixmodel.h"
#include "testmain.h"

#include <QAbstractItemModelTester>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTimeZone>

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
        const qint64 scan = store.beginScan(QStringLiteral("p.yaml"), t1);
        QVERIFY2(store.writeMatrix(scan, {c, b, a}, {a.repository, c.repository}), qPrintable(store.lastError()));

        QList<MatrixRow> stored;
        store.forEachMatrixRow([&stored](MatrixRow &&r) {
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
};

FERRY_TEST_MAIN_GUI(TestSyncMatrixModel)
#include "tst_syncmatrixmodel.moc"
