// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// Batches of every kind under one set of rules (backend/ops): which may be approved, rejected
// or executed, which one a face shows first and how a status reads; and ferryctl batch, which
// lists every kind and decides any batch by KIND:N through its kind's own command.

#include "cleanup/cleanupengine.h"
#include "cleanup/cleanupstore.h"
#include "cli/commands.h"
#include "copy/copyengine.h"
#include "core/batches.h"
#include "core/batchreads.h"
#include "core/workspace.h"
#include "ops/batchexecution.h"
#include "testmain.h"
#include "teststore.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace ferry;

namespace {

QString digestOf(int n)
{
    return QStringLiteral("sha256:%1").arg(n, 64, 10, QLatin1Char('0'));
}

struct Ran
{
    int exitCode = -1;
    QString out;
    QString err;
};

Ran ferryctl(const QStringList &args)
{
    Ran r;
    QTextStream out(&r.out), err(&r.err);
    r.exitCode = cli::runFerryctl(QStringList{QStringLiteral("ferryctl")} + args, out, err);
    out.flush();
    err.flush();
    return r;
}

CleanupBatch cleanupBatch()
{
    CleanupBatch b;
    b.createdAt = b.listedAt = QDateTime::currentDateTimeUtc();
    b.plan = QStringLiteral("p.yaml");
    b.registry = QStringLiteral("dockerhub");
    b.repository = QStringLiteral("giantswarm/old");
    b.policies = QStringLiteral("dev-builds");
    b.listingComplete = true;
    CleanupItem item;
    item.seq = 1;
    item.action = QStringLiteral("delete");
    item.digest = digestOf(1);
    item.tags = {QStringLiteral("0.1.0-dev")};
    item.policy = QStringLiteral("dev-builds");
    item.reason = QStringLiteral("dev build");
    b.items = {item};
    b.hash = batchHash(b.content());
    return b;
}

CopyBatch copyBatch()
{
    CopyBatch b;
    b.createdAt = QDateTime::currentDateTimeUtc();
    b.plan = QStringLiteral("p.yaml");
    b.sourceRegistry = QStringLiteral("dockerhub");
    b.targetRegistry = QStringLiteral("gsoci");
    b.repository = QStringLiteral("giantswarm/app");
    b.scan = 1;
    b.status = batchstatus::Planned;
    CopyItem item;
    item.seq = 1;
    item.sourceRepository = b.repository;
    item.tag = QStringLiteral("1.0.0");
    item.digest = digestOf(2);
    b.items = {item};
    b.hash = b.recomputedHash();
    return b;
}

} // namespace

