// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The cleanup rules on snapshots built by hand: what a policy proposes, what the safety
// checks hold back and why, the execution order, the batch hash and the store's journal.
#include "cleanup/analysis.h"
#include "cleanup/cleanupengine.h"
#include "cleanup/cleanupstore.h"
#include "plan/plan.h"
#include "testmain.h"

#include <QTemporaryDir>
#include <QTimeZone>

using namespace ferry;

namespace {

const QDateTime kNow(QDate(2026, 11, 28), QTime(12, 0), QTimeZone::utc());

QString dg(char c)
{
    return QStringLiteral("sha256:") + QString(64, QLatin1Char(c));
}

TagRecord tag(const QString &name, const QString &digest)
{
    TagRecord t;
    t.name = name;
    t.digest = digest;
    t.mediaType = QStringLiteral("application/vnd.oci.image.manifest.v1+json");
    return t;
}

ManifestFacts image()
{
    ManifestFacts f;
    f.read = true;
    f.mediaType = QStringLiteral("application/vnd.oci.image.manifest.v1+json");
    f.size = 1000;
    return f;
}

QString devTag(const QString &branch, int daysAgo, char sha = 'a')
{
    const QDateTime t = kNow.addDays(-daysAgo);
    return QStringLiteral("1.0.0-dev.%1.%2.%3.h%4")
        .arg(branch, t.toString(QStringLiteral("yyyy-MM-dd")), t.toString(QStringLiteral("HH-mm-ss")), QString(7, QLatin1Char(sha)));
}

CleanupPolicy devPolicy(int keepNewest, int olderThanDays)
{
    CleanupPolicy p;
    p.name = QStringLiteral("dev");
    p.kind = CleanupPolicy::Kind::DevTags;
    p.registry = QStringLiteral("gsoci");
    p.keepNewest = keepNewest;
    p.olderThanSeconds = qint64(olderThanDays) * 86400;
    return p;
}

RepositorySnapshot snapshot()
{
    RepositorySnapshot s;
    s.registry = QStringLiteral("gsoci");
    s.repository = QStringLiteral("team/app");
    s.listedAt = kNow;
    s.complete = true;
    return s;
}

QMap<QString, CleanupItem> byDigest(const QList<CleanupItem> &items)
{
    QMap<QString, CleanupItem> out;
    for (const CleanupItem &i : items)
        out.insert(i.digest, i);
    return out;
}

} // namespace

