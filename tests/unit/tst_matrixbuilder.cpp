// SPDX-FileCopyrightText: 2026 The Ferry authors
// SPDX-License-Identifier: GPL-2.0-or-later

// The sync matrix's rules as a table: listings in compact text, the row and cells expected.
// No store and no network: buildMatrix is a function of its input.

#include "matrix/matrixbuilder.h"
#include "matrix/syncstate.h"

#include "testmain.h"

#include <QTest>

using namespace ferry;

namespace {

const QByteArray kPlan = "version: 1\n"
                         "registries:\n"
                         "  hub:   { url: https://hub.example, role: source }\n"
                         "  acr:   { url: https://acr.example, role: target }\n"
                         "  china: { url: https://china.example, role: replica, of: acr, lag-slo: 1h }\n"
                         "  old:   { url: https://old.example, role: legacy }\n"
                         "images:\n"
                         "  - source: hub/team/app\n"
                         "    target: acr/team/app\n";

// "1.0=a 1.1=b": tags with digests sha256:a…; "1.0=" a tag whose digest could not be read;
// "!why" marks the listing incomplete, "FAIL:why" failed, "PENDING" not finished, "-" none.
RepoListing listingOf(const QString &registry, const QString &text)
{
    RepoListing l;
    l.registry = registry;
    l.repository = QStringLiteral("team/app");
    l.done = text != u"PENDING";
    l.details.complete = true;
    if (text.startsWith(u"FAIL:")) {
        l.failed = true;
        l.error = text.mid(5);
        return l;
    }
    for (const QString &word : text.split(u' ', Qt::SkipEmptyParts)) {
        if (word == u"PENDING" || word == u"-")
            continue;
        if (word.startsWith(u'!')) {
            l.details.complete = false;
            l.details.incompleteReason = word.mid(1);
            continue;
        }
        const QString tag = word.section(u'=', 0, 0), digest = word.section(u'=', 1);
        TagRecord t;
        t.name = tag;
        t.digest = digest.isEmpty() ? QString() : QStringLiteral("sha256:") + digest;
        if (digest.isEmpty())
            l.details.errors << tag + QStringLiteral(": timeout reading the manifest");
        l.details.tags << t;
    }
    return l;
}

// "acr:a=-2h hub:b=-1d": the registry first saw the digest that long before now.
class TableHistory : public MatrixHistory
{
public:
    TableHistory(const QString &text, const QDateTime &now)
    {
        for (const QString &word : text.split(u' ', Qt::SkipEmptyParts)) {
            const QString key = word.section(u'=', 0, 0), age = word.section(u'=', 1);
            const qint64 n = age.mid(1, age.size() - 2).toLongLong();
            const qint64 unit = age.endsWith(u'd') ? 86400 : age.endsWith(u'h') ? 3600 : 60;
            m_first.insert(key.section(u':', 0, 0) + QStringLiteral(":sha256:") + key.section(u':', 1), now.addSecs(-n * unit));
        }
    }
    TagSeen tagSeen(const QString &, const QString &, const QString &) override { return {}; }
    QDateTime digestFirstSeen(const QString &registry, const QString &, const QString &digest) override
    {
        return m_first.value(registry + u':' + digest);
    }

private:
    QHash<QString, QDateTime> m_first;
};

} // namespace