class TestBatches : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    // The status part of every decision is one rule for both kinds: a rejection is final, only a
    // planned batch is approved, altered content is refused, only approved content runs.
    void oneRuleForEveryKind()
    {
        CleanupBatch c = cleanupBatch();
        c.id = 4;
        c.deleteCount = 1;
        CopyBatch k = copyBatch();
        k.id = 4;
        QVERIFY2(approvalBlocker(c).isEmpty(), qPrintable(approvalBlocker(c)));
        QVERIFY2(copyApprovalBlocker(k).isEmpty(), qPrintable(copyApprovalBlocker(k)));
        for (const QString &status :
             {batchstatus::Rejected, batchstatus::Approved, batchstatus::Executing, batchstatus::Executed, batchstatus::Superseded}) {
            c.status = k.status = status;
            QVERIFY2(!approvalBlocker(c).isEmpty() && !copyApprovalBlocker(k).isEmpty(), qPrintable(status));
            if (status == batchstatus::Rejected) {
                c.decidedBy = k.decidedBy = QStringLiteral("Grace");
                QVERIFY2(approvalBlocker(c).contains(QStringLiteral("a rejection is final")), qPrintable(approvalBlocker(c)));
                QVERIFY2(copyApprovalBlocker(k).contains(QStringLiteral("a rejection is final")) &&
                             copyApprovalBlocker(k).contains(QStringLiteral("Grace")),
                         qPrintable(copyApprovalBlocker(k)));
            }
            const bool rejectable = status == batchstatus::Approved;
            QCOMPARE(batchRejectionBlocker(cleanupBatchKind(), batchFacts(c)).isEmpty(), rejectable);
            QCOMPARE(copyRejectionBlocker(k).isEmpty(), rejectable);
        }
        // Altered after planning: neither kind approves or runs it.
        c.status = k.status = batchstatus::Planned;
        c.items[0].digest = digestOf(9);
        k.items[0].digest = digestOf(9);
        QVERIFY2(approvalBlocker(c).contains(QStringLiteral("altered")), qPrintable(approvalBlocker(c)));
        QVERIFY2(copyApprovalBlocker(k).contains(QStringLiteral("altered")), qPrintable(copyApprovalBlocker(k)));
        QVERIFY(copyExecutionBlocker(k, true).contains(QStringLiteral("altered")));
        // Approved as other content, rejected or superseded: never runs, not even as a dry run when final.
        k = copyBatch();
        k.id = 4;
        k.status = batchstatus::Approved;
        k.decidedHash = QStringLiteral("sha256:other");
        QVERIFY2(copyExecutionBlocker(k, false).contains(QStringLiteral("approved as")), qPrintable(copyExecutionBlocker(k, false)));
        k.decidedHash = k.hash;
        QVERIFY(copyExecutionBlocker(k, false).isEmpty());
        k.status = batchstatus::Executed; // a copy batch runs again for its failed items; a cleanup batch is done
        QVERIFY(copyExecutionBlocker(k, false).isEmpty());
        BatchFacts f = batchFacts(k);
        QVERIFY(!batchExecutionBlocker(cleanupBatchKind(), f, false).isEmpty());
        k.status = batchstatus::Rejected;
        QVERIFY(copyExecutionBlocker(k, true).contains(QStringLiteral("never executed")));
    }

    // Which batch a face shows first, and how a status reads, are the same in every face.
    void firstBatchAndSeverity()
    {
        QCOMPARE(batchToShowFirst({}), qsizetype(-1));
        QCOMPARE(batchToShowFirst({batchstatus::Executed, batchstatus::Rejected}), qsizetype(1)); // the newest
        QCOMPARE(batchToShowFirst({batchstatus::Executed, batchstatus::Approved, batchstatus::Planned}), qsizetype(1));
        QCOMPARE(batchToShowFirst({batchstatus::Superseded, batchstatus::Executing, batchstatus::Executed}), qsizetype(1));
        QCOMPARE(batchStatusSeverity(batchstatus::Planned), Severity::Info);
        QCOMPARE(batchStatusSeverity(batchstatus::Approved), Severity::Ok);
        QCOMPARE(batchStatusSeverity(batchstatus::Executed), Severity::Ok);
        QCOMPARE(batchStatusSeverity(batchstatus::Executing), Severity::Warning);
        QCOMPARE(batchStatusSeverity(batchstatus::Rejected), Severity::Muted);
        QCOMPARE(batchStatusSeverity(batchstatus::Superseded), Severity::Muted);
        QString error;
        QVERIFY(!parseBatchRef(QStringLiteral("7"), &error) && error.contains(QStringLiteral("KIND:N")));
        QVERIFY(!parseBatchRef(QStringLiteral("retire:7"), &error));
        QVERIFY(!parseBatchRef(QStringLiteral("copy:-1"), &error));
        const auto ref = parseBatchRef(QStringLiteral("copy:7"), &error);
        QVERIFY(ref && ref->kind == u"copy" && ref->id == 7);
    }

    // The window and the terminal read a kind's batches through one function (core/batchreads.h),
    // so both show the same batch: the one asked for while it exists, else the first that needs
    // the lead, with its items.
    void theFacesReadTheSameBatch()
    {
        QTemporaryDir dir;
        const QString db = dir.filePath(QStringLiteral("faces.db"));
        Workspace ws;
        QCOMPARE(readCopyBatches(ws).result().error, QStringLiteral("no database is open"));
        QString error;
        QVERIFY2(ws.openDatabase(db, &error), qPrintable(error));
        QVERIFY(!readCopyBatches(ws).result().shown); // no batch yet: none shown
        CopyBatch executed = copyBatch(), planned = copyBatch(), rejected = copyBatch();
        CleanupBatch cleanup = cleanupBatch();
        {
            CopyStore copies(*ws.store());
            QVERIFY(copies.addBatch(&executed) && copies.addBatch(&planned) && copies.addBatch(&rejected));
            QVERIFY(copies.setStatus(executed.id, batchstatus::Executed) && copies.setStatus(rejected.id, batchstatus::Rejected));
            QVERIFY(CleanupStore(*ws.store()).addBatch(&cleanup));
        }
        const CopyBatchesRead first = readCopyBatches(ws).result();
        QCOMPARE(first.batches.size(), 3);
        QVERIFY(first.shown);
        QCOMPARE(first.shown->id, planned.id); // the one that waits on the lead
        QCOMPARE(first.shown->items.size(), 1); // with its items
        QCOMPARE(readCopyBatches(ws, rejected.id).result().shown->id, rejected.id); // asked for
        QCOMPARE(readCopyBatches(ws, 9999).result().shown->id, planned.id); // gone: the rule again
        QCOMPARE(readCopyBatch(ws, executed.id).result()->status, batchstatus::Executed);
        QVERIFY(!readCopyBatch(ws, 9999).result());
        const CleanupBatchesRead cleanups = readCleanupBatches(ws).result();
        QCOMPARE(cleanups.batches.size(), 1);
        QCOMPARE(cleanups.shown->id, cleanup.id);
        QCOMPARE(readCleanupBatch(ws, cleanup.id).result()->items.size(), 1);
    }

    // Every kind runs inside one BatchExecution: one executor per batch across connections
    // (processes, machines), a decision from elsewhere between the read and the status change
    // stops the run, and a run whose process died is marked interrupted by the next resume. Run
    // on both engines (the lock is a file on SQLite, an advisory lock on PostgreSQL).
    void everyKindRunsInsideOneExecution()
    {
        QTemporaryDir dir;
        const QString db = test::testStore(dir.filePath(QStringLiteral("runs.db")));
        const auto here = std::make_unique<Store>(db);
        Store elsewhere(db);
        QString error;
        QVERIFY2(here->open(&error) && elsewhere.open(&error), qPrintable(error));
        CopyBatch copy = copyBatch();
        CleanupBatch cleanup = cleanupBatch();
        QVERIFY(CopyStore(*here).addBatch(&copy) && CleanupStore(*here).addBatch(&cleanup));
        QVERIFY(CopyStore(*here).setStatus(copy.id, batchstatus::Approved));
        QVERIFY(CleanupStore(*here).setStatus(cleanup.id, batchstatus::Approved));
        CopyStore copiesElsewhere(elsewhere);
        qint64 run = 0;
        {
            // One executor per batch: the second connection is refused, and the audit says so.
            CopyStore copiesHere(*here);
            BatchExecution first(copiesHere, copy.id, false, QStringLiteral("ada"));
            QVERIFY(first.hold());
            BatchExecution second(copiesElsewhere, copy.id, false, QStringLiteral("bob"));
            QVERIFY(!second.hold());
            QVERIFY2(second.refused().contains(QStringLiteral("copy batch %1 is being executed by another process").arg(copy.id)),
                     qPrintable(second.refused()));
            QCOMPARE(copiesHere.auditLog().constLast().action, QStringLiteral("execute refused"));
            QVERIFY(first.begin(QString(), copy.hash));
            QCOMPARE(copiesElsewhere.batch(copy.id)->status, batchstatus::Executing);
            run = first.run();
            // The process dies in the middle of the run: the run's row stays "running" (no
            // finish nor stop), the lock goes with the process.
        }
        QCOMPARE(BatchExecution::endInterruptedRuns(copiesElsewhere), QList<qint64>{copy.id});
        QCOMPARE(copiesElsewhere.runs(copy.id).value(0).id, run);
        QCOMPARE(copiesElsewhere.runs(copy.id).value(0).status, QStringLiteral("interrupted"));

        // A rejection from elsewhere after the executor read the batch as approved: refused, no run.
        CleanupStore cleanupsHere(*here), cleanupsElsewhere(elsewhere);
        BatchExecution late(cleanupsHere, cleanup.id, false, QStringLiteral("ada"));
        QVERIFY(late.hold());
        QVERIFY(cleanupsElsewhere.decide(cleanup.id, batchstatus::Rejected, QStringLiteral("bob"), cleanup.hash, QString(),
                                         {batchstatus::Approved}));
        QVERIFY(!late.begin(QString(), cleanup.hash));
        QVERIFY2(late.refused().contains(QStringLiteral("was decided again")), qPrintable(late.refused()));
        QCOMPARE(cleanupsHere.batch(cleanup.id)->status, batchstatus::Rejected);
        QVERIFY(cleanupsHere.runs(cleanup.id).isEmpty());

        // A finished run with items left to try keeps the batch executing (resume goes on); with
        // every item final it is executed.
        QVERIFY(copiesElsewhere.setStatus(copy.id, batchstatus::Approved));
        {
            BatchExecution again(copiesElsewhere, copy.id, false, QStringLiteral("ada"));
            QVERIFY(again.hold() && again.begin(QString(), copy.hash));
            again.finish({{QStringLiteral("failed"), 1}}, false);
        }
        QCOMPARE(copiesElsewhere.batch(copy.id)->status, batchstatus::Executing);
        {
            BatchExecution last(copiesElsewhere, copy.id, false, QStringLiteral("ada"));
            QVERIFY(last.hold() && last.begin(QString(), copy.hash));
            last.finish({{QStringLiteral("copied"), 1}}, true);
        }
        QCOMPARE(copiesElsewhere.batch(copy.id)->status, batchstatus::Executed);
        QCOMPARE(copiesElsewhere.runs(copy.id).constLast().summary, QStringLiteral("{\"copied\":1}"));
    }

    // ferryctl batch: one list of both kinds, and show, approve and reject by KIND:N with the
    // kinds' own rules, exit codes and audit log.
    void batchCommandsServeEveryKind()
    {
        QTemporaryDir dir;
        const QString db = test::testStore(dir.filePath(QStringLiteral("batches.db"))); // or PostgreSQL: tst_batches_postgresql
        CleanupBatch c = cleanupBatch();
        CopyBatch k = copyBatch();
        {
            Store store(db);
            QString error;
            QVERIFY2(store.open(&error), qPrintable(error));
            QVERIFY(CleanupStore(store).addBatch(&c));
            QVERIFY(CopyStore(store).addBatch(&k));
        }
        const QString cleanupRef = QStringLiteral("cleanup:%1").arg(c.id), copyRef = QStringLiteral("copy:%1").arg(k.id);

        Ran r = ferryctl({QStringLiteral("batch"), QStringLiteral("list"), QStringLiteral("--db"), db, QStringLiteral("--format"),
                          QStringLiteral("json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QMap<QString, QJsonObject> listed;
        for (const QJsonValue &v : QJsonDocument::fromJson(r.out.toUtf8()).array())
            listed.insert(v.toObject().value(QStringLiteral("batch")).toString(), v.toObject());
        QCOMPARE(listed.keys(), (QStringList{cleanupRef, copyRef}));
        QCOMPARE(listed[copyRef].value(QStringLiteral("scope")).toString(), QStringLiteral("dockerhub -> gsoci/giantswarm/app"));
        QCOMPARE(listed[copyRef].value(QStringLiteral("hash")).toString(), k.hash);
        QCOMPARE(listed[cleanupRef].value(QStringLiteral("status")).toString(), batchstatus::Planned);
        QVERIFY(listed[cleanupRef].value(QStringLiteral("next")).toString().contains(QStringLiteral("approve")));

        // show goes to the kind's own show.
        r = ferryctl({QStringLiteral("batch"), QStringLiteral("show"), copyRef, QStringLiteral("--db"), db});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QStringLiteral("giantswarm/app:1.0.0")), qPrintable(r.out + r.err));
        r = ferryctl({QStringLiteral("batch"), QStringLiteral("show"), cleanupRef, QStringLiteral("--db"), db, QStringLiteral("--format"),
                      QStringLiteral("json")});
        QVERIFY2(r.exitCode == 0 && r.out.contains(digestOf(1)) && !r.out.contains(digestOf(2)), qPrintable(r.out + r.err));
        // An approval names a person, and binds to the hash reviewed.
        r = ferryctl({QStringLiteral("batch"), QStringLiteral("approve"), copyRef, QStringLiteral("--db"), db});
        QCOMPARE(r.exitCode, 2);
        r = ferryctl({QStringLiteral("batch"), QStringLiteral("approve"), copyRef, QStringLiteral("--db"), db, QStringLiteral("--as"),
                      QStringLiteral("Ada"), QStringLiteral("--hash"), QStringLiteral("sha256:not-reviewed")});
        QVERIFY2(r.exitCode != 0 && r.err.contains(QStringLiteral("not-reviewed")), qPrintable(r.err));
        r = ferryctl({QStringLiteral("batch"), QStringLiteral("approve"), copyRef, QStringLiteral("--db"), db, QStringLiteral("--as"),
                      QStringLiteral("Ada"), QStringLiteral("--hash"), k.hash, QStringLiteral("--comment"),
                      QStringLiteral("copy:1 first")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        // Rejected: final, for the cleanup kind through the same command.
        r = ferryctl({QStringLiteral("batch"), QStringLiteral("reject"), cleanupRef, QStringLiteral("--db"), db, QStringLiteral("--as"),
                      QStringLiteral("Grace"), QStringLiteral("--comment"), QStringLiteral("keep them for now")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        r = ferryctl({QStringLiteral("batch"), QStringLiteral("approve"), cleanupRef, QStringLiteral("--db"), db, QStringLiteral("--as"),
                      QStringLiteral("Ada")});
        QCOMPARE(r.exitCode, 6);
        QVERIFY2(r.err.contains(QStringLiteral("a rejection is final")), qPrintable(r.err));
        r = ferryctl({QStringLiteral("batch"), QStringLiteral("approve"), QStringLiteral("copy:999"), QStringLiteral("--db"), db,
                      QStringLiteral("--as"), QStringLiteral("Ada")});
        QVERIFY2(r.exitCode == 1 || r.exitCode == 6, qPrintable(r.err));
        r = ferryctl({QStringLiteral("batch"), QStringLiteral("approve"), QStringLiteral("12"), QStringLiteral("--db"), db,
                      QStringLiteral("--as"), QStringLiteral("Ada")});
        QCOMPARE(r.exitCode, 2);

        r = ferryctl({QStringLiteral("batch"), QStringLiteral("list"), QStringLiteral("--db"), db, QStringLiteral("--needs-lead")});
        QVERIFY2(r.exitCode == 0 && r.out.contains(copyRef) && !r.out.contains(cleanupRef), qPrintable(r.out));
        QVERIFY2(r.out.contains(QStringLiteral("decided by Ada")) && r.out.contains(QStringLiteral("ferryctl copy execute")),
                 qPrintable(r.out));

        // The audit log holds both decisions, each with its kind; cleanup's own log only its own.
        r = ferryctl({QStringLiteral("batch"), QStringLiteral("audit"), QStringLiteral("--db"), db, QStringLiteral("--format"),
                      QStringLiteral("json")});
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QStringList lines;
        for (const QJsonValue &v : QJsonDocument::fromJson(r.out.toUtf8()).array())
            lines << v.toObject().value(QStringLiteral("action")).toString() + u' ' +
                    v.toObject().value(QStringLiteral("batch")).toString() + u' ' + v.toObject().value(QStringLiteral("actor")).toString();
        QVERIFY2(lines.contains(QStringLiteral("approve %1 Ada").arg(copyRef)) &&
                     lines.contains(QStringLiteral("reject %1 Grace").arg(cleanupRef)),
                 qPrintable(lines.join(u'\n')));
        r = ferryctl({QStringLiteral("cleanup"), QStringLiteral("audit"), QStringLiteral("--db"), db});
        QVERIFY2(r.exitCode == 0 && r.out.contains(QStringLiteral("reject")) && !r.out.contains(QStringLiteral("approve")),
                 qPrintable(r.out));
    }
};

FERRY_TEST_MAIN(TestBatches)
#include "tst_batches.moc"