class TestCleanupAnalysis : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    // The run summary every face prints (window, terminal, ferryctl): counts by state, and
    // whether anything failed, was refused or was not permitted.
    void aRunIsSummedUpOnceForEveryFace()
    {
        CleanupExecResult r;
        QCOMPARE(r.countsText(), QString());
        QVERIFY(!r.hasFailures());
        r.counts = {{itemstate::Deleted, 4}, {itemstate::Skipped, 1}};
        QCOMPARE(r.countsText(), QStringLiteral("4 deleted, 1 skipped"));
        QVERIFY(!r.hasFailures());
        for (const QString &bad : {itemstate::Failed, itemstate::Refused, itemstate::NotPermitted}) {
            CleanupExecResult b = r;
            b.counts.insert(bad, 1);
            QVERIFY2(b.hasFailures(), qPrintable(bad));
        }
    }

    void devTagFormat()
    {
        const auto t = parseDevTag(QStringLiteral("1.2.3-dev.fix-login.2026-01-05.09-15-01.habcdef0"));
        QVERIFY(t);
        QCOMPARE(t->version, QStringLiteral("1.2.3"));
        QCOMPARE(t->branch, QStringLiteral("fix-login"));
        QCOMPARE(t->builtAt, QDateTime(QDate(2026, 1, 5), QTime(9, 15, 1), QTimeZone::utc()));
        QCOMPARE(t->sha, QStringLiteral("abcdef0"));
        QVERIFY(parseDevTag(QStringLiteral("1.2.3-dev.ma--in.2026-01-05.09-15-01.habcdef0"))); // a cut branch name
        QVERIFY(!parseDevTag(QStringLiteral("1.2.3")));
        QVERIFY(!parseDevTag(QStringLiteral("1.2.3-rc.1")));
        QVERIFY(!parseDevTag(QStringLiteral("1.2.3-dev.Main.2026-01-05.09-15-01.habcdef0"))); // not sanitised
        QVERIFY(!parseDevTag(QStringLiteral("1.2.3-dev.main.2026-13-05.09-15-01.habcdef0"))); // no such month
        QVERIFY(!parseDevTag(QStringLiteral("1.2.3-dev.main.2026-01-05.09-15-01.habcdef"))); // short sha
    }

    void keepNewestPerBranchAndAge()
    {
        RepositorySnapshot s = snapshot();
        const char digests[] = "bcdefgh";
        // main: 40, 35, 20, 10 days; feature: 50 days.
        const int mainAges[] = {40, 35, 20, 10};
        for (int i = 0; i < 4; ++i) {
            s.tags << tag(devTag(QStringLiteral("main"), mainAges[i], digests[i]), dg(digests[i]));
            s.manifests.insert(dg(digests[i]), image());
        }
        s.tags << tag(devTag(QStringLiteral("feature"), 50, 'h'), dg('h'));
        s.manifests.insert(dg('h'), image());
        const auto items = byDigest(evaluateCleanup(s, {devPolicy(1, 30)}, CleanupConfig{}, kNow, {}, {}));
        // main keeps its newest (10 days); 20 days is too young; 40 and 35 go. feature keeps its only build.
        QCOMPARE(items.keys(), (QList<QString>{dg('b'), dg('c')}));
        QCOMPARE(items.value(dg('b')).action, QStringLiteral("delete"));
        QVERIFY(items.value(dg('b')).reason.contains(QStringLiteral("branch 'main'")));
        QCOMPARE(items.value(dg('b')).ageSource, QStringLiteral("the build time in the tag"));
    }

    void sharedDigestAndProtectedTagsStay()
    {
        RepositorySnapshot s = snapshot();
        s.tags << tag(devTag(QStringLiteral("main"), 90, 'b'), dg('b')) << tag(QStringLiteral("1.0.0"), dg('b'))
               << tag(devTag(QStringLiteral("main"), 80, 'c'), dg('c')) << tag(QStringLiteral("qa"), dg('c'));
        s.manifests.insert(dg('b'), image());
        s.manifests.insert(dg('c'), image());
        CleanupConfig cfg;
        cfg.protectTags << QRegularExpression(QStringLiteral("^\\d+\\.\\d+\\.\\d+$"));
        const auto items = byDigest(evaluateCleanup(s, {devPolicy(0, 30)}, cfg, kNow, {}, {}));
        QCOMPARE(items.value(dg('b')).action, QStringLiteral("keep"));
        QVERIFY(items.value(dg('b')).holdReason.contains(QStringLiteral("protected tag '1.0.0'")));
        QCOMPARE(items.value(dg('c')).action, QStringLiteral("keep"));
        QVERIFY(items.value(dg('c')).holdReason.contains(QStringLiteral("'qa', which no policy selects")));

        cfg.protectRepositories << QRegularExpression(QStringLiteral("^team/"));
        QVERIFY(evaluateCleanup(s, {devPolicy(0, 30)}, cfg, kNow, {}, {}).isEmpty());
    }

    void childrenOfKeptIndexesStayAndIndexesGoFirst()
    {
        RepositorySnapshot s = snapshot();
        ManifestFacts index = image();
        index.mediaType = QStringLiteral("application/vnd.oci.image.index.v1+json");
        index.children = {dg('c'), dg('d')};
        s.manifests.insert(dg('b'), index);
        s.manifests.insert(dg('c'), image());
        s.manifests.insert(dg('d'), image());
        s.tags << tag(QStringLiteral("stable"), dg('b'));
        s.untaggedSince.insert(dg('c'), kNow.addDays(-60));
        s.untaggedSince.insert(dg('d'), kNow.addDays(-60));
        CleanupPolicy untagged;
        untagged.name = QStringLiteral("untagged");
        untagged.kind = CleanupPolicy::Kind::Untagged;
        untagged.registry = QStringLiteral("gsoci");
        untagged.olderThanSeconds = 7 * 86400;
        auto items = byDigest(evaluateCleanup(s, {untagged}, CleanupConfig{}, kNow, {}, {}));
        QCOMPARE(items.value(dg('c')).action, QStringLiteral("keep"));
        QVERIFY(items.value(dg('c')).holdReason.contains(QStringLiteral("child of the kept index")));

        // The index itself goes too (a dev tag on it): then its children may go, after it.
        s.tags.clear();
        s.tags << tag(devTag(QStringLiteral("main"), 90, 'b'), dg('b'));
        const QList<CleanupItem> ordered = evaluateCleanup(s, {devPolicy(0, 30), untagged}, CleanupConfig{}, kNow, {}, {});
        QCOMPARE(ordered.size(), 3);
        QCOMPARE(ordered.first().digest, dg('b'));
        for (const CleanupItem &i : ordered) {
            QCOMPARE(i.action, QStringLiteral("delete"));
            if (i.digest != dg('b'))
                QCOMPARE(i.parents, QStringList{dg('b')});
        }
        QCOMPARE(ordered.first().seq, 1);

        // An index that could not be read may reference anything: nothing goes.
        s.manifests[dg('b')].read = false;
        s.manifests[dg('b')].readError = QStringLiteral("timeout");
        s.tags.clear();
        s.tags << tag(QStringLiteral("stable"), dg('b'));
        items = byDigest(evaluateCleanup(s, {untagged}, CleanupConfig{}, kNow, {}, {}));
        QVERIFY(items.value(dg('c')).holdReason.contains(QStringLiteral("could not be read")));
    }

    void referrersAndSignaturesOfKeptImagesStay()
    {
        RepositorySnapshot s = snapshot();
        s.tags << tag(QStringLiteral("1.0.0"), dg('b'));
        s.manifests.insert(dg('b'), image());
        // cosign signature of the kept 1.0.0, and an SBOM whose subject is 1.0.0.
        s.tags << tag(QStringLiteral("sha256-") + QString(64, u'b') + QStringLiteral(".sig"), dg('c'));
        s.manifests.insert(dg('c'), image());
        ManifestFacts sbom = image();
        sbom.subject = dg('b');
        s.manifests.insert(dg('d'), sbom);
        s.untaggedSince.insert(dg('d'), kNow.addDays(-60));
        // A signature of an image that is gone (proven absent) may go.
        s.tags << tag(QStringLiteral("sha256-") + QString(64, u'e') + QStringLiteral(".sig"), dg('f'));
        s.manifests.insert(dg('f'), image());
        s.absent.insert(dg('e'));
        // A signature of an image Ferry could not prove absent stays.
        s.tags << tag(QStringLiteral("sha256-") + QString(64, u'9') + QStringLiteral(".att"), dg('a'));
        s.manifests.insert(dg('a'), image());

        CleanupPolicy sigs;
        sigs.name = QStringLiteral("signatures");
        sigs.kind = CleanupPolicy::Kind::Tags;
        sigs.registry = QStringLiteral("gsoci");
        sigs.pattern = QRegularExpression(QStringLiteral("^sha256-"));
        CleanupPolicy untagged;
        untagged.name = QStringLiteral("untagged");
        untagged.kind = CleanupPolicy::Kind::Untagged;
        untagged.registry = QStringLiteral("gsoci");
        untagged.olderThanSeconds = 86400;
        const auto items = byDigest(evaluateCleanup(s, {sigs, untagged}, CleanupConfig{}, kNow, {}, {}));
        QVERIFY(items.value(dg('c')).holdReason.contains(QStringLiteral("cosign .sig of the kept image")));
        QVERIFY(items.value(dg('d')).holdReason.contains(QStringLiteral("referrer (subject) of the kept image")));
        QCOMPARE(items.value(dg('f')).action, QStringLiteral("delete"));
        QVERIFY(items.value(dg('a')).holdReason.contains(QStringLiteral("not proven absent")));
    }

    void locksAndLegacyVerification()
    {
        RepositorySnapshot s = snapshot();
        TagRecord locked = tag(devTag(QStringLiteral("main"), 90, 'b'), dg('b'));
        locked.writeEnabled = false;
        s.tags << locked << tag(devTag(QStringLiteral("main"), 91, 'c'), dg('c'));
        s.manifests.insert(dg('b'), image());
        ManifestFacts lockedManifest = image();
        lockedManifest.deleteEnabled = false;
        s.manifests.insert(dg('c'), lockedManifest);
        auto items = byDigest(evaluateCleanup(s, {devPolicy(0, 30)}, CleanupConfig{}, kNow, {}, {}));
        QVERIFY(items.value(dg('b')).holdReason.contains(QStringLiteral("is locked (deleteEnabled=true, writeEnabled=false)")));
        QVERIFY(items.value(dg('c')).holdReason.contains(QStringLiteral("manifest is locked")));

        RepositorySnapshot legacy = snapshot();
        legacy.registry = QStringLiteral("old");
        legacy.tags << tag(QStringLiteral("1.0.0"), dg('d')) << tag(QStringLiteral("1.1.0"), dg('e'));
        legacy.manifests.insert(dg('d'), image());
        legacy.manifests.insert(dg('e'), image());
        CleanupPolicy retire;
        retire.name = QStringLiteral("retire");
        retire.kind = CleanupPolicy::Kind::Legacy;
        retire.registry = QStringLiteral("old");
        const VerifyResults verify{{dg('d'), QString()}, {dg('e'), QStringLiteral("gsoci/team/app does not hold it")}};
        items = byDigest(evaluateCleanup(legacy, {retire}, CleanupConfig{}, kNow, verify, {QStringLiteral("gsoci/team/app")}));
        QCOMPARE(items.value(dg('d')).action, QStringLiteral("delete"));
        QCOMPARE(items.value(dg('d')).verifyIn, QStringList{QStringLiteral("gsoci/team/app")});
        QVERIFY(items.value(dg('e')).holdReason.contains(QStringLiteral("not verified in the target")));
    }

    void recheckSeesMovedTagsAndNewParents()
    {
        RepositorySnapshot s = snapshot();
        s.tags << tag(devTag(QStringLiteral("main"), 90, 'b'), dg('b'));
        s.manifests.insert(dg('b'), image());
        const QList<CleanupItem> items = evaluateCleanup(s, {devPolicy(0, 30)}, CleanupConfig{}, kNow, {}, {});
        QCOMPARE(items.size(), 1);
        const CleanupItem item = items.first();
        QVERIFY(recheckItem(item, s, CleanupConfig{}).isEmpty());

        RepositorySnapshot moved = s;
        moved.tags.first().digest = dg('c');
        QVERIFY(recheckItem(item, moved, CleanupConfig{}).contains(QStringLiteral("no longer tagged")));

        RepositorySnapshot retagged = s;
        retagged.tags << tag(QStringLiteral("prod"), dg('b'));
        QVERIFY(recheckItem(item, retagged, CleanupConfig{}).contains(QStringLiteral("now also tagged prod")));

        RepositorySnapshot adopted = s;
        ManifestFacts index = image();
        index.mediaType = QStringLiteral("application/vnd.oci.image.index.v1+json");
        index.children = {dg('b')};
        adopted.manifests.insert(dg('i'), index);
        adopted.tags << tag(QStringLiteral("release"), dg('i'));
        QVERIFY(recheckItem(item, adopted, CleanupConfig{}).contains(QStringLiteral("child of the kept index")));
    }

    void hashCoversContentNotState()
    {
        BatchContent c{QStringLiteral("gsoci"), QStringLiteral("team/app"), kNow, true, {}, {}};
        CleanupItem i;
        i.seq = 1;
        i.action = QStringLiteral("delete");
        i.digest = dg('b');
        i.tags = {QStringLiteral("b"), QStringLiteral("a")};
        c.items << i;
        const QString h = batchHash(c);
        QVERIFY(h.startsWith(QStringLiteral("sha256:")));
        c.items[0].state = QStringLiteral("deleted");
        c.items[0].outcome = QStringLiteral("202");
        QCOMPARE(batchHash(c), h);
        c.items[0].tags = {QStringLiteral("a"), QStringLiteral("b")}; // order does not matter
        QCOMPARE(batchHash(c), h);
        c.items[0].tags << QStringLiteral("c");
        QVERIFY(batchHash(c) != h);
        c.items[0].tags.removeLast();
        c.items[0].digest = dg('c');
        QVERIFY(batchHash(c) != h);
        c.items[0].digest = dg('b');
        c.listingComplete = false;
        QVERIFY(batchHash(c) != h);
    }

    // What a cluster runs, pins or names is never proposed: the digest itself, the digest a
    // named tag points at, and the children of such an index; each says where it is used.
    void whatAClusterUsesIsHeldBack()
    {
        RepositorySnapshot s = snapshot();
        ManifestFacts index = image();
        index.mediaType = QStringLiteral("application/vnd.oci.image.index.v1+json");
        index.children = {dg('f'), dg('g')};
        const char digests[] = "bcde9";
        for (int i = 0; i < 5; ++i) {
            s.tags << tag(devTag(QStringLiteral("main"), 90 - i, digests[i]), dg(digests[i]));
            s.manifests.insert(dg(digests[i]), digests[i] == 'e' ? index : image());
        }
        s.manifests.insert(dg('f'), image());
        s.manifests.insert(dg('g'), image());
        const QString named = devTag(QStringLiteral("main"), 88, 'd');
        ClusterHolds clusters =
            ClusterHolds::from({ReferenceHold{QStringLiteral("gsoci"), QStringLiteral("team/app"), QStringLiteral("runs"), dg('b'),
                                              QStringLiteral("berlin"), QStringLiteral("/clusters/berlin/pods.json"), 212},
                                ReferenceHold{QStringLiteral("gsoci"), QStringLiteral("team/app"), QStringLiteral("runs"), dg('b'),
                                              QStringLiteral("munich"), QStringLiteral("/clusters/munich/pods.json"), 9},
                                ReferenceHold{QStringLiteral("gsoci"), QStringLiteral("team/app"), QStringLiteral("pins"), dg('c'),
                                              QStringLiteral("hamburg"), QStringLiteral("/clusters/hamburg/values.yaml"), 8},
                                ReferenceHold{QStringLiteral("gsoci"), QStringLiteral("team/app"), QStringLiteral("tag"), named,
                                              QStringLiteral("hamburg"), QStringLiteral("/clusters/hamburg/app.yaml"), 30},
                                ReferenceHold{QStringLiteral("gsoci"), QStringLiteral("team/app"), QStringLiteral("runs"), dg('e'),
                                              QStringLiteral("berlin"), QStringLiteral("/clusters/berlin/pods.json"), 400}});
        clusters.scan = 7;
        const auto items = byDigest(evaluateCleanup(s, {devPolicy(0, 30)}, CleanupConfig{}, kNow, {}, {}, clusters));
        QCOMPARE(items.value(dg('b')).action, QStringLiteral("keep"));
        QCOMPARE(items.value(dg('b')).holdReason, QStringLiteral("a cluster uses it: runs in berlin, pods.json:212 (and 1 more)"));
        QVERIFY(heldForACluster(items.value(dg('b'))));
        QCOMPARE(items.value(dg('c')).holdReason, QStringLiteral("a cluster uses it: pinned in hamburg, values.yaml:8"));
        QCOMPARE(items.value(dg('d')).holdReason,
                 QStringLiteral("a cluster uses it: tag '%1' is named in hamburg, app.yaml:30").arg(named));
        QCOMPARE(items.value(dg('e')).action, QStringLiteral("keep"));
        QCOMPARE(items.value(dg('9')).action, QStringLiteral("delete"));
        QVERIFY2(items.value(dg('9')).checks.contains(QStringLiteral("no cluster runs, pins or names it (refs scan 7)")),
                 qPrintable(items.value(dg('9')).checks.join(u';')));
        // The children of the index a cluster runs stay with it, and say so.
        const QHash<QString, QString> held = clusterHeldDigests(s, clusters);
        QVERIFY2(held.value(dg('f')).startsWith(QStringLiteral("child of the index sha256:eeeeeeeeeeee")), qPrintable(held.value(dg('f'))));
        QVERIFY2(held.value(dg('f')).endsWith(QStringLiteral("which runs in berlin, pods.json:400")), qPrintable(held.value(dg('f'))));
        QVERIFY(held.contains(dg('g')) && !held.contains(dg('9')));
        // Without the refs scan, the same snapshot proposes all five.
        int deletes = 0;
        for (const CleanupItem &i : evaluateCleanup(s, {devPolicy(0, 30)}, CleanupConfig{}, kNow, {}, {}))
            deletes += i.action == u"delete";
        QCOMPARE(deletes, 5);
    }

    // The one approval rule every face asks: only a planned batch with deletions, from a complete
    // listing; a rejection is final. And when the plan has clients, a missing or stale refs scan
    // asks for an override.
    void approvalRulesAndRefsFreshness()
    {
        CleanupBatch b;
        b.id = 4;
        b.status = batchstatus::Planned;
        b.listingComplete = true;
        b.deleteCount = 2;
        QVERIFY(approvalBlocker(b).isEmpty());
        b.status = batchstatus::Rejected;
        b.decidedBy = QStringLiteral("lead");
        QVERIFY2(approvalBlocker(b).contains(QStringLiteral("a rejection is final")), qPrintable(approvalBlocker(b)));
        for (const QString &st : {batchstatus::Approved, batchstatus::Superseded, batchstatus::Executing, batchstatus::Executed}) {
            b.status = st;
            QVERIFY2(approvalBlocker(b).contains(QStringLiteral("only a planned batch")), qPrintable(st));
        }
        b.status = batchstatus::Planned;
        b.listingComplete = false;
        QVERIFY(approvalBlocker(b).contains(QStringLiteral("incomplete listing")));
        b.listingComplete = true;
        b.deleteCount = 0;
        QVERIFY(approvalBlocker(b).contains(QStringLiteral("deletes nothing")));

        const RefsScanInfo fresh{3, kNow.addSecs(-3600), QStringLiteral("berlin"), 10, 4};
        b.refsRequired = false;
        QVERIFY(refsStaleness(b, std::nullopt, kNow).isEmpty()); // no clients: nothing to ask
        b.refsRequired = true;
        QVERIFY(refsStaleness(b, std::nullopt, kNow).contains(QStringLiteral("no refs scan")));
        QVERIFY(refsStaleness(b, fresh, kNow).contains(QStringLiteral("planned before any refs scan")));
        b.refsScan = 3;
        QVERIFY(refsStaleness(b, fresh, kNow).isEmpty());
        b.refsMaxAgeSeconds = 1800;
        QCOMPARE(refsStaleness(b, fresh, kNow),
                 QStringLiteral("the last refs scan is 60 minutes old, beyond cleanup.refs-max-age (30 minutes): what the clusters run now "
                                "is unknown"));

        QString error;
        const auto plan = Plan::parse("version: 1\nregistries:\n  gsoci: { url: https://gsoci.example, role: target }\n"
                                      "cleanup:\n  refs-max-age: 6h\n",
                                      QStringLiteral("p.yaml"), &error);
        QVERIFY2(plan, qPrintable(error));
        QCOMPARE(plan->cleanup.refsMaxAgeSeconds, 6 * 3600);
        QCOMPARE(CleanupConfig{}.refsMaxAgeSeconds, 86'400);
    }

    void storeKeepsBatchesJournalAndAudit()
    {
        QTemporaryDir dir;
        Store store(dir.filePath(QStringLiteral("c.db")));
        QString error;
        QVERIFY2(store.open(&error), qPrintable(error));
        CleanupStore cs(store);
        CleanupBatch b;
        b.createdAt = kNow;
        b.plan = QStringLiteral("plan.yaml");
        b.registry = QStringLiteral("gsoci");
        b.repository = QStringLiteral("team/app");
        b.policies = QStringLiteral("dev");
        b.listedAt = kNow;
        b.listingComplete = true;
        CleanupItem i;
        i.seq = 1;
        i.action = QStringLiteral("delete");
        i.digest = dg('b');
        i.tags = {QStringLiteral("t1")};
        i.size = 1234;
        i.checks = {QStringLiteral("not locked")};
        CleanupItem k = i;
        k.seq = 2;
        k.action = QStringLiteral("keep");
        k.state = itemstate::Kept;
        k.digest = dg('c');
        k.holdReason = QStringLiteral("protected");
        b.items = {i, k};
        b.hash = batchHash(b.content());
        QVERIFY(cs.addBatch(&b));
        auto back = cs.batch(b.id);
        QVERIFY(back);
        QCOMPARE(back->recomputedHash(), b.hash);
        QCOMPARE(back->deleteCount, 1);
        QCOMPARE(back->keepCount, 1);
        QCOMPARE(back->bytes, 1234);
        QCOMPARE(back->items.at(1).holdReason, QStringLiteral("protected"));

        // A decision is made only from the statuses it names, and only on the hash it saw.
        QVERIFY(!cs.decide(b.id, batchstatus::Approved, QStringLiteral("lead"), b.hash, QStringLiteral("ok"), {batchstatus::Rejected}));
        QVERIFY(!cs.decide(b.id, batchstatus::Approved, QStringLiteral("lead"), QStringLiteral("sha256:other"), QStringLiteral("ok"),
                           {batchstatus::Planned}));
        QVERIFY(cs.decide(b.id, batchstatus::Approved, QStringLiteral("lead"), b.hash, QStringLiteral("ok"), {batchstatus::Planned}));
        const qint64 run = cs.beginRun(b.id, false, QStringLiteral("lead"));
        // The DELETE may leave only while the batch is approved as the hash the run holds.
        QVERIFY(!cs.claimForDelete(run, b.id, 1, QStringLiteral("sha256:other"), QStringLiteral("DELETE")));
        QVERIFY2(cs.lastError().contains(QStringLiteral("changed since this run read it")), qPrintable(cs.lastError()));
        QVERIFY(cs.claimForDelete(run, b.id, 1, b.hash, QStringLiteral("DELETE")));
        QVERIFY(cs.journal(run, false, b.id, 1, itemstate::Deleted, 202, QStringLiteral("deleted")));
        const qint64 dry = cs.beginRun(b.id, true, QStringLiteral("lead"));
        QVERIFY(cs.journal(dry, true, b.id, 1, itemstate::WouldDelete, 0, QStringLiteral("would")));
        back = cs.batch(b.id);
        QCOMPARE(back->items.first().state, itemstate::Deleted); // a dry run never moves an item
        QCOMPARE(back->finalCount, 1);
        QCOMPARE(back->decidedBy, QStringLiteral("lead"));
        QCOMPARE(cs.journalOf(b.id).size(), 3);
        QVERIFY(!cs.journal(run, false, b.id, 99, itemstate::Deleted, 202, {})); // no such item: refused, nothing written
        QCOMPARE(cs.journalOf(b.id).size(), 3);
        QVERIFY(cs.audit(QStringLiteral("lead"), QStringLiteral("approve"), b.id, b.hash));
        QCOMPARE(cs.auditLog().size(), 1);
        QCOMPARE(cs.runs(b.id).size(), 2);
        QCOMPARE(cs.batches().first().finalCount, 1);
    }

    void planParsesCleanupAndRefusesCaches()
    {
        const QByteArray base = "version: 1\n"
                                "registries:\n"
                                "  gsoci: { url: https://gsoci.example, role: target }\n"
                                "  cache: { url: http://127.0.0.1:5000, role: cache, of: gsoci }\n"
                                "  old: { url: https://old.example, role: legacy }\n";
        QString error;
        auto plan = Plan::parse(base +
                                    "cleanup:\n"
                                    "  batch-size: 20\n"
                                    "  max-listing-age: 2h\n"
                                    "  protect: { tags: ['^latest$'], repositories: ['^keep/'] }\n"
                                    "  policies:\n"
                                    "    - { name: dev, kind: dev-tags, registry: gsoci, older-than: 30d, keep-newest: 3 }\n"
                                    "    - { name: rc, kind: tags, registry: gsoci, pattern: '^(?<group>\\d+\\.\\d+)\\.\\d+-rc\\.\\d+$' }\n"
                                    "    - { name: untagged, kind: untagged, registry: gsoci, older-than: 7d }\n"
                                    "    - { name: retire, kind: legacy, registry: old, verify-replicas: true }\n",
                                QStringLiteral("p.yaml"), &error);
        QVERIFY2(plan, qPrintable(error));
        QCOMPARE(plan->cleanup.batchSize, 20);
        QCOMPARE(plan->cleanup.maxListingAgeSeconds, 7200);
        QCOMPARE(plan->cleanup.policies.size(), 4);
        QCOMPARE(plan->cleanup.policies.at(0).keepNewest, 3);
        QCOMPARE(*plan->cleanup.policies.at(0).olderThanSeconds, 30 * 86400);
        QVERIFY(plan->cleanup.policies.at(3).verifyReplicas);
        QCOMPARE(plan->cleanup.protectingTag(QStringLiteral("latest"), QStringLiteral("old")), QStringLiteral("^latest$"));
        QCOMPARE(plan->cleanup.protectingRepository(QStringLiteral("keep/x"), QStringLiteral("gsoci")), QStringLiteral("^keep/"));
        auto scoped =
            Plan::parse(base + "cleanup:\n  protect: { tags: ['^latest$'], registries: [gsoci] }\n", QStringLiteral("p.yaml"), &error);
        QVERIFY2(scoped, qPrintable(error));
        QCOMPARE(scoped->cleanup.protectingTag(QStringLiteral("latest"), QStringLiteral("gsoci")), QStringLiteral("^latest$"));
        QVERIFY(scoped->cleanup.protectingTag(QStringLiteral("latest"), QStringLiteral("old")).isEmpty());

        QVERIFY(!Plan::parse(base + "cleanup:\n  policies:\n    - { name: c, kind: untagged, registry: cache, older-than: 1d }\n",
                             QStringLiteral("p.yaml"), &error));
        QVERIFY2(error.contains(QStringLiteral("never deletes from a cache")), qPrintable(error));
        QVERIFY(error.startsWith(QStringLiteral("p.yaml:8:")));
        QVERIFY(!Plan::parse(base + "cleanup:\n  policies:\n    - { name: u, kind: untagged, registry: gsoci }\n", QStringLiteral("p.yaml"),
                             &error));
        QVERIFY(error.contains(QStringLiteral("needs older-than")));
        QVERIFY(!Plan::parse(base + "cleanup:\n  policies:\n    - { name: l, kind: legacy, registry: gsoci }\n", QStringLiteral("p.yaml"),
                             &error));
        QVERIFY(error.contains(QStringLiteral("legacy or source registry")));
        QVERIFY(!Plan::parse(base + "cleanup:\n  policies:\n    - { name: t, kind: tags, registry: gsoci }\n", QStringLiteral("p.yaml"),
                             &error));
        QVERIFY(error.contains(QStringLiteral("needs a pattern")));
        QVERIFY(!Plan::parse(base + "cleanup:\n  polices: []\n", QStringLiteral("p.yaml"), &error));
        QVERIFY(error.contains(QStringLiteral("unknown key 'polices'")));
    }
};

FERRY_TEST_MAIN(TestCleanupAnalysis)
#include "tst_cleanupanalysis.moc"