class TestMatrixBuilder : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rules_data()
    {
        QTest::addColumn<QString>("hub");
        QTest::addColumn<QString>("acr");
        QTest::addColumn<QString>("china");
        QTest::addColumn<QString>("history");
        QTest::addColumn<QString>("partial"); // "targetDigest/sourceDigest" of a subset index
        QTest::addColumn<QString>("tag");
        QTest::addColumn<QString>("rowState");
        QTest::addColumn<QString>("cells"); // registry=state, in registry order
        QTest::addColumn<QString>("reason"); // a part of the row's reason

        QTest::newRow("synced everywhere") << "1.0=a"
                                           << "1.0=a"
                                           << "1.0=a"
                                           << ""
                                           << ""
                                           << "1.0"
                                           << "synced"
                                           << "acr=synced china=synced hub=present old=absent"
                                           << "";
        QTest::newRow("not copied yet") << "1.0=a"
                                        << "-"
                                        << "-"
                                        << ""
                                        << ""
                                        << "1.0"
                                        << "missing"
                                        << "acr=missing china=absent hub=present old=absent"
                                        << "acr: not copied to acr yet";
        QTest::newRow("source moved the tag") << "1.0=b"
                                              << "1.0=a"
                                              << "1.0=a"
                                              << "hub:a=-1d acr:a=-1d"
                                              << ""
                                              << "1.0"
                                              << "drifted"
                                              << "acr=drifted china=synced hub=present old=absent"
                                              << "the source moved the tag";
        QTest::newRow("target digest unknown to the source") << "1.0=b"
                                                             << "1.0=a"
                                                             << "-"
                                                             << ""
                                                             << ""
                                                             << "1.0"
                                                             << "drifted"
                                                             << "acr=drifted china=replicating hub=present old=absent"
                                                             << "a digest the source never had";
        QTest::newRow("subset index") << "1.0=b"
                                      << "1.0=a"
                                      << "1.0=a"
                                      << "acr:a=-1d"
                                      << "a/b"
                                      << "1.0"
                                      << "partial"
                                      << "acr=partial china=synced hub=present old=absent"
                                      << "acr: the target lacks arm64";
        QTest::newRow("replica within its SLO") << "1.0=a"
                                                << "1.0=a"
                                                << "-"
                                                << "acr:a=-10m"
                                                << ""
                                                << "1.0"
                                                << "replicating"
                                                << "acr=synced china=replicating hub=present old=absent"
                                                << "china: not replicated for 600 s (SLO 3600 s)";
        QTest::newRow("replica beyond its SLO") << "1.0=a"
                                                << "1.0=a"
                                                << "1.0=z"
                                                << "acr:a=-2h acr:z=-3h"
                                                << ""
                                                << "1.0"
                                                << "lagging"
                                                << "acr=synced china=lagging hub=present old=absent"
                                                << "china: behind the target for 7200 s";
        QTest::newRow("replica holds a digest the target never had") << "1.0=a"
                                                                     << "1.0=a"
                                                                     << "1.0=z"
                                                                     << "acr:a=-2h"
                                                                     << ""
                                                                     << "1.0"
                                                                     << "drifted"
                                                                     << "acr=synced china=drifted hub=present old=absent"
                                                                     << "china: the replica holds a digest the target never had";
        QTest::newRow("source unreadable, tag kept from the target") << "FAIL:401 Unauthorized"
                                                                     << "1.0=a"
                                                                     << "1.0=a"
                                                                     << ""
                                                                     << ""
                                                                     << "1.0"
                                                                     << "unknown"
                                                                     << "acr=unknown china=synced hub=unknown old=absent"
                                                                     << "hub: 401 Unauthorized";
        QTest::newRow("target digest unreadable") << "1.0=a"
                                                  << "1.0="
                                                  << "1.0=a"
                                                  << ""
                                                  << ""
                                                  << "1.0"
                                                  << "unknown"
                                                  << "acr=unknown china=extra hub=present old=absent"
                                                  << "timeout reading the manifest";
        QTest::newRow("incomplete target listing") << "1.0=a"
                                                   << "!page-3-failed"
                                                   << "-"
                                                   << ""
                                                   << ""
                                                   << "1.0"
                                                   << "unknown"
                                                   << "acr=unknown china=absent hub=present old=absent"
                                                   << "the tag listing was incomplete: page-3-failed";
        QTest::newRow("beyond the plan") << "1.0=a"
                                         << "1.0=a 9.9=z"
                                         << "9.9=z"
                                         << ""
                                         << ""
                                         << "9.9"
                                         << "extra"
                                         << "acr=extra china=synced old=absent"
                                         << "in the target, not in the plan";
        QTest::newRow("only in the replica") << "1.0=a"
                                             << "1.0=a"
                                             << "1.0=a 8.8=y"
                                             << ""
                                             << ""
                                             << "8.8"
                                             << "extra"
                                             << "acr=absent china=extra old=absent"
                                             << "";
        QTest::newRow("source dropped the tag") << "-"
                                                << "1.0=a"
                                                << "-"
                                                << ""
                                                << ""
                                                << "1.0"
                                                << "extra"
                                                << "acr=extra china=absent old=absent"
                                                << "in the target, not in the plan";
        QTest::newRow("listed tag, source unreadable") << "FAIL:timeout"
                                                       << "-"
                                                       << "-"
                                                       << ""
                                                       << ""
                                                       << "1.0"
                                                       << "unknown"
                                                       << "acr=unknown china=absent hub=unknown old=absent"
                                                       << "whether this tag is due is not known";
    }

    void rules()
    {
        QFETCH(QString, hub);
        QFETCH(QString, acr);
        QFETCH(QString, china);
        QFETCH(QString, history);
        QFETCH(QString, partial);
        QFETCH(QString, tag);
        QFETCH(QString, rowState);
        QFETCH(QString, cells);
        QFETCH(QString, reason);

        QString err;
        const auto plan = Plan::parse(kPlan, QStringLiteral("plan.yaml"), &err);
        QVERIFY2(plan, qPrintable(err));
        QList<ImageSet> sets = plan->images;
        if (QLatin1String(QTest::currentDataTag()) == QLatin1String("listed tag, source unreadable")) {
            sets[0].tags.kind = TagFilter::Kind::List; // a list is known without the source
            sets[0].tags.list = {QStringLiteral("1.0")};
        }
        QHash<QString, RepoListing> listings{{QStringLiteral("hub"), listingOf(QStringLiteral("hub"), hub)},
                                             {QStringLiteral("acr"), listingOf(QStringLiteral("acr"), acr)},
                                             {QStringLiteral("china"), listingOf(QStringLiteral("china"), china)},
                                             {QStringLiteral("old"), listingOf(QStringLiteral("old"), QStringLiteral("-"))}};
        QHash<QString, QString> partialOf;
        if (!partial.isEmpty())
            partialOf.insert(QStringLiteral("sha256:") + partial.section(u'/', 0, 0) + QStringLiteral("\nsha256:") +
                                 partial.section(u'/', 1),
                             QStringLiteral("the target lacks arm64 of the source's platforms"));
        const QDateTime now = QDateTime::currentDateTimeUtc();
        TableHistory past(history, now);
        MatrixInput in;
        in.plan = &*plan;
        in.sets = &sets;
        in.listing = [&listings](const QString &registry, const QString &repository) -> const RepoListing * {
            return repository == u"team/app" && listings.contains(registry) ? &listings[registry] : nullptr;
        };
        in.partialOf = &partialOf;
        in.now = now;
        in.history = &past;

        const MatrixOutput out = buildMatrix(in);
        QCOMPARE(out.coveredRepositories, QStringList{QStringLiteral("team/app")});
        const MatrixRow *row = nullptr;
        for (const MatrixRow &r : out.rows)
            if (r.tag == tag)
                row = &r;
        QVERIFY2(row, qPrintable(QStringLiteral("no row for %1").arg(tag)));
        QCOMPARE(row->state, rowState);
        QStringList got;
        for (auto it = row->cells.begin(); it != row->cells.end(); ++it)
            got << it.key() + u'=' + it->state;
        QCOMPARE(got.join(u' '), cells);
        QVERIFY2(row->reason.contains(reason), qPrintable(row->reason));
        QCOMPARE(row->inPlan, row->cells.contains(QStringLiteral("hub"))); // a promised row shows its source
    }

    void aListingStillRunningLeavesTheRepositoryAlone()
    {
        QString err;
        const auto plan = Plan::parse(kPlan, QStringLiteral("plan.yaml"), &err);
        QVERIFY2(plan, qPrintable(err));
        const RepoListing hub = listingOf(QStringLiteral("hub"), QStringLiteral("1.0=a"));
        const RepoListing acr = listingOf(QStringLiteral("acr"), QStringLiteral("1.0=a"));
        const RepoListing china = listingOf(QStringLiteral("china"), QStringLiteral("PENDING"));
        TableHistory past(QString(), QDateTime::currentDateTimeUtc());
        MatrixInput in;
        in.plan = &*plan;
        in.sets = &plan->images;
        in.listing = [&](const QString &registry, const QString &) -> const RepoListing * {
            return registry == u"hub" ? &hub : registry == u"acr" ? &acr : registry == u"china" ? &china : nullptr;
        };
        in.now = QDateTime::currentDateTimeUtc();
        in.history = &past;
        const MatrixOutput out = buildMatrix(in);
        QVERIFY(out.rows.isEmpty());
        QVERIFY(out.coveredRepositories.isEmpty());
    }

    void statesHaveOneHome()
    {
        // Wire names round-trip; a name Ferry does not know reads as unknown, never as synced.
        for (SyncState s : syncstate::filterOrder())
            QCOMPARE(syncstate::fromName(syncstate::name(s)), std::optional<SyncState>(s));
        QCOMPARE(syncstate::filterOrder().size(), 10);
        QCOMPARE(syncstate::parse(u"from-the-future"), SyncState::Unknown);
        QVERIFY(!syncstate::fromName(u"").has_value());
        // Higher is worse: a wrong digest above a missing tag above a late replica above a wait.
        QVERIFY(syncstate::rank(SyncState::Drifted) > syncstate::rank(SyncState::Missing));
        QVERIFY(syncstate::rank(SyncState::Missing) > syncstate::rank(SyncState::Lagging));
        QVERIFY(syncstate::rank(SyncState::Lagging) > syncstate::rank(SyncState::Replicating));
        QVERIFY(syncstate::rank(SyncState::Replicating) > syncstate::rank(SyncState::Synced));
        QCOMPARE(syncstate::tileOrder().size(), state::rowStates().size());
        QCOMPARE(syncstate::rank(u"present"), syncstate::rank(u"synced"));
        // The stage rules.
        QVERIFY(!syncstate::isPromised(SyncState::Extra));
        QVERIFY(syncstate::isPromised(SyncState::Missing));
        QVERIFY(syncstate::targetHoldsSourceDigest(SyncState::Lagging));
        QVERIFY(!syncstate::targetHoldsSourceDigest(SyncState::Partial));
        QVERIFY(syncstate::needsAttention(SyncState::Unknown));
        QVERIFY(!syncstate::needsAttention(SyncState::Replicating));
        // Trouble is red, waiting is amber, done is green: the table's palette.
        QCOMPARE(syncstate::cellBackground(SyncState::Missing), syncstate::cellBackground(SyncState::Drifted));
        QVERIFY(syncstate::cellBackground(SyncState::Missing) != syncstate::cellBackground(SyncState::Synced));
        // One severity per state for every face (the window's colour, the terminal's style, the
        // reports' cell) where the window and the terminal disagreed on lagging and replicating.
        QCOMPARE(syncstate::severity(SyncState::Lagging), Severity::Warning);
        QCOMPARE(syncstate::severity(SyncState::Replicating), Severity::Info);
        QCOMPARE(syncstate::severity(SyncState::Unknown), Severity::Muted);
        QCOMPARE(syncstate::severity(SyncState::Drifted), Severity::Error);
        QCOMPARE(syncstate::cellBackground(SyncState::Partial), severityBackground(Severity::Warning));
        QCOMPARE(state::rowStates().size(), 8);
    }
};

FERRY_TEST_MAIN(TestMatrixBuilder)
#include "tst_matrixbuilder.moc"
